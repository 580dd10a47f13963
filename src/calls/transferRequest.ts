import type { TransferCallInput } from '../generated/graphql.js';
import { checkLength } from './inputChecks.js';
import { checkIdentitySet, checkTarget, identitySet, invitation } from './participantBodies.js';

/** Graph's transfer body (Graph docs: call transfer): a blind transfer, or a consultative one with `replacesCallId`. */
export function toTransferBody(input: TransferCallInput): Record<string, unknown> {
  checkTarget(input.transferTarget, 'input.transferTarget');
  const body: Record<string, unknown> = { transferTarget: invitation(input.transferTarget) };
  const transferee = input.transferee;
  if (transferee) {
    checkIdentitySet(transferee.identity, 'input.transferee.identity');
    if (transferee.participantId !== null && transferee.participantId !== undefined)
      checkLength(transferee.participantId, 1, 128, 'input.transferee.participantId');
    body['transferee'] = {
      '@odata.type': '#microsoft.graph.participantInfo',
      identity: identitySet(transferee.identity),
      ...(transferee.participantId ? { participantId: transferee.participantId } : {}),
    };
  }
  return body;
}
