import { segment } from '../loaders/graphBatch.js';
import type { GraphCommsOperation } from '../graph/types.js';
import type { GatewayContext } from '../context.js';
import { checkId } from './arguments.js';

/**
 * How the call-control mutations reach Graph: one request through the operation's Graph view, the body marked as the
 * caller's (Graph's 400 is BAD_USER_INPUT). POSTs keep the view's non-idempotent handling (retried on 429 only,
 * OUTCOME_UNKNOWN otherwise); DELETEs are idempotent and retried like reads.
 */

/** What an action answered without an operation. */
export interface CallActionAccepted {
  callId: string;
  clientRequestId: string | null;
}

/** `/communications/calls/{callId}[/participants/{participantId}]/{action}`, each id checked as the argument it came from. */
export function actionPath(callId: string, action?: string, participantId?: string): string {
  const call = `/communications/calls/${segment(checkId(callId, 'callId'))}`;
  const participant = participantId === undefined ? '' : `/participants/${segment(checkId(participantId, 'participantId'))}`;
  return `${call}${participant}${action === undefined ? '' : `/${action}`}`;
}

/**
 * POSTs an action that starts an operation and returns the operation. Graph's answer is completed from what the
 * gateway knows when it lacks something: the type the action creates, the id at the end of `Location`, the
 * client context that was sent.
 */
export async function postOperation(
  { graph, logger }: GatewayContext,
  path: string,
  body: Record<string, unknown>,
  operationType: string,
): Promise<GraphCommsOperation> {
  const response = await graph.request<unknown>({ method: 'POST', path, body }, { userSuppliedBody: true });
  const answer = isObject(response.body) ? (response.body as GraphCommsOperation) : {};
  const operation: GraphCommsOperation = {
    ...answer,
    '@odata.type': answer['@odata.type'] ?? `#microsoft.graph.${operationType}`,
    id: answer.id ?? idFromLocation(response.headers.get('location')),
    clientContext: answer.clientContext ?? (typeof body['clientContext'] === 'string' ? body['clientContext'] : null),
  };
  logger.info(
    { action: path.slice(path.lastIndexOf('/') + 1), operationId: operation.id, clientRequestId: response.clientRequestId },
    'call action accepted',
  );
  return operation;
}

/** Sends an action Graph answers without an operation (202/204, or 200 with no body). */
export async function sendAction(
  { graph, logger }: GatewayContext,
  callId: string,
  method: 'POST' | 'DELETE',
  path: string,
  body?: Record<string, unknown>,
): Promise<CallActionAccepted> {
  const response = await graph.request<unknown>(
    { method, path, ...(body !== undefined ? { body } : {}) },
    body !== undefined ? { userSuppliedBody: true } : {},
  );
  logger.info({ action: `${method} ${path}`, clientRequestId: response.clientRequestId }, 'call action accepted');
  return { callId, clientRequestId: response.clientRequestId };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The last path segment of Graph's `Location` (`.../operations/{id}`), or null. */
function idFromLocation(location: string | null): string | null {
  if (!location) return null;
  const last = location.split('?')[0]?.split('/').filter(Boolean).pop();
  return last ? decodeURIComponent(last) : null;
}
