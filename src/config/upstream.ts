import { GRAPH_LIMITS, type GraphLimitName, type GraphLimits } from '../graph/index.js';
import type { EnvReader } from './reader.js';

/**
 * How hard the gateway may lean on Graph, and when it stops: per-attempt timeout and attempts, the
 * concurrency cap, `$batch` packing, the retry budget and the circuit breaker. Each is one row of the Graph
 * client's GRAPH_LIMITS (environment variable, default, bounds); defaults suit one replica in front of a
 * production tenant, and bounds keep a typo from turning protection off by accident.
 */
export type UpstreamSettings = GraphLimits;

export function readUpstream(read: EnvReader): UpstreamSettings {
  const settings: Partial<Record<GraphLimitName, number | boolean>> = {};
  for (const [name, row] of Object.entries(GRAPH_LIMITS) as Array<[GraphLimitName, (typeof GRAPH_LIMITS)[GraphLimitName]]>) {
    settings[name] = 'min' in row ? read.int(row.env, row.default, row.min, row.max) : read.bool(row.env, row.default);
  }
  return settings as UpstreamSettings;
}
