import type { EnvReader } from './reader.js';
import { readTracing, type TracingSettings } from './tracing.js';

/** What the gateway tells operators. Logs are always on (LOG_LEVEL); this section holds the rest. */
export interface ObservabilitySettings {
  /** Serve Prometheus metrics on `/metrics`. Default true. */
  metrics: boolean;
  /** OpenTelemetry traces over OTLP (config/tracing.ts); off unless an OTLP endpoint is set. */
  tracing: TracingSettings;
}

export function readObservability(read: EnvReader): ObservabilitySettings {
  return { metrics: read.bool('METRICS_ENABLED', true), tracing: readTracing(read) };
}
