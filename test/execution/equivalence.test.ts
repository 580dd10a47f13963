/**
 * The compiled executor (graphql-jit) answers exactly as graphql-js does: two gateways, one per GRAPHQL_EXECUTOR,
 * on one simulator with a frozen clock, get the same operations (the README's queries and mutation, the bench's
 * operations, and a few that exercise errors, @skip/@include on fragments and `_entities`), and their answers
 * must be the same bytes, with the same Cache-Control. Subscriptions are left out: graphql-ws executes them with
 * graphql-js whatever the setting.
 */
import { parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  body,
  CREATE_CALL_MUTATION,
  manyCallsQuery,
  ONE_CALL_QUERY,
  PAGE_60_QUERY,
  PAGE_QUERY,
  PEER_PAGE_QUERY,
} from '../../bench/scenarios.js';
import { EXAMPLE_OPERATIONS } from '../../src/schema/examples.js';
import { startStack, type Stack } from '../helpers/stack.js';

const NOW = '2026-11-20T12:00:00Z';
const unlimited = { limit: 1_000_000, windowMs: 1_000 };
const ENV = {
  CURSOR_SECRET: 'equivalence-cursor-secret-0123456789abcdef',
  // The bench's scenario 2 names 100 calls by alias.
  LIMIT_MAX_ALIASES: '200',
  LIMIT_MAX_TOKENS: '100000',
  LIMIT_MAX_COST: '10000000',
};

let jit: Stack;
let graphqlJs: Stack;
let callIds: string[];

interface Answer {
  status: number;
  cacheControl: string | null;
  text: string;
}

