import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveChannels, type LiveFeed } from '../../src/live/events.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { serveHiveGateway } from './hiveRouter.js';
import { serviceSdl, startUsersSubgraph, type RunningServer, type UsersSubgraph } from './usersSubgraph.js';

/**
 * The gateway as a subgraph behind Hive Gateway, the router that executes federated subscriptions
 * (@apollo/gateway cannot): composed with a users subgraph by @apollo/composition, Hive Gateway's runtime
 * served on 127.0.0.1 only, queries over HTTP and subscriptions to the comms subgraph over graphql-ws, while
 * the client reads the subscription from Hive Gateway as server-sent events.
 */

let stack: Stack;
let live: LiveFeed;
let users: UsersSubgraph;
let router: RunningServer;

beforeAll(async () => {
  stack = await startStack({ callerApp: 'caller' });
  // Events published here reach subscribers as the callback endpoint's would.
  live = stack.gateway.live;
  users = await startUsersSubgraph();
  const composed = composeServices([
    { name: 'comms', url: stack.gateway.url, typeDefs: parse(await serviceSdl(stack.gateway.url, stack.callerToken)) },
    { name: 'users', url: users.url, typeDefs: parse(await serviceSdl(users.url)) },
  ]);
  if (composed.errors) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
  router = await serveHiveGateway({
    supergraph: composed.supergraphSdl,
    logging: false,
    // The client's Authorization goes on to the comms subgraph: as a header over HTTP, as connectionParams over WebSocket.
    propagateHeaders: { fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') ?? '' }) },
    transportEntries: {
      comms: {
        options: {
          subscriptions: {
            kind: 'ws',
            location: '/graphql',
            options: { connectionParams: { token: '{context.headers.authorization}' } },
          },
        },
      },
    },
  });
});

afterAll(async () => {
  await router?.stop();
  await users?.stop();
  await stack?.stop();
});

const authorization = () => `Bearer ${stack.callerToken}`;

describe('the comms subgraph behind Hive Gateway', () => {
  it('answers a query planned across both subgraphs', async () => {
    const response = await fetch(router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: authorization() },
      body: JSON.stringify({ query: '{ calls { id } __typename }' }),
    });
    const body = (await response.json()) as { data?: { calls: unknown[] }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(Array.isArray(body.data?.calls)).toBe(true);
  });

  it('streams callUpdated through the router: the call, its changes, and the end', async () => {
    const placed = await stack.query<{ createCall: { id: string } }>(
      `mutation { createCall(input: { callbackUri: "https://bot.contoso.com/callback", targets: [{ identity: { user: { id: "8b081ef6-4792-4def-b2c9-c363a1bf41d5" } } }], requestedModalities: [AUDIO], mediaConfig: { serviceHosted: {} } }) { id } }`,
    );
    const id = placed.data!.createCall.id;
    const response = await fetch(router.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: authorization() },
      body: JSON.stringify({ query: 'subscription ($id: ID!) { callUpdated(id: $id) { id state } }', variables: { id } }),
    });
    expect(response.status).toBe(200);
    const events = readEvents(response.body!);

    const first = await events.next();
    expect(first.value).toEqual({ data: { callUpdated: { id, state: 'ESTABLISHING' } } });
    await live.bus.publish(liveChannels.call(id), {
      type: 'call',
      callId: id,
      sequence: 1,
      change: 'updated',
      call: { id, state: 'established' },
    });
    expect((await events.next()).value).toEqual({ data: { callUpdated: { id, state: 'ESTABLISHED' } } });
    await live.bus.publish(liveChannels.call(id), {
      type: 'call',
      callId: id,
      sequence: 2,
      change: 'deleted',
      call: { id, state: 'terminated' },
    });
    expect((await events.next()).value).toEqual({ data: { callUpdated: { id, state: 'TERMINATED' } } });
    expect((await events.next()).done).toBe(true);
  });
});

/** The `next` payloads of a GraphQL-over-SSE response, until its `complete` event. */
async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown, void, undefined> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event === 'complete') return;
      if (data) yield JSON.parse(data) as unknown;
    }
  }
}
