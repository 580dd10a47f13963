/**
 * The front door: sends each HTTPS request to the control surface (`/_simulator/`), the Graph pipeline
 * (`/v1.0/...`, `/beta/...`) or the identity platform (`/{tenant}/...`), records it, and writes the answer
 * with Graph's correlation headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleControlRequest } from './control.js';
import type { SimulatorControl } from './control.js';
import { splitTarget } from './dispatch.js';
import type { Dispatcher } from './dispatch.js';
import { badRequest, toGraphErrorResponse } from './graphErrors.js';
import { handleIdentityRequest, isIdentityPath } from './identity/index.js';
import type { SigningKey } from './identity/signingKey.js';
import type { RequestRecorder } from './log.js';
import type { AppRegistration } from './options.js';
import { BodyTooLargeError, readBody } from './readBody.js';
import { flatHeaders, isLoopback, sendJson } from './server.js';
import { GraphHttpError } from './types.js';
import type { GraphVersion } from './types.js';
import { correlationHeaders, newGuid } from './wire.js';
import type { Correlation } from './wire.js';

export interface RequestHandlerDeps {
  /** The canonical origin, used when the Host header names none of ours. */
  origin: string;
  /** Every origin this simulator answers as (127.0.0.1, localhost). */
  origins: readonly string[];
  dispatcher: Dispatcher;
  recorder: RequestRecorder;
  control: SimulatorControl;
  identity: { key: SigningKey; tenantId: string; apps: readonly AppRegistration[]; lifetimeSeconds: number };
  maxBodyBytes: number;
}

const VERSIONS: readonly GraphVersion[] = ['v1.0', 'beta'];

export function createRequestHandler(deps: RequestHandlerDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const started = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    const { path, rawQuery } = splitTarget(target);
    const headers = flatHeaders(req);
    const correlation: Correlation = {
      requestId: newGuid(),
      ...(headers['client-request-id'] !== undefined ? { clientRequestId: headers['client-request-id'] } : {}),
    };
    const origin = originOf(headers.host, deps);
    const firstSegment = path.split('/')[1] ?? '';
    try {
      if (firstSegment === '_simulator') {
        await serveControl(req, res, path.slice('/_simulator'.length), deps, correlation);
        return;
      }
      const version = VERSIONS.find((v) => v === firstSegment);
      if (version !== undefined) {
        const body = await readBody(req, deps.maxBodyBytes);
        const outcome = await deps.dispatcher.dispatch({
          method,
          path: path.slice(version.length + 1) || '/',
          rawQuery,
          headers,
          body: body.length > 0 ? { kind: 'bytes', bytes: body } : { kind: 'none' },
          version,
          baseUrl: `${origin}/${version}`,
          correlation,
          inBatch: false,
        });
        const status = outcome.kind === 'drop' ? 0 : outcome.response.status;
        deps.recorder.record({
          time: new Date().toISOString(),
          kind: 'graph',
          method,
          path: target,
          route: outcome.route,
          status,
          ...(outcome.app ? { appId: outcome.app.appId } : {}),
          requestId: correlation.requestId,
          ...(correlation.clientRequestId !== undefined ? { clientRequestId: correlation.clientRequestId } : {}),
          inBatch: false,
          ...(outcome.fault !== undefined ? { fault: outcome.fault } : {}),
          durationMs: Math.round(performance.now() - started),
        });
        if (outcome.kind === 'drop') {
          req.socket.destroy();
          return;
        }
        sendJson(res, outcome.response, correlationHeaders(correlation));
        return;
      }
      if (isIdentityPath(path)) {
        const body = await readBody(req, deps.maxBodyBytes);
        const answer = await handleIdentityRequest({ method, path, headers, body, origin }, { ...deps.identity, origins: deps.origins });
        deps.recorder.record({
          time: new Date().toISOString(),
          kind: 'identity',
          method,
          path: target,
          route: answer.route,
          status: answer.response.status,
          ...(answer.appId !== undefined ? { appId: answer.appId } : {}),
          requestId: correlation.requestId,
          ...(correlation.clientRequestId !== undefined ? { clientRequestId: correlation.clientRequestId } : {}),
          inBatch: false,
          durationMs: Math.round(performance.now() - started),
        });
        sendJson(res, answer.response, { 'x-ms-request-id': correlation.requestId });
        return;
      }
      throw badRequest(`Invalid version: ${firstSegment}`);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        const tooLarge = new GraphHttpError(413, 'RequestEntityTooLarge', `The request body exceeds the limit of ${err.limit} bytes.`);
        // The rest of the body is never read, so the connection cannot be reused.
        sendJson(res, toGraphErrorResponse(tooLarge, correlation), { ...correlationHeaders(correlation), Connection: 'close' });
        return;
      }
      sendJson(res, toGraphErrorResponse(err, correlation), correlationHeaders(correlation));
    }
  };
}

async function serveControl(
  req: IncomingMessage,
  res: ServerResponse,
  subPath: string,
  deps: RequestHandlerDeps,
  correlation: Correlation,
): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) {
    throw new GraphHttpError(403, 'accessDenied', 'The control surface answers loopback callers only.');
  }
  const bytes = await readBody(req, deps.maxBodyBytes);
  let body: unknown;
  if (bytes.length > 0) {
    try {
      body = JSON.parse(bytes.toString('utf8')) as unknown;
    } catch {
      throw badRequest('The control request body must be JSON.');
    }
  }
  const response = await handleControlRequest(deps.control, (req.method ?? 'GET').toUpperCase(), subPath, body);
  sendJson(res, response, correlationHeaders(correlation));
}

function originOf(host: string | undefined, deps: RequestHandlerDeps): string {
  if (host === undefined) return deps.origin;
  const candidate = `https://${host.toLowerCase()}`;
  return deps.origins.includes(candidate) ? candidate : deps.origin;
}
