/**
 * The gateway's spans, written against the OpenTelemetry API only. Until tracingSdk.ts registers a provider the API
 * is a no-op: every span here is a non-recording one that costs a function call, and attributes are only computed
 * for a recording span. No module here imports the SDK.
 */
import {
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';

/** The instrumentation scope of every span the gateway makes. */
export const TRACER_NAME = 'comms-graphql';

/** Looked up at each use, so a provider registered (or replaced, in tests) later is the one used. */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** Incoming trace context (W3C `traceparent`/`tracestate`) from request headers; the root context when absent or invalid. */
export function extractTraceContext(headers: Readonly<Record<string, string | string[] | undefined>>): Context {
  return propagation.extract(ROOT_CONTEXT, headers, {
    keys: (carrier) => Object.keys(carrier),
    get: (carrier, key) => {
      const value = carrier[key.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
  });
}

/** The trace id of the span active in `ctx` (default: now), for log lines; undefined when tracing is off. */
export function traceIdOf(ctx: Context = context.active()): string | undefined {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext !== undefined && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** `{ traceId }` for a log line, or nothing, so lines stay as they were when tracing is off. */
export function traceFields(ctx?: Context): { traceId?: string } {
  const traceId = traceIdOf(ctx);
  return traceId === undefined ? {} : { traceId };
}

/**
 * Runs `wait` (a queue, a backoff, a budget) inside an INTERNAL span named `name`, as a child of the active span.
 * Nothing is recorded when no recording span is active: a wait outside any traced operation adds no root trace.
 * The span ends when `wait` settles; a rejection marks it an error with the error's class name, never its message.
 */
export async function tracedWait<T>(name: string, wait: () => Promise<T>, attributes?: Attributes): Promise<T> {
  if (!trace.getSpan(context.active())?.isRecording()) return wait();
  const span = tracer().startSpan(name, { kind: SpanKind.INTERNAL, ...(attributes ? { attributes } : {}) });
  try {
    return await context.with(trace.setSpan(context.active(), span), wait);
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('error.type', error instanceof Error ? error.name : 'unknown');
    throw error;
  } finally {
    span.end();
  }
}

const LINKS = createContextKey('comms-graphql span links');

/**
 * Work done once for several operations (a `$batch` carrying items of concurrent operations) runs in the first
 * operation's context and links to the others: `withLinks` puts those links in the context, `linksIn` reads them.
 */
export function withLinks(ctx: Context, others: readonly SpanContext[]): Context {
  return others.length === 0 ? ctx : ctx.setValue(LINKS, others);
}

export function linksIn(ctx: Context = context.active()): Link[] {
  const others = ctx.getValue(LINKS) as readonly SpanContext[] | undefined;
  return others === undefined ? [] : others.map((spanContext) => ({ context: spanContext }));
}

export { context as traceContext, SpanKind, SpanStatusCode, trace, type Context as TraceContext, type Span, type SpanContext };
