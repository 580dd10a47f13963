/**
 * One SERVER span per GraphQL operation, over HTTP and over graphql-ws, continuing the caller's W3C trace
 * (`traceparent`). Named by the GraphQL semantic conventions once the operation is known (`query RecentCallRecords`,
 * `subscription` for an anonymous one), with `graphql.operation.type`, `graphql.operation.name` and
 * `graphql.document`: the document with every literal blanked, so an id or a secret written inline in a query never
 * reaches a collector; variables are never recorded. The operation's Graph requests and waits are its children
 * (graph/handlers/telemetry.ts, tracedWait).
 */
import type http from 'node:http';
import type { ApolloServerPlugin, BaseContext, GraphQLResponse } from '@apollo/server';
import { print, visit, type DocumentNode, type OperationTypeNode } from 'graphql';
import { SpanKind, SpanStatusCode, extractTraceContext, trace, traceContext, tracer, type Span, type TraceContext } from './tracing.js';

/** A longer document is not recorded: a collector is no place for a megabyte of query text. */
const MAX_DOCUMENT_CHARS = 8192;

/**
 * Runs `handle` (the `/graphql` route) inside a SERVER span, child of the caller's `traceparent` when one came. The
 * span is named `POST /graphql` until the operation plugin names it; it ends when the response is finished.
 */
export function traceHttpOperation(req: http.IncomingMessage, res: http.ServerResponse, handle: () => void): void {
  const parent = extractTraceContext(req.headers);
  const method = (req.method ?? 'GET').toUpperCase();
  const span = tracer().startSpan(
    `${method} /graphql`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': method,
        'http.route': '/graphql',
        'url.path': '/graphql',
        'url.scheme': 'http',
        ...(req.socket.localPort !== undefined ? { 'server.port': req.socket.localPort } : {}),
        ...(typeof req.headers['user-agent'] === 'string' ? { 'user_agent.original': req.headers['user-agent'] } : {}),
      },
    },
    parent,
  );
  if (span.isRecording()) {
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      if (!res.writableFinished) span.setAttribute('error.type', 'connection_closed');
      span.end();
    });
  } else span.end();
  traceContext.with(trace.setSpan(parent, span), handle);
}

/**
 * Names the active operation span and gives it the GraphQL attributes; marks it an error (with the first
 * `extensions.code` as `error.type`) when the answer carries errors. Does nothing when tracing is off.
 */
export function operationTracingPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const span = trace.getActiveSpan();
      if (!span?.isRecording()) return;
      return {
        async didResolveOperation({ operation, operationName, document }) {
          if (operation) describeOperation(span, operation.operation, operationName ?? undefined, document);
        },
        async willSendResponse({ response }) {
          const code = firstErrorCode(response);
          if (code !== undefined) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            span.setAttribute('error.type', code);
          }
        },
      };
    },
  };
}

/** A graphql-ws operation's span: started at admission, ended with the subscription. */
export interface SubscriptionSpan {
  /** The context its resolvers (and so its Graph requests) run in. */
  readonly context: TraceContext;
  /** Ends the span; `errorCodes` are the codes of the errors it sent, if any. */
  end(errorCodes: readonly string[], events: number): void;
}

/**
 * Starts a subscription's span under `parent` (the subscribe message's `extensions.traceparent`, else the upgrade
 * request's headers). It lasts as long as the subscription: a long subscription is one long span.
 */
export function startSubscriptionSpan(
  parent: TraceContext,
  type: OperationTypeNode,
  operationName: string | undefined,
  document: DocumentNode,
): SubscriptionSpan {
  const span = tracer().startSpan(type, { kind: SpanKind.SERVER, attributes: { 'network.protocol.name': 'websocket' } }, parent);
  if (span.isRecording()) describeOperation(span, type, operationName, document);
  return {
    context: trace.setSpan(parent, span),
    end(errorCodes, events) {
      if (!span.isRecording()) return;
      span.setAttribute('graphql.subscription.events', events);
      if (errorCodes[0] !== undefined) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.setAttribute('error.type', errorCodes[0]);
      }
      span.end();
    },
  };
}

/** The subscribe message's own trace context wins over the socket's: one socket carries many operations. */
export function subscriptionParent(extensions: unknown, upgradeHeaders: http.IncomingHttpHeaders): TraceContext {
  const own = typeof extensions === 'object' && extensions !== null ? (extensions as Record<string, unknown>)['traceparent'] : undefined;
  if (typeof own === 'string') {
    const state = (extensions as Record<string, unknown>)['tracestate'];
    return extractTraceContext({ traceparent: own, ...(typeof state === 'string' ? { tracestate: state } : {}) });
  }
  return extractTraceContext(upgradeHeaders);
}

function describeOperation(span: Span, type: OperationTypeNode, name: string | undefined, document: DocumentNode): void {
  span.updateName(name ? `${type} ${name}` : type);
  span.setAttribute('graphql.operation.type', type);
  if (name) span.setAttribute('graphql.operation.name', name);
  const text = withoutLiterals(document);
  if (text.length <= MAX_DOCUMENT_CHARS) span.setAttribute('graphql.document', text);
}

/** The document with every string blanked and every number zeroed (as Apollo's usage reporting does). */
export function withoutLiterals(document: DocumentNode): string {
  return print(
    visit(document, {
      StringValue: (node) => ({ ...node, value: '', block: false }),
      IntValue: (node) => ({ ...node, value: '0' }),
      FloatValue: (node) => ({ ...node, value: '0' }),
      // Lists and objects of literals shrink to empty ones: their length and keys can tell as much as their values.
      ListValue: (node) => ({ ...node, values: [] }),
      ObjectValue: (node) => ({ ...node, fields: [] }),
      VariableDefinition: (node) => ({ ...node, defaultValue: undefined }),
    }),
  );
}

function firstErrorCode(response: GraphQLResponse): string | undefined {
  const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
  const first = errors?.[0];
  if (first === undefined) return undefined;
  return typeof first.extensions?.['code'] === 'string' ? first.extensions['code'] : 'INTERNAL_SERVER_ERROR';
}
