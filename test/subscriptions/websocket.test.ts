import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { GraphCall } from '../../src/graph/types.js';
import { liveChannels, type LiveFeed } from '../../src/live/events.js';
import { startStack, type Stack } from '../helpers/stack.js';

const wsUrl = (stack: Stack) => stack.gateway.url.replace(/^http/, 'ws');
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

/** A graphql-ws client that never retries, so a refusal shows as the close it was. */
function connect(
  stack: Stack,
  connectionParams?: Record<string, unknown>,
): { client: Client; closed: Promise<{ code: number; reason: string }>; connected: Promise<void> } {
  let onClosed: (value: { code: number; reason: string }) => void = () => {};
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve));
  let onConnected: () => void = () => {};
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: wsUrl(stack),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    ...(connectionParams ? { connectionParams } : {}),
    on: {
      connected: () => onConnected(),
      closed: (event) => onClosed({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason) }),
    },
    onNonLazyError: () => {},
  });
  clients.push(client);
  return { client, closed, connected };
}

/** Runs one subscription and hands back its results as they come, and how it ended. */
function run(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const results: Array<{ data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> = [];
  let arrived: () => void = () => {};
  const ended = new Promise<{ error?: unknown }>((resolve) => {
    client.subscribe(
      { query, variables },
      {
        next: (value) => {
          results.push(value as (typeof results)[number]);
          arrived();
        },
        error: (error) => resolve({ error }),
        complete: () => resolve({}),
      },
    );
  });
  const count = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => (results.length >= n ? resolve() : (arrived = check));
      check();
    });
  return { results, ended, count };
}

const CALL_UPDATED = `subscription ($id: ID!) { callUpdated(id: $id) { id state toneInfo { tone sequenceId } } }`;
const PLACE = `mutation { createCall(input: { callbackUri: "https://bot.contoso.com/callback", targets: [{ identity: { user: { id: "8b081ef6-4792-4def-b2c9-c363a1bf41d5" } } }], requestedModalities: [AUDIO], mediaConfig: { serviceHosted: {} } }) { id state } }`;

