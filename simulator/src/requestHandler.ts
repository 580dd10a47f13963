/**
 * The front door: sends each HTTPS request to the control surface (`/_simulator/`), the Graph pipeline
 * (`/v1.0/...`, `/beta/...`) or the identity platform (`/{tenant}/...`), records it, and writes the answer
 * with Graph's correlation headers.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callbackOpenIdConfiguration, CALLBACK_OPENID_PATH, isCallbackKeyPath } from './callbacks/signing.js';
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
import type { GraphResources, GraphVersion } from './types.js';
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
  /** The key callbacks are signed with, published under `/botframework/v1/.well-known/`. */
  callbackKey: SigningKey;
  /** For recording downloads. */
  resources: GraphResources;
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
        await serveControl(req, res, path.slice('/_simulator'.length), new URLSearchParams(rawQuery), deps, correlation);
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
      if (isCallbackKeyPath(path)) {
        if (method !== 'GET') throw new GraphHttpError(405, 'MethodNotAllowed', `Only GET is allowed on ${path}.`);
        const openId = path.replace(/\/+$/, '').toLowerCase() === CALLBACK_OPENID_PATH.toLowerCase();
        sendJson(
          res,
          {
            status: 200,
            headers: { 'Cache-Control': 'max-age=86400, public' },
            body: openId ? callbackOpenIdConfiguration(origin) : { keys: [deps.callbackKey.publicJwk] },
          },
          { 'x-ms-request-id': correlation.requestId },
        );
        return;
      }
      if (firstSegment === 'recordings') {
        serveRecording(res, path, method, headers, deps.resources);
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
  query: URLSearchParams,
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
  const response = await handleControlRequest(deps.control, (req.method ?? 'GET').toUpperCase(), subPath, body, query);
  sendJson(res, response, correlationHeaders(correlation));
}

/** A recordResponse recording: `GET /recordings/{id}` with `Authorization: Bearer <recordingAccessToken>`. */
function serveRecording(
  res: ServerResponse,
  path: string,
  method: string,
  headers: Readonly<Record<string, string>>,
  resources: GraphResources,
): void {
  const id = path.split('/')[2] ?? '';
  const recording = resources.recording(id);
  if (method !== 'GET') throw new GraphHttpError(405, 'MethodNotAllowed', 'Only GET is allowed on a recording.');
  if (!recording) throw new GraphHttpError(404, 'itemNotFound', `No recording '${id}'.`);
  const presented = Buffer.from(/^Bearer\s+(.+)$/i.exec(headers['authorization'] ?? '')?.[1]?.trim() ?? '');
  const expected = Buffer.from(recording.accessToken);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'The recording needs its recordingAccessToken as a bearer token.', {
      'WWW-Authenticate': 'Bearer',
    });
  }
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': recording.bytes.length });
  res.end(recording.bytes);
}

function originOf(host: string | undefined, deps: RequestHandlerDeps): string {
  if (host === undefined) return deps.origin;
  const candidate = `https://${host.toLowerCase()}`;
  return deps.origins.includes(candidate) ? candidate : deps.origin;
}
