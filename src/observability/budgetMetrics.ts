/**
 * Metrics of Graph's throttling budget (src/graph/budget/budget.ts), in the gateway's registry: how long requests
 * waited for room and how many were refused unsent, by bucket family (a bounded label), and where takes were served,
 * so a replica working on its local share while Redis is down shows in `source="fallback"`.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { BudgetTelemetry } from '../graph/index.js';

export function createBudgetMetrics(registry: Registry): BudgetTelemetry {
  const waits = new Histogram({
    name: 'comms_graph_budget_wait_seconds',
    help: "Time Graph requests waited for room in Graph's throttling budget before being sent, by bucket family",
    labelNames: ['bucket'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'comms_graph_budget_refusals_total',
    help: 'Graph requests refused unsent (THROTTLED) because the budget had no room within their deadline, by bucket family',
    labelNames: ['bucket'],
    registers: [registry],
  });
  const takes = new Counter({
    name: 'comms_graph_budget_takes_total',
    help: 'Budget takes by source: shared (Redis), local (no Redis configured) or fallback (the local share while Redis is down)',
    labelNames: ['source'],
    registers: [registry],
  });
  const pauses = new Counter({
    name: 'comms_graph_budget_pauses_total',
    help: "Buckets paused until Graph's Retry-After after a 429, by bucket family",
    labelNames: ['bucket'],
    registers: [registry],
  });
  return {
    waited: (family, seconds) => waits.observe({ bucket: family }, seconds),
    refused: (family) => refusals.inc({ bucket: family }),
    took: (source) => takes.inc({ source }),
    paused: (family) => pauses.inc({ bucket: family }),
  };
}