async function send(stack: Stack, payload: string): Promise<Answer> {
  const response = await fetch(stack.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
  return { status: response.status, cacheControl: response.headers.get('cache-control'), text: await response.text() };
}

/** An error's request ids name one HTTP exchange each: the same in both answers but for their values. */
const withoutRequestIds = (answer: Answer): Answer => ({
  ...answer,
  text: answer.text.replace(/"(graphRequestId|clientRequestId)":"[^"]*"/g, '"$1":"<id>"'),
});

/** Sends `payload` to both gateways; the answers must match byte for byte (but for request ids). Returns graphql-js's, parsed. */
async function same(payload: string): Promise<Record<string, unknown>> {
  const [a, b] = await Promise.all([send(jit, payload), send(graphqlJs, payload)]);
  expect(withoutRequestIds(a)).toEqual(withoutRequestIds(b));
  return JSON.parse(b.text) as Record<string, unknown>;
}

beforeAll(async () => {
  jit = await startStack({
    env: { ...ENV, GRAPHQL_EXECUTOR: 'jit' },
    simulator: {
      callRecordCount: 150,
      now: NOW,
      callEstablishDelayMs: 0,
      throttle: { global: unlimited, callRecordsPerApp: unlimited, callRecordsList: unlimited, callRecord: unlimited, calls: unlimited },
    },
  });
  graphqlJs = await startStack({ env: { ...ENV, GRAPHQL_EXECUTOR: 'graphql-js' }, sharedSimulator: jit.simulator });
  // Calls to read, each established (a call's state moves on its own; read it only once it has settled).
  callIds = [];
  for (let i = 0; i < 100; i++) {
    const created = await jit.query<{ createCall: { id: string } }>(CREATE_CALL_MUTATION);
    callIds.push(created.data!.createCall.id);
  }
  for (const id of callIds) {
    await vi.waitFor(
      async () => {
        const { data } = await jit.query<{ call: { state: string } }>('query($id: ID!) { call(id: $id) { state } }', { id });
        if (data?.call.state !== 'ESTABLISHED') throw new Error(`call ${id} is ${data?.call.state ?? 'missing'}`);
      },
      { timeout: 20_000, interval: 50 },
    );
  }
});
afterAll(async () => {
  await graphqlJs?.stop();
  await jit?.stop();
});

describe('graphql-jit and graphql-js answer the same bytes', () => {
  const readme = (parse(EXAMPLE_OPERATIONS).definitions as OperationDefinitionNode[]).map((d) => d.name!.value);

  it("for the README's queries, page after page", async () => {
    expect(readme).toEqual(expect.arrayContaining(['RecentCallRecords', 'NextCallRecords', 'OneCall']));
    const since = new Date(Date.parse(NOW) - 7 * 24 * 3600 * 1000).toISOString();
    const first = (await same(JSON.stringify({ query: EXAMPLE_OPERATIONS, operationName: 'RecentCallRecords', variables: { since } }))) as {
      data: { callRecords: { edges: unknown[]; pageInfo: { endCursor: string } } };
    };
    expect(first.data.callRecords.edges).toHaveLength(5);
    let after: string | null = first.data.callRecords.pageInfo.endCursor;
    for (let page = 0; page < 3 && after !== null; page++) {
      const next = (await same(
        JSON.stringify({ query: EXAMPLE_OPERATIONS, operationName: 'NextCallRecords', variables: { since, after } }),
      )) as {
        data: { callRecords: { nodes: unknown[]; pageInfo: { endCursor: string | null } } };
      };
      expect(next.data.callRecords.nodes.length).toBeGreaterThan(0);
      after = next.data.callRecords.pageInfo.endCursor;
    }
    const call = (await same(JSON.stringify({ query: EXAMPLE_OPERATIONS, operationName: 'OneCall', variables: { id: callIds[0] } }))) as {
      data: { call: { id: string } };
    };
    expect(call.data.call.id).toBe(callIds[0]);
  });

  it("for the README's and the bench's createCall, but for the new call's own ids", async () => {
    for (const payload of [JSON.stringify({ query: EXAMPLE_OPERATIONS, operationName: 'PlaceCall' }), body(CREATE_CALL_MUTATION)]) {
      const [a, b] = await Promise.all([send(jit, payload), send(graphqlJs, payload)]);
      const ids = (answer: Answer): string[] => {
        const created = (JSON.parse(answer.text) as { data: { createCall: { id: string; myParticipantId: string } } }).data.createCall;
        return [created.id, created.myParticipantId];
      };
      const anonymous = (answer: Answer): Answer => ({
        ...answer,
        text: ids(answer).reduce((text, id, i) => text.split(id).join(`<id ${i}>`), answer.text),
      });
      expect(ids(a)[0]).not.toBe(ids(b)[0]);
      expect(anonymous(a)).toEqual(anonymous(b));
    }
  });

  it("for the bench's operations", async () => {
    const page60 = (await same(body(PAGE_60_QUERY))) as { data: { callRecords: { edges: unknown[] } } };
    expect(page60.data.callRecords.edges).toHaveLength(60);
    const many = (await same(body(manyCallsQuery(callIds)))) as { data: Record<string, unknown> };
    expect(Object.keys(many.data)).toHaveLength(100);
    await same(body(ONE_CALL_QUERY, { id: callIds[1] }));
    const paged = (await same(body(PAGE_QUERY, { after: null }))) as { data: { callRecords: { pageInfo: { endCursor: string } } } };
    await same(body(PAGE_QUERY, { after: paged.data.callRecords.pageInfo.endCursor }));
    const peer = (await same(body(PEER_PAGE_QUERY))) as { data: { callRecords: { nodes: unknown[] } } };
    expect(peer.data.callRecords.nodes).toHaveLength(60);
  });

  it('for errors: a missing call, a bad cursor, a bad variable, an unknown field', async () => {
    const missing = await same(body(ONE_CALL_QUERY, { id: 'no-such-call' }));
    expect(missing['errors']).toBeDefined();
    expect((await same(body(PAGE_QUERY, { after: 'not-a-cursor' })))['errors']).toBeDefined();
    expect((await same(body(ONE_CALL_QUERY, { id: 42.5 })))['errors']).toBeDefined();
    expect((await same(body('{ callRecords(first: 2) { nodes { id nope } } }')))['errors']).toBeDefined();
  });

  it('for @skip and @include on fields, inline fragments and fragment spreads', async () => {
    const query = `query($skip: Boolean!, $include: Boolean!) {
      callRecords(first: 3) {
        nodes { id ...Times @skip(if: $skip) ... on CallRecord @include(if: $include) { type modalities } version @include(if: $include) }
      }
    }
    fragment Times on CallRecord { startDateTime endDateTime }`;
    for (const skip of [true, false]) for (const include of [true, false]) await same(body(query, { skip, include }));
  });

  it('for _entities, call records and calls, and a miss', async () => {
    const records = (await same(body('{ callRecords(first: 2) { nodes { id } } }'))) as {
      data: { callRecords: { nodes: Array<{ id: string }> } };
    };
    const query =
      'query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on CallRecord { id type } ... on Call { id state } } }';
    const representations = [
      ...records.data.callRecords.nodes.map((n) => ({ __typename: 'CallRecord', id: n.id })),
      { __typename: 'CallRecord', id: '00000000-0000-0000-0000-000000000000' },
      { __typename: 'Call', id: callIds[2] },
    ];
    await same(body(query, { r: representations.slice(0, 2) }));
    await same(body(query, { r: representations }));
  });
});
