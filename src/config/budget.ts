import { BUDGET_FAMILIES, GRAPH_BUDGET_DEFAULTS, type BudgetFamily, type BudgetLimits, type RateLimit } from '../graph/budget/buckets.js';
import type { EnvReader } from './reader.js';

/** Graph's throttling budget (README "Running many replicas"): shared by the replicas with REDIS_URL. */
export interface BudgetSettings {
  /** `GRAPH_BUDGET_ENABLED`, default true. */
  enabled: boolean;
  /** Graph's limits per bucket family, with `GRAPH_BUDGET_LIMITS` over them (`callRecordsList=40/20000,...`). */
  limits: BudgetLimits;
  /**
   * `GRAPH_BUDGET_LOCAL_SHARE_PERCENT`: the share of each limit a replica takes on its own. Default 100 without
   * REDIS_URL (the process is the whole deployment) and 50 with it (while Redis is down, two replicas together
   * stay within Graph's limits; set 100/N for N replicas).
   */
  localSharePercent: number;
  /** `GRAPH_BUDGET_MARGIN_MS`, default 1000: added to each window for the time a request takes to reach Graph. */
  marginMs: number;
}

export function readBudget(read: EnvReader, withRedis: boolean): BudgetSettings {
  return {
    enabled: read.bool('GRAPH_BUDGET_ENABLED', true),
    limits: readLimits(read),
    localSharePercent: read.int('GRAPH_BUDGET_LOCAL_SHARE_PERCENT', withRedis ? 50 : 100, 1, 100),
    marginMs: read.int('GRAPH_BUDGET_MARGIN_MS', 1000, 0, 60_000),
  };
}

function readLimits(read: EnvReader): BudgetLimits {
  const limits: Record<BudgetFamily, RateLimit> = { ...GRAPH_BUDGET_DEFAULTS };
  for (const entry of read.list('GRAPH_BUDGET_LIMITS')) {
    const match = /^([A-Za-z]+)=(\d+)\/(\d+)$/.exec(entry);
    const family = match?.[1] as BudgetFamily | undefined;
    if (!match || family === undefined || !BUDGET_FAMILIES.includes(family)) {
      read.problem(
        `GRAPH_BUDGET_LIMITS entries must be <bucket>=<limit>/<windowMs> with a bucket among ${BUDGET_FAMILIES.join(', ')}, got "${entry}"`,
      );
      continue;
    }
    const limit = Number(match[2]);
    const windowMs = Number(match[3]);
    if (limit < 1 || limit > 10_000_000 || windowMs < 1 || windowMs > 3_600_000) {
      read.problem(`GRAPH_BUDGET_LIMITS ${family} needs a limit of 1 to 10000000 and a window of 1 to 3600000 ms, got "${entry}"`);
      continue;
    }
    limits[family] = { limit, windowMs };
  }
  return limits;
}
