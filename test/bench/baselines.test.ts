import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMemoryData, memoryResolvers } from '../../bench/baselines/memory.js';
import { naiveResolvers } from '../../bench/baselines/naive.js';
import { createRestClient, type RestClient } from '../../bench/baselines/rest.js';
import { stagesOf } from '../../bench/lib/replay.js';
import { CALL_PROJECTION, CREATE_CALL_INPUT, ONE_CALL_QUERY, project, topLevel } from '../../bench/scenarios.js';
import { toCreateCallBody } from '../../src/calls/createCallRequest.js';
import type { CreateCallInput } from '../../src/generated/graphql.js';
import { buildGatewaySchema } from '../../src/schema/index.js';
import { startStack, type Stack } from '../helpers/stack.js';

const RECORDS = `{ callRecords(first: 3) { nodes {
  id type startDateTime endDateTime modalities
  organizer { identity { user { id displayName } phone { id } } }
  participants { identity { user { id displayName } guest { displayName } phone { id } } }
  sessions { id modalities segments { id media { label } } }
} } }`;

let stack: Stack;
let rest: RestClient;
let callId: string;

beforeAll(async () => {
  stack = await startStack({
    simulator: {
      callRecordCount: 20,
      now: '2026-11-20T12:00:00Z',
      callEstablishDelayMs: 0,
      throttle: { callRecord: { limit: 10_000, windowMs: 20_000 } },
    },
  });
  rest = createRestClient({
    graphBaseUrl: stack.simulator.graphBaseUrl,
    caCertificate: stack.simulator.caCertificate,
    token: await stack.simulator.control.mintToken(),
  });
  callId = String(
    (await rest.post<{ id: string }>('/communications/calls', toCreateCallBody(CREATE_CALL_INPUT as unknown as CreateCallInput))).id,
  );
  // The call must have settled, or the two servers may read it in different states.
  while ((await rest.get<{ state: string }>(`/communications/calls/${callId}`)).state !== 'established')
    await new Promise((r) => setTimeout(r, 10));
});

afterAll(async () => {
  await rest.close();
  await stack.stop();
});

describe('bench baselines', () => {
  it('the naive resolvers answer the same records and call as the gateway', async () => {
    const schema = buildGatewaySchema(naiveResolvers(rest));
    for (const [source, variables] of [
      [RECORDS, {}],
      [ONE_CALL_QUERY, { id: callId }],
    ] as const) {
      const gateway = await stack.query(source, variables);
      const naive = await graphql({ schema, source, variableValues: variables });
      expect(naive.errors).toBeUndefined();
      expect(naive.data).toEqual(gateway.data);
    }
  });

  it('the in-memory resolvers answer the same records and call as the gateway', async () => {
    const schema = buildGatewaySchema(memoryResolvers(await loadMemoryData(rest, 3, [callId])));
    for (const [source, variables] of [
      [RECORDS, {}],
      [ONE_CALL_QUERY, { id: callId }],
    ] as const) {
      const gateway = await stack.query(source, variables);
      const memory = await graphql({ schema, source, variableValues: variables });
      expect(memory.errors).toBeUndefined();
      expect(memory.data).toEqual(gateway.data);
    }
  });
});

describe('bench helpers', () => {
  it('groups recorded Graph requests into stages of overlapping requests', () => {
    const r = (startMs: number, endMs: number) => ({ method: 'GET', path: `/v1.0/x${startMs}`, headers: {}, startMs, endMs, status: 200 });
    const stages = stagesOf([r(0, 20), r(25, 45), r(26, 40), { ...r(1, 1), method: 'SERVER' }, r(50, 60)]);
    expect(stages.map((s) => s.map((x) => x.startMs))).toEqual([[0], [25, 26], [50]]);
  });

  it('projects Graph JSON onto a selection, arrays element by element, or keeps top-level properties whole', () => {
    const call = {
      id: '1',
      state: 'established',
      extra: 1,
      targets: [{ identity: { user: { id: 'u', displayName: 'U', tenantId: 't' } }, region: null }],
    };
    expect(project(call, CALL_PROJECTION)).toEqual({
      id: '1',
      state: 'established',
      targets: [{ identity: { user: { id: 'u', displayName: 'U' } } }],
    });
    expect(project(call, topLevel(CALL_PROJECTION))).toEqual({ id: '1', state: 'established', targets: call.targets });
  });
});
