import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../../src/config/index.js';
import { loadConfig } from '../../src/config/index.js';
import { GRAPH_BUDGET_DEFAULTS } from '../../src/graph/budget/buckets.js';

const problems = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe("the Graph budget's settings", () => {
  it("defaults to Graph's limits, on, with the whole limit for a process alone and half of it per replica with Redis", () => {
    expect(loadConfig({}).budget).toEqual({ enabled: true, limits: GRAPH_BUDGET_DEFAULTS, localSharePercent: 100, marginMs: 1000 });
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).budget.localSharePercent).toBe(50);
  });

  it('overrides the limits of the buckets GRAPH_BUDGET_LIMITS names and keeps the others', () => {
    const { limits } = loadConfig({ GRAPH_BUDGET_LIMITS: 'callRecordsList=10/5000, calls=7/1000' }).budget;
    expect(limits.callRecordsList).toEqual({ limit: 10, windowMs: 5000 });
    expect(limits.calls).toEqual({ limit: 7, windowMs: 1000 });
    expect(limits.callRecord).toEqual(GRAPH_BUDGET_DEFAULTS.callRecord);
  });

  it('reports every bad budget setting at once, saying what was expected', () => {
    expect(
      problems({
        GRAPH_BUDGET_LIMITS: 'lists=40/20000,callRecord=0/20000',
        GRAPH_BUDGET_LOCAL_SHARE_PERCENT: '0',
        GRAPH_BUDGET_ENABLED: 'yes',
      }),
    ).toEqual([
      'GRAPH_BUDGET_ENABLED must be true or false, got "yes"',
      'GRAPH_BUDGET_LIMITS entries must be <bucket>=<limit>/<windowMs> with a bucket among global, callRecordsPerApp, callRecordsList, callRecord, calls, pstnCallLogs, got "lists=40/20000"',
      'GRAPH_BUDGET_LIMITS callRecord needs a limit of 1 to 10000000 and a window of 1 to 3600000 ms, got "callRecord=0/20000"',
      'GRAPH_BUDGET_LOCAL_SHARE_PERCENT must be an integer between 1 and 100, got "0"',
    ]);
  });
});
