import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';
import { departmentOf, serviceSdl, startUsersSubgraph, type RunningServer, type UsersSubgraph } from './usersSubgraph.js';

/**
 * The gateway as one subgraph of a supergraph: a users subgraph started here (the company's, in miniature) owns
 * `User.department` and knows some call records by id; `@apollo/composition` composes both subgraphs' SDL as
 * each serves it over HTTP, and `@apollo/gateway` plans queries across them on loopback.
 */

const NOW = '2026-11-20T12:00:00Z';

interface SimRecord {
  id: string;
  startDateTime: string;
  organizer_v2?: { identity?: { user?: { id?: string } | null } };
  participants_v2?: Array<{ identity?: { user?: { id?: string } | null } }>;
}

let stack: Stack;
let users: UsersSubgraph;
let router: RunningServer;
let records: SimRecord[];

async function query<T>(q: string): Promise<{ data?: T; errors?: Array<{ message: string }> }> {
  const response = await fetch(router.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: q }),
  });
  return (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
}

beforeAll(async () => {
  // Each test counts what its operation costs with nothing cached (the cache has its own tests).
  stack = await startStack({ simulator: { callRecordCount: 200, now: NOW }, env: { CALL_RECORD_CACHE_MAX_ENTRIES: '0' } });
  records = stack.simulator.resources.snapshot().callRecords as SimRecord[];
  users = await startUsersSubgraph();
  const composed = composeServices([
    { name: 'comms', url: stack.gateway.url, typeDefs: parse(await serviceSdl(stack.gateway.url)) },
    { name: 'users', url: users.url, typeDefs: parse(await serviceSdl(users.url)) },
  ]);
  if (composed.errors) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl }) });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  router = { url, stop: () => server.stop() };
});

afterAll(async () => {
  await router?.stop();
  await users?.stop();
  await stack?.stop();
});

beforeEach(() => stack.simulator.control.reset());

const retentionStart = new Date(Date.parse(NOW) - 30 * 24 * 3600 * 1000).toISOString();
const retained = (): SimRecord[] => records.filter((r) => r.startDateTime >= retentionStart);
const userIdOf = (holder: { identity?: { user?: { id?: string } | null } } | undefined): string | undefined =>
  holder?.identity?.user?.id ?? undefined;

/** Top-level Graph requests by route, tokens left out. */
function graphRoutes(): Record<string, number> {
  return stack.simulator.control
    .log()
    .filter((e) => !e.inBatch && e.kind !== 'identity')
    .reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.route]: (acc[e.route] ?? 0) + 1 }), {});
}

interface IdentityHolder {
  identity: { user: { id: string; user: { id: string; department: string | null } | null } | null } | null;
}

describe('the comms subgraph in a supergraph', () => {
  it('composes with a users subgraph from the SDL each serves at _service', async () => {
    const sdl = await serviceSdl(stack.gateway.url);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.7"');
    expect(sdl).toMatch(/type CallRecord\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Call\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type User\s+@key\(fields: "id", resolvable: false\)/);
  });

  it("answers a query from callRecords through organizer and participants into the users subgraph's department", async () => {
    const result = await query<{
      callRecords: { nodes: Array<{ id: string; organizer: IdentityHolder | null; participants: IdentityHolder[] }> };
    }>(`{
      callRecords(first: 30) {
        nodes {
          id
          organizer { identity { user { id user { id department } } } }
          participants { identity { user { id user { id department } } } }
        }
      }
    }`);
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.callRecords.nodes;
    expect(nodes).toHaveLength(30);
    const byId = new Map(records.map((r) => [r.id, r]));
    let resolvedUsers = 0;
    for (const node of nodes) {
      const record = byId.get(node.id)!;
      const expected = [record.organizer_v2, ...(record.participants_v2 ?? [])].map(userIdOf);
      const got = [node.organizer, ...node.participants].map((p) => p?.identity?.user ?? null);
      expect(got.map((u) => u?.id)).toEqual(expected);
      for (const user of got) {
        if (user === null) continue;
        resolvedUsers += 1;
        expect(user.user).toEqual({ id: user.id, department: departmentOf(user.id) });
      }
    }
    expect(resolvedUsers).toBeGreaterThan(30);
    // One list, and the 30 records' participants in ceil(30/20) = 2 $batch requests.
    expect(graphRoutes()).toEqual({ 'callRecords.list': 1, $batch: 2 });
  });

  it.each([1, 20, 45])(
    'answers _entities for %i call-record references with ceil(K/20) $batch requests selecting only what the router asked for',
    async (k) => {
      const wanted = retained().slice(0, k);
      users.setRecent(wanted.map((r) => r.id));
      const result = await query<{
        recentCallRecords: Array<{ id: string; startDateTime: string; organizer: IdentityHolder | null; participants: IdentityHolder[] }>;
      }>(`{
      recentCallRecords {
        id
        startDateTime
        organizer { identity { user { id user { department } } } }
        participants { identity { user { id } } }
      }
    }`);
      expect(result.errors).toBeUndefined();
      const got = result.data!.recentCallRecords;
      expect(got.map((r) => r.id)).toEqual(wanted.map((r) => r.id));
      expect(got.map((r) => r.startDateTime)).toEqual(wanted.map((r) => r.startDateTime));
      got.forEach((r, i) => {
        const organizerId = userIdOf(wanted[i]!.organizer_v2);
        expect(r.organizer?.identity?.user?.user?.department ?? null).toBe(organizerId === undefined ? null : departmentOf(organizerId));
        expect(r.participants.map((p) => p.identity?.user?.id)).toEqual((wanted[i]!.participants_v2 ?? []).map(userIdOf));
      });

      // A single reference needs no $batch: the transport sends a lone item as a plain GET. A record with more
      // participants than one expanded page holds has its participants@odata.nextLink followed on its own.
      const { 'callRecords.participants': _followUps, ...routes } = graphRoutes();
      expect(routes).toEqual(k === 1 ? { 'callRecords.get': 1 } : { $batch: Math.ceil(k / 20) });
      const items = stack.simulator.control.log().filter((e) => e.inBatch || e.route === 'callRecords.get');
      expect(items).toHaveLength(k);
      for (const item of items) {
        const path = decodeURIComponent(item.path);
        expect(path).toContain('$expand=participants_v2');
        expect(path).toMatch(/\$select=id,organizer_v2,startDateTime,version(&|$)/);
      }
    },
  );

  it('answers _entities in the order of the representations, with null and no error for a record Graph does not have', async () => {
    const [a, b] = retained();
    const missing = '00000000-0000-0000-0000-000000000000';
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on CallRecord { id startDateTime } } }',
        variables: { r: [b, { id: missing }, a].map((x) => ({ __typename: 'CallRecord', id: x!.id })) },
      }),
    });
    const body = (await response.json()) as { data: { _entities: Array<{ id: string; startDateTime: string } | null> }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      { id: b!.id, startDateTime: b!.startDateTime },
      null,
      { id: a!.id, startDateTime: a!.startDateTime },
    ]);
    expect(graphRoutes()).toEqual({ $batch: 1 });
  });
});