describe('GraphQL subscriptions over graphql-ws', () => {
  let stack: Stack;
  let live: LiveFeed;
  beforeAll(async () => {
    stack = await startStack({
      env: { WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3', LIMIT_MAX_ALIASES: '20', LIMIT_MAX_DEPTH: '4', LIMIT_MAX_COST: '30' },
    });
    // Events published on the gateway's own bus reach subscribers as the callback endpoint's would.
    live = stack.gateway.live;
  });
  afterAll(async () => stack?.stop());

  async function placeCall(): Promise<string> {
    const placed = await stack.query<{ createCall: { id: string } }>(PLACE);
    expect(placed.errors).toBeUndefined();
    return placed.data!.createCall.id;
  }

  const event = (callId: string, sequence: number, call: GraphCall) =>
    live.bus.publish(liveChannels.call(callId), { type: 'call', callId, sequence, change: 'updated', call: { id: callId, ...call } });

  it('sends the call as Graph has it first, then each change in order, and completes once the call is terminated', async () => {
    const id = await placeCall();
    const { client } = connect(stack);
    const sub = run(client, CALL_UPDATED, { id });
    await sub.count(1);
    expect(sub.results[0]).toEqual({ data: { callUpdated: { id, state: 'ESTABLISHING', toneInfo: null } } });
    await event(id, 1, { state: 'established' });
    await event(id, 1, { state: 'established' }); // a duplicate: delivered once
    await event(id, 2, { state: 'established', toneInfo: { tone: 'tone5', sequenceId: 1 } });
    await event(id, 3, { state: 'terminated' });
    expect(await sub.ended).toEqual({});
    expect(sub.results.map((r) => (r.data as { callUpdated: { state: string } }).callUpdated.state)).toEqual([
      'ESTABLISHING',
      'ESTABLISHED',
      'ESTABLISHED',
      'TERMINATED',
    ]);
    expect(sub.results[2]).toMatchObject({ data: { callUpdated: { toneInfo: { tone: 'TONE5', sequenceId: 1 } } } });
  });

  it('answers a call neither the gateway nor Graph knows with NOT_FOUND, not an empty stream', async () => {
    const { client } = connect(stack);
    const sub = run(client, CALL_UPDATED, { id: '2f1a1100-b174-40a0-aba7-0b405e01ed92' });
    await sub.ended;
    expect(sub.results).toHaveLength(1);
    expect(sub.results[0]!.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('delivers incoming calls to every incomingCall subscriber', async () => {
    const { client } = connect(stack);
    const first = run(client, `subscription { incomingCall { id state direction } }`);
    const second = run(client, `subscription { incomingCall { id } }`);
    // The subscriptions are listening once the server has admitted them; give the frames a turn.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const call = { id: 'a1e2c3d4-0000-4000-8000-000000000001', state: 'incoming', direction: 'incoming' };
    await live.bus.publish(liveChannels.incoming, { type: 'call', callId: call.id, sequence: 1, change: 'created', call });
    await first.count(1);
    await second.count(1);
    expect(first.results[0]).toEqual({ data: { incomingCall: { id: call.id, state: 'INCOMING', direction: 'INCOMING' } } });
    expect(second.results[0]).toEqual({ data: { incomingCall: { id: call.id } } });
  });

  it('refuses queries and mutations over WebSocket: they belong on HTTP', async () => {
    const { client } = connect(stack);
    const sub = run(client, `{ calls { id } }`);
    const { error } = await sub.ended;
    expect(JSON.stringify(error)).toContain('Only subscriptions run over WebSocket');
  });

  it('caps subscriptions per connection with TOO_MANY_SUBSCRIPTIONS', async () => {
    const { client } = connect(stack);
    for (let i = 0; i < 3; i++) run(client, `subscription { incomingCall { id } }`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const fourth = run(client, `subscription { incomingCall { id } }`);
    const { error } = await fourth.ended;
    expect(JSON.stringify(error)).toContain('TOO_MANY_SUBSCRIPTIONS');
  });

  it.each([
    ['too deep', `subscription { incomingCall { source { identity { user { id } } } } }`, 'depth'],
    [
      'too costly',
      `subscription { incomingCall { ${Array.from({ length: 15 }, (_, i) => `s${i}: source { region languageId }`).join(' ')} } }`,
      'cost limit',
    ],
    [
      'too many __typename aliases',
      `subscription { incomingCall { ${Array.from({ length: 30 }, (_, i) => `t${i}: __typename`).join(' ')} } }`,
      'Aliases limit',
    ],
    ['malformed', `subscription { incomingCall { `, 'Syntax Error'],
  ])('refuses a %s document with a reason', async (_what, query, expected) => {
    const { client } = connect(stack);
    const { error } = await run(client, query).ended;
    expect(JSON.stringify(error)).toContain(expected);
  });

  it('counts __typename aliases against the alias limit over HTTP too', async () => {
    const answer = await stack.query(`{ ${Array.from({ length: 30 }, (_, i) => `t${i}: __typename`).join(' ')} }`);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.errors)).toContain('Aliases limit of 20 exceeded, found 30');
  });

  it('closes a socket that sends malformed protocol messages, and keeps serving', async () => {
    const socket = new WebSocket(wsUrl(stack), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send('{"type":"connection_init"}');
    socket.send('this is not JSON');
    expect(await closed).toBe(4400);
    expect((await stack.query(`{ __typename }`)).data).toEqual({ __typename: 'Query' });
  });
});

describe('subscriptions with caller authentication (AUTH_MODE=jwt)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ callerApp: 'caller', env: { WS_MAX_CONNECTIONS: '4', WS_MAX_SUBSCRIPTIONS_PER_CALLER: '2' } });
  });
  afterAll(async () => stack?.stop());

  it.each(['no token', 'a malformed token', 'a token for another audience'])(
    'closes the connection with 4401 and a reason for %s',
    async (what) => {
      const connectionParams =
        what === 'no token'
          ? undefined
          : what === 'a malformed token'
            ? { authorization: 'Bearer not-a-jwt' }
            : { authorization: `Bearer ${await stack.simulator.control.mintToken({ app: 'caller', audience: 'api://someone-else' })}` };
      const { closed } = connect(stack, connectionParams);
      const { code, reason } = await closed;
      expect(code).toBe(4401);
      expect(reason).toMatch(/^Unauthorized: /);
    },
  );

  it('serves a caller with a valid token, from connection_init, and refuses one that lacks the role with FORBIDDEN', async () => {
    const ok = connect(stack, { authorization: `Bearer ${stack.callerToken}` });
    const unknown = run(ok.client, CALL_UPDATED, { id: '2f1a1100-b174-40a0-aba7-0b405e01ed92' });
    await unknown.ended;
    expect(unknown.results[0]?.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');

    const recordsOnly = await stack.simulator.control.mintToken({ app: 'caller-records' });
    const limited = connect(stack, { authorization: `Bearer ${recordsOnly}` });
    const { error } = await run(limited.client, `subscription { incomingCall { id } }`).ended;
    expect(JSON.stringify(error)).toContain('FORBIDDEN');
  });

  it('accepts the token as a router forwards it (connectionParams.token)', async () => {
    const { client } = connect(stack, { token: `Bearer ${stack.callerToken}` });
    const sub = run(client, CALL_UPDATED, { id: '2f1a1100-b174-40a0-aba7-0b405e01ed92' });
    await sub.ended;
    expect(sub.results[0]?.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('caps one caller across connections with TOO_MANY_SUBSCRIPTIONS, and frees a place when one completes', async () => {
    const params = { authorization: `Bearer ${stack.callerToken}` };
    const first = connect(stack, params);
    const second = connect(stack, params);
    run(first.client, `subscription { incomingCall { id } }`);
    run(second.client, `subscription { incomingCall { id } }`);
    await Promise.all([first.connected, second.connected]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const third = connect(stack, params);
    const { error } = await run(third.client, `subscription { incomingCall { id } }`).ended;
    expect(JSON.stringify(error)).toContain('TOO_MANY_SUBSCRIPTIONS');
    // Another caller is not held back by this one.
    const otherToken = await stack.simulator.control.mintToken({ app: 'caller-records', roles: ['Calls.Read'] });
    const other = connect(stack, { authorization: `Bearer ${otherToken}` });
    const ok = run(other.client, CALL_UPDATED, { id: '2f1a1100-b174-40a0-aba7-0b405e01ed92' });
    await ok.ended;
    expect(ok.results[0]?.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    // Leave no socket open for the connection-cap test that follows.
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await Promise.all([first, second, third, other].map((c) => c.closed));
  });

  it('refuses connections past WS_MAX_CONNECTIONS at the handshake, and serves again once they close', async () => {
    // Sockets of earlier tests may still be closing on the server's side.
    while (stack.gateway.subscriptions().connections > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const sockets = Array.from({ length: 4 }, () => new WebSocket(wsUrl(stack), 'graphql-transport-ws'));
    await Promise.all(sockets.map((s) => new Promise((resolve) => s.on('open', resolve))));
    const refused = new WebSocket(wsUrl(stack), 'graphql-transport-ws');
    const status = await new Promise<number>((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(503);
    await Promise.all(sockets.map((s) => new Promise((resolve) => (s.close(), s.on('close', resolve)))));
    const again = new WebSocket(wsUrl(stack), 'graphql-transport-ws');
    await new Promise((resolve) => again.on('open', resolve));
    again.close();
  });
});

describe('subscription log lines', () => {
  it('logs one line when a subscription ends, with its request id, results sent and error codes', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const stack = await startStack({
      env: { LOG_LEVEL: 'info' },
      logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    try {
      const { client } = connect(stack);
      await run(client, `subscription Watch($id: ID!) { callUpdated(id: $id) { id } }`, { id: '2f1a1100-b174-40a0-aba7-0b405e01ed92' })
        .ended;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = lines.find((l) => l['msg'] === 'subscription started');
      const ended = lines.filter((l) => l['msg'] === 'subscription ended');
      expect(ended).toHaveLength(1);
      expect(ended[0]).toMatchObject({
        requestId: started?.['requestId'],
        operationName: 'Watch',
        events: 1,
        ending: 'completed',
        outcome: 'error',
        errorCodes: ['NOT_FOUND'],
      });
    } finally {
      await stack.stop();
    }
  });
});

describe('idle connections', () => {
  it('closes a connection that runs no subscription for WS_IDLE_TIMEOUT_MS, with 4408 and a reason', async () => {
    const stack = await startStack({ env: { WS_IDLE_TIMEOUT_MS: '300' } });
    try {
      const { client, closed, connected } = connect(stack);
      await connected;
      // While a subscription runs the connection is not idle; once it completes, the clock starts again.
      const sub = run(client, CALL_UPDATED, { id: '2f1a1100-b174-40a0-aba7-0b405e01ed92' });
      await sub.ended;
      expect(await closed).toEqual({ code: 4408, reason: 'Idle: no subscription for too long.' });
    } finally {
      await stack.stop();
    }
  });
});

describe('shutdown', () => {
  it('closes open sockets with 1001 and a reason when the gateway stops', async () => {
    const stack = await startStack({});
    const { client, closed, connected } = connect(stack);
    run(client, `subscription { incomingCall { id } }`);
    await connected;
    await stack.stop();
    expect(await closed).toEqual({ code: 1001, reason: 'The gateway is shutting down.' });
  });
});

describe('error masking over WebSocket', () => {
  it('answers a subscription whose resolver throws a plain Error with "Unexpected error."', async () => {
    const { resolvers } = await import('../../src/resolvers/index.js');
    const stack = await startStack({
      resolvers: {
        ...resolvers,
        Subscription: {
          ...resolvers.Subscription,
          incomingCall: {
            subscribe: () => {
              throw new Error('GET /communications/calls/x?$select=secret: connection dropped');
            },
            resolve: (call: GraphCall) => call,
          },
        },
      },
    });
    try {
      const { client } = connect(stack);
      const sub = run(client, `subscription { incomingCall { id } }`);
      await sub.ended;
      expect(JSON.stringify(sub.results)).not.toContain('secret');
      expect(sub.results[0]?.errors).toEqual([
        {
          message: 'Unexpected error.',
          locations: [{ line: 1, column: 16 }],
          path: ['incomingCall'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ]);
    } finally {
      await stack.stop();
    }
  });
});
