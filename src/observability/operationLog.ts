import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin, BaseContext, GraphQLResponse } from '@apollo/server';
import type { Logger } from './logger.js';
import type { GatewayMetrics } from './metrics.js';
import { traceFields } from './tracing.js';
import type { UpstreamCount } from '../upstream/operationGraph.js';

export interface OperationObservabilityOptions<TContext extends BaseContext> {
  logger: Pick<Logger, 'info'>;
  /** Where operation counts and durations go; none when metrics are off. */
  metrics: GatewayMetrics | undefined;
  /** What the plugin needs from an operation's context. */
  describe(context: TContext): { requestId: string; upstream: UpstreamCount };
}

/**
 * One structured log line and one metrics sample per GraphQL operation, when its answer is sent:
 *
 *   {"msg":"graphql operation","requestId":"…","operationName":"RecentCallRecords","operationType":"query",
 *    "durationMs":41.7,"graphRequests":3,"graphBatchItems":2,"outcome":"ok","traceId":"4bf92f35…"}
 *
 * `graphRequests` counts the Graph requests the operation asked for (a `$batch` item counts as one; items of
 * concurrent operations share `$batch` requests, so the Graph-side count is in the metrics). An operation that
 * failed carries `outcome: "error"` and `errorCodes`, the distinct `extensions.code`s of its answer. With tracing on,
 * `traceId` is the trace of the operation's span.
 */
export function operationObservabilityPlugin<TContext extends BaseContext>(
  options: OperationObservabilityOptions<TContext>,
): ApolloServerPlugin<TContext> {
  const { logger, metrics, describe } = options;
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ contextValue, operationName, operation, request, response }) {
          const durationMs = performance.now() - started;
          const codes = errorCodes(response);
          const name = operationName ?? request.operationName ?? undefined;
          metrics?.recordOperation(name, codes[0] ?? 'ok', durationMs / 1000);
          const { requestId, upstream } = describe(contextValue);
          logger.info(
            {
              requestId,
              operationName: name ?? null,
              operationType: operation?.operation ?? null,
              durationMs: Math.round(durationMs * 10) / 10,
              graphRequests: upstream.requests + upstream.batchItems,
              graphBatchItems: upstream.batchItems,
              outcome: codes.length === 0 ? 'ok' : 'error',
              ...(codes.length > 0 ? { errorCodes: codes } : {}),
              // The operation's span is active here (operationTracing.ts): its trace id joins the line to the trace.
              ...traceFields(),
            },
            'graphql operation',
          );
        },
      };
    },
  };
}

function errorCodes(response: GraphQLResponse): string[] {
  const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
  const codes = (errors ?? []).map((e) => (typeof e.extensions?.['code'] === 'string' ? e.extensions['code'] : 'INTERNAL_SERVER_ERROR'));
  return [...new Set(codes)];
}
