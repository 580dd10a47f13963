/**
 * The gateway's Prometheus metrics, in a Registry of its own per gateway (so a process, or a test, can run several):
 * GraphQL operations by name and outcome with their durations, and what the Graph client did on the wire.
 */
import type http from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GraphRequestEvent, GraphTelemetry } from '../graph/index.js';

/** Operation names are chosen by callers: past this many distinct ones, the rest share one label value. */
const MAX_OPERATION_NAMES = 200;
export const OTHER_OPERATIONS = '__other__';
export const ANONYMOUS_OPERATION = '__anonymous__';

export interface GatewayMetrics {
  readonly registry: Registry;
  /** Feeds the Graph client's telemetry handler (GraphClientConfig.telemetry). */
  readonly graphTelemetry: GraphTelemetry;
  /** One finished GraphQL operation; `outcome` is `ok` or the first error code. */
  recordOperation(operationName: string | undefined, outcome: string, seconds: number): void;
  /** One request refused before it became an operation (caller authentication), by error code. */
  recordRefusal(code: string): void;
  /** One request to the callback endpoint, by outcome (`accepted`, `unauthenticated`, `bad_request`, ...). */
  recordCallback(outcome: string): void;
  /** What became of notifications of accepted callbacks: `applied`, `duplicate`, `stale` or `ignored`. */
  recordNotifications(result: string, count: number): void;
}

export interface GatewayMetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event-loop lag, GC). Default true. */
  processMetrics?: boolean;
}

export function createGatewayMetrics(options: GatewayMetricsOptions = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'comms_' });

  const operations = new Counter({
    name: 'comms_graphql_operations_total',
    help: 'GraphQL operations answered, by operation name and outcome (ok, or the first error code)',
    labelNames: ['operation', 'outcome'],
    registers: [registry],
  });
  const operationDuration = new Histogram({
    name: 'comms_graphql_operation_duration_seconds',
    help: 'Time from receiving a GraphQL operation to sending its answer, by operation name and outcome',
    labelNames: ['operation', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'comms_graphql_requests_refused_total',
    help: 'GraphQL requests refused before execution by caller authentication, by error code',
    labelNames: ['code'],
    registers: [registry],
  });
  const graphRequests = new Counter({
    name: 'comms_graph_requests_total',
    help: 'HTTP requests to Microsoft Graph (each attempt), by method, route and status (or failure kind)',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const graphDuration = new Histogram({
    name: 'comms_graph_request_duration_seconds',
    help: 'Duration of HTTP requests to Microsoft Graph, by route',
    labelNames: ['route'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'comms_graph_retries_total',
    help: 'HTTP requests to Graph that were retries of an earlier attempt, by route',
    labelNames: ['route'],
    registers: [registry],
  });
  const throttles = new Counter({
    name: 'comms_graph_throttled_total',
    help: 'Graph 429 answers: to a whole request (scope request) or to items inside a $batch (scope batch_item)',
    labelNames: ['scope'],
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'comms_graph_batch_size',
    help: 'Items per $batch request sent to Graph',
    buckets: [1, 2, 5, 10, 15, 20],
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'comms_graph_token_refreshes_total',
    help: 'Times a new Graph bearer token came into use: the first one, and every refresh (before expiry or after a 401)',
    registers: [registry],
  });

  const callbacks = new Counter({
    name: 'comms_callbacks_received_total',
    help: 'Requests to the call-notification endpoint, by outcome (accepted, unauthenticated, bad_request, too_large, rate_limited, ...)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const notifications = new Counter({
    name: 'comms_callback_notifications_total',
    help: 'Call notifications of accepted callbacks, by result: applied, or dropped as duplicate, stale or ignored',
    labelNames: ['result'],
    registers: [registry],
  });

  const knownNames = new Set<string>();
  const operationLabel = (name: string | undefined): string => {
    const label = name === undefined || name === '' ? ANONYMOUS_OPERATION : name;
    if (knownNames.has(label)) return label;
    if (knownNames.size >= MAX_OPERATION_NAMES) return OTHER_OPERATIONS;
    knownNames.add(label);
    return label;
  };

  return {
    registry,
    graphTelemetry: {
      request(event: GraphRequestEvent) {
        const status = event.status === undefined ? (event.failure ?? 'failed') : String(event.status);
        graphRequests.inc({ method: event.method, route: event.route, status });
        graphDuration.observe({ route: event.route }, event.durationMs / 1000);
        if (event.retry) retries.inc({ route: event.route });
        if (event.status === 429) throttles.inc({ scope: 'request' });
        if (event.throttledItems) throttles.inc({ scope: 'batch_item' }, event.throttledItems);
        if (event.batchItems !== undefined) batchSize.observe(event.batchItems);
        if (event.newToken) tokens.inc();
      },
    },
    recordOperation(operationName, outcome, seconds) {
      const labels = { operation: operationLabel(operationName), outcome };
      operations.inc(labels);
      operationDuration.observe(labels, seconds);
    },
    recordRefusal(code) {
      refusals.inc({ code });
    },
    recordCallback(outcome) {
      callbacks.inc({ outcome });
    },
    recordNotifications(result, count) {
      if (count > 0) notifications.inc({ result }, count);
    },
  };
}

/** `GET /metrics`: the registry in Prometheus' text format. */
export function metricsRoute(registry: Registry): http.RequestListener {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('405: GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) =>
        res
          .writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' })
          .end(req.method === 'HEAD' ? undefined : text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('500: metrics could not be collected\n'),
    );
  };
}
