import type { ChangeScreenSharingRoleInput, UpdateRecordingStatusInput } from '../generated/graphql.js';
import { clientContextOf } from './clientContext.js';
import { checkNotSentinel } from './inputChecks.js';

/** Graph's bodies for the actions that change a call's declared state: updateRecordingStatus, changeScreenSharingRole. */

export function toUpdateRecordingStatusBody(input: UpdateRecordingStatusInput): Record<string, unknown> {
  // `unknown` describes what Graph does not know; it is not a status an application can declare.
  checkNotSentinel(input.status, 'input.status', ['unknown', 'unknownFutureValue']);
  return { status: input.status, clientContext: clientContextOf(input.clientContext) };
}

export function toChangeScreenSharingRoleBody(input: ChangeScreenSharingRoleInput): Record<string, unknown> {
  checkNotSentinel(input.role, 'input.role');
  return { role: input.role };
}
