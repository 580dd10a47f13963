import type { EnvReader } from './reader.js';

/** What the gateway tells operators. Logs are always on (LOG_LEVEL); this section holds the rest. */
export interface ObservabilitySettings {
  /** Serve Prometheus metrics on `/metrics`. Default true. */
  metrics: boolean;
}

export function readObservability(read: EnvReader): ObservabilitySettings {
  return { metrics: read.bool('METRICS_ENABLED', true) };
}
