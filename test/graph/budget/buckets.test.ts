import { describe, expect, it } from 'vitest';
import { loadSimulatorOptionsFromEnv } from '@comms-graphql/simulator';
import { chargesOf, GRAPH_BUDGET_DEFAULTS } from '../../../src/graph/budget/buckets.js';

const costs = (method: string, path: string, body?: unknown): Record<string, number> =>
  Object.fromEntries(chargesOf(method, path, body === undefined ? undefined : JSON.stringify(body)).map((c) => [c.key, c.cost]));

describe("Graph's throttling buckets", () => {
  it("uses the limits the simulator enforces as Graph's (one table of facts on each side, kept equal)", () => {
    expect(GRAPH_BUDGET_DEFAULTS).toEqual(loadSimulatorOptionsFromEnv({}).throttle);
  });

  it('charges the list of call records to the list, the per-app call-record and the global buckets, its pages included', () => {
    expect(costs('GET', '/communications/callRecords?$select=id,version')).toEqual({ 'callRecords:list': 1, callRecords: 1, global: 1 });
    expect(costs('GET', '/communications/callRecords?$skiptoken=abc')).toEqual({ 'callRecords:list': 1, callRecords: 1, global: 1 });
  });

  it('charges a record, its sessions and its participants to that record, so two records never share a bucket', () => {
    expect(costs('GET', '/communications/callRecords/r1?$expand=sessions($expand=segments)')).toEqual({
      'callRecords:record:r1': 1,
      callRecords: 1,
      global: 1,
    });
    expect(costs('GET', '/communications/callRecords/r1/sessions')).toEqual({ 'callRecords:record:r1': 1, callRecords: 1, global: 1 });
  });

  it('charges the PSTN and Direct Routing call-log functions to their own bucket, not to a record or the list', () => {
    expect(
      costs('GET', '/communications/callRecords/getPstnCalls(fromDateTime=2026-11-01T00:00:00Z,toDateTime=2026-11-30T00:00:00Z)'),
    ).toEqual({
      pstnCallLogs: 1,
      global: 1,
    });
    expect(
      costs(
        'GET',
        '/communications/callRecords/microsoft.graph.getDirectRoutingCalls(fromDateTime=2026-11-01,toDateTime=2026-11-02)?$skip=1000',
      ),
    ).toEqual({
      pstnCallLogs: 1,
      global: 1,
    });
  });

  it('charges calls, call actions and participants to the calls bucket, and other Graph paths to the global bucket only', () => {
    expect(costs('POST', '/communications/calls/c1/microsoft.graph.playPrompt')).toEqual({ calls: 1, global: 1 });
    expect(costs('GET', '/me')).toEqual({ global: 1 });
  });

  it('charges every $batch item as the request it carries, and the envelope to the global bucket', () => {
    const body = {
      requests: [
        { id: '1', method: 'GET', url: '/communications/callRecords/a' },
        { id: '2', method: 'GET', url: '/communications/callRecords/b/sessions' },
        { id: '3', method: 'GET', url: 'communications/callRecords/a/participants_v2' },
      ],
    };
    expect(costs('POST', '/$batch', body)).toEqual({
      'callRecords:record:a': 2,
      'callRecords:record:b': 1,
      callRecords: 3,
      global: 4,
    });
  });

  it('puts the narrowest bucket first, the one a 429 pauses', () => {
    expect(chargesOf('GET', '/communications/callRecords', undefined)[0]?.key).toBe('callRecords:list');
    expect(chargesOf('GET', '/communications/callRecords/x', undefined)[0]?.key).toBe('callRecords:record:x');
  });
});
