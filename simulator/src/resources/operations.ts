/**
 * commsOperations: the object an action answers with, kept on the call for GET .../operations/{id}, and
 * for running ones completed after the configured delay with a `deleted` notification (CALLS-LIVE.md 1.3, 2.5).
 */
import type { SimRequest, SimResponse } from '../types.js';
import { newId, type CallDeps } from './callModel.js';
import { notifyOperation } from './callNotifications.js';
import type { Json, StoredCall } from './store.js';

export interface OperationSpec {
  /** The subtype without namespace, e.g. `playPromptOperation`. */
  type: string;
  /** As Graph answers it; the invite example answers `Running`, the others `running` or `completed`. */
  status: 'running' | 'Running' | 'completed';
  clientContext: string | null;
  /** Subtype properties of the answer. */
  extra?: Json;
  /** The action's success status: 200 for most, 202 for hold music and addLargeGalleryView. */
  httpStatus?: 200 | 202;
  /** Subtype properties the operation ends with (recordingLocation, completionReason, ...). */
  completion?: (op: Json) => Json;
  /** Runs after the completion notification (roster updates that follow the operation). */
  afterCompletion?: () => void;
  /** Result message of a completed operation. Default `Action completed successfully.` */
  message?: string;
  subcode?: number;
}

export function resultInfo(code: number, subcode: number, message: string): Json {
  return { '@odata.type': '#microsoft.graph.resultInfo', code, subcode, message };
}

/** Records the operation on the call, schedules its completion when running, and answers with it and its Location. */
export function startOperation(req: SimRequest, deps: CallDeps, call: StoredCall, spec: OperationSpec): SimResponse {
  const id = newId();
  const message = spec.message ?? 'Action completed successfully.';
  const op: Json = {
    '@odata.type': `#microsoft.graph.${spec.type}`,
    id,
    status: spec.status,
    clientContext: spec.clientContext,
    resultInfo: spec.status === 'completed' ? resultInfo(200, spec.subcode ?? 0, message) : null,
    ...spec.extra,
  };
  call.operations.set(id, op);
  if (spec.status !== 'completed') {
    deps.calls.later(call, deps.delayMs, () => {
      if (String(op['status']).toLowerCase() !== 'running') return;
      op['status'] = 'completed';
      op['resultInfo'] = resultInfo(200, spec.subcode ?? 0, message);
      if (spec.completion) Object.assign(op, spec.completion(op));
      notifyOperation(deps.callbacks, call, op);
      spec.afterCompletion?.();
    });
  }
  return {
    status: spec.httpStatus ?? 200,
    headers: { Location: `${req.baseUrl}/communications/calls/${call.id}/operations/${id}` },
    body: { ...op },
  };
}
