import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewayConfig } from './config.js';
import type { GatewayContext } from './context.js';
import { GatewayErrorCode } from './errors.js';
import { createGraphClient } from './graph/client.js';
import type { GraphClientConfig } from './graph/config.js';
import type { GraphClient } from './graph/client.js';
import { createLoaders } from './loaders/index.js';
import { createLogger, type Logger } from './logger.js';
import { CursorCodec } from './paging/cursor.js';
import { resolvers } from './resolvers/index.js';
import { buildGatewaySchema } from './schema/index.js';
import { EXAMPLE_OPERATIONS } from './examples.js';

export interface GatewayOptions {
  config: GatewayConfig;
  /** How to reach Graph: real Graph from the config, or the embedded simulator. */
  graph: GraphClientConfig;
  logger?: Logger;
}

export interface RunningGateway {
  /** `http://host:port/graphql` */
  url: string;
  port: number;
  graph: GraphClient;
  /** Stops taking requests, lets in-flight ones finish, closes upstream sockets. Idempotent. */
  stop(): Promise<void>;
}

/** Request bodies above this are refused with 413 before they are parsed. */
const MAX_BODY_BYTES = 256 * 1024;

/** Codes that are safe to show callers as they are; anything else is masked. */
const PUBLIC_CODES = new Set<string>([
  ...Object.values(GatewayErrorCode),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Builds the gateway (Apollo Server over node:http) and starts listening. */
export async function createGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const graph = createGraphClient({ ...options.graph, logger: logger.child({ component: 'graph' }) });
  const codec = new CursorCodec(config.cursorSecret);
  const development = config.env === 'development';

  let state: 'starting' | 'ready' | 'draining' | 'stopped' = 'starting';
  const httpServer = http.createServer();
  const apollo = new ApolloServer<GatewayContext>({
    schema: buildGatewaySchema(resolvers, { logger }),
    introspection: config.env !== 'production',
    includeStacktraceInErrorResponses: development,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    formatError: (formatted, error) => maskError(formatted, error, logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: 10_000 }),
      config.env === 'production'
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({
            embed: { initialState: { pollForSchemaUpdates: false } },
            document: EXAMPLE_OPERATIONS,
            footer: false,
          }),
    ],
  });
  await apollo.start();

  httpServer.on('request', (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') return sendJson(res, state === 'ready' ? 200 : 503, { status: state });
    if (path !== '/graphql') return sendJson(res, 404, { error: 'not found: the GraphQL endpoint is /graphql' });
    if (state !== 'ready') return sendJson(res, 503, { error: 'the gateway is shutting down' }, { connection: 'close' });
    handleGraphQL(req, res, apollo, (requestId) => {
      const deadline = Date.now() + config.operationTimeoutMs;
      const callOptions = { deadline };
      return {
        loaders: createLoaders(graph, () => callOptions),
        graph,
        codec,
        paging: config.paging,
        requestId,
        deadline,
        logger: logger.child({ requestId }),
      };
    }, logger);
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  state = 'ready';
  const { port } = httpServer.address() as AddressInfo;
  const displayHost = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host) ? 'localhost' : config.host;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${displayHost.includes(':') ? `[${displayHost}]` : displayHost}:${port}/graphql`,
    port,
    graph,
    stop() {
      stopping ??= (async () => {
        state = 'draining';
        await apollo.stop();
        await graph.close();
        state = 'stopped';
      })();
      return stopping;
    },
  };
}

function handleGraphQL(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  apollo: ApolloServer<GatewayContext>,
  makeContext: (requestId: string) => GatewayContext,
  logger: Logger,
): void {
  const requestId = acceptedRequestId(req.headers['x-request-id']) ?? randomUUID();
  res.setHeader('x-request-id', requestId);
  readBody(req)
    .then(async (raw) => {
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      let body: unknown;
      if (req.method === 'POST') {
        const type = (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
        if (type !== 'application/json' && type !== 'application/graphql-response+json') {
          return sendJson(res, 415, graphqlHttpError('POST requests must have Content-Type: application/json'));
        }
        try {
          body = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
        } catch {
          return sendJson(res, 400, graphqlHttpError('the request body is not valid JSON'));
        }
      }
      const httpGraphQLRequest: HTTPGraphQLRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        headers,
        search: new URL(req.url ?? '/', 'http://localhost').search,
        body,
      };
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest,
        context: async () => makeContext(requestId),
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    })
    .catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, graphqlHttpError(`request bodies are limited to ${MAX_BODY_BYTES} bytes`), { connection: 'close' });
      logger.error({ err: error, requestId }, 'request failed outside GraphQL execution');
      if (!res.headersSent) sendJson(res, 500, graphqlHttpError('Unexpected error.'));
      else res.destroy();
    });
}

class BodyTooLargeError extends Error {}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      req.resume();
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function acceptedRequestId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(value) ? value : undefined;
}

function graphqlHttpError(message: string) {
  return { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Errors with a public code pass through; anything else is logged in full and shown as "Unexpected error.". */
function maskError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) return formatted;
  logger.error({ err: (error as { originalError?: unknown })?.originalError ?? error, path: formatted.path }, 'unexpected error in resolver');
  return {
    message: 'Unexpected error.',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: GatewayErrorCode.InternalServerError },
  };
}
