/**
 * Starts the OpenTelemetry SDK when tracing is configured, and only then: the SDK packages are imported here, at
 * run time, so a gateway without OTLP settings never loads them. Registers, for the whole process, a tracer provider
 * (batching exporter over OTLP, `http/protobuf` or `http/json`), the AsyncLocalStorage context manager that carries
 * the active span across awaits, and the W3C Trace Context propagator that reads an incoming `traceparent`.
 *
 * The packages are the OpenTelemetry JS 2.x line (SDK 2.12, OTLP exporters 0.223): SDK 3.x requires Node 22.15 and
 * the gateway still supports Node 20 (README, Tracing).
 */
import { context, diag, DiagLogLevel, propagation, trace, type DiagLogFunction } from '@opentelemetry/api';
import type { SpanExporter, Sampler } from '@opentelemetry/sdk-trace-base';
import type { OtlpExport, TracingSettings } from '../config/tracing.js';
import { registerSecret, type Logger } from './logger.js';

export interface TracingRuntime {
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  /** Exports what is buffered and unregisters the SDK; the API is a no-op again. Idempotent. */
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  logger: Pick<Logger, 'warn' | 'info'>;
  /**
   * Spans go to this exporter, each as it ends, instead of over OTLP (tests use the SDK's InMemorySpanExporter).
   * With it, tracing starts whatever the settings say.
   */
  exporter?: SpanExporter;
}

/** Undefined when tracing is off (no OTLP endpoint set, `OTEL_TRACES_EXPORTER=none`, `OTEL_SDK_DISABLED=true`). */
export async function startTracing(settings: TracingSettings, options: StartTracingOptions): Promise<TracingRuntime | undefined> {
  const target = settings.export;
  if (options.exporter === undefined && target === undefined) return undefined;
  const [{ BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor }, { AsyncLocalStorageContextManager }, core, resources] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
    ]);

  // The SDK reports export failures through `diag`; they become warnings in the gateway's log (never a crash).
  const warn: DiagLogFunction = (message, ...args) =>
    options.logger.warn({ component: 'tracing', detail: args.map((a) => (a instanceof Error ? a.message : String(a))) }, message);
  diag.setLogger({ error: warn, warn, info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.WARN);

  const exporter = options.exporter ?? (await otlpExporter(target as OtlpExport));
  const provider = new BasicTracerProvider({
    resource: resources.resourceFromAttributes({ ...settings.resourceAttributes, 'service.name': settings.serviceName }),
    sampler: await sampler(settings),
    spanProcessors: [options.exporter !== undefined ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  if (target !== undefined && options.exporter === undefined) {
    options.logger.info({ component: 'tracing', url: target.url, protocol: target.protocol }, 'exporting traces over OTLP');
  }

  let stopped: Promise<void> | undefined;
  return {
    flush: () => provider.forceFlush(),
    shutdown() {
      stopped ??= provider
        .shutdown()
        .catch((error: unknown) => options.logger.warn({ component: 'tracing', err: error }, 'could not export the last spans'))
        .finally(() => {
          trace.disable();
          propagation.disable();
          context.disable();
          diag.disable();
        });
      return stopped;
    },
  };
}

async function otlpExporter(target: OtlpExport): Promise<SpanExporter> {
  // An exporter's headers may hold an API key: kept out of every log line.
  for (const value of Object.values(target.headers)) registerSecret(value);
  const config = { url: target.url, headers: { ...target.headers }, timeoutMillis: target.timeoutMs };
  if (target.protocol === 'http/json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter(config);
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter(config);
}

async function sampler(settings: TracingSettings): Promise<Sampler> {
  const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } = await import('@opentelemetry/sdk-trace-base');
  const root = {
    always_on: () => new AlwaysOnSampler(),
    always_off: () => new AlwaysOffSampler(),
    traceidratio: () => new TraceIdRatioBasedSampler(settings.samplerRatio),
  };
  switch (settings.sampler) {
    case 'always_on':
    case 'always_off':
    case 'traceidratio':
      return root[settings.sampler]();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: root.always_on() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: root.always_off() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: root.traceidratio() });
  }
}
