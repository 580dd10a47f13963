import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * A live call console end to end: the simulator plays Graph (it POSTs each call's notifications, signed with its
 * callback keys, to the gateway's /callbacks/calls, the default callbackUri), the gateway verifies and orders them,
 * and a graphql-ws client watches callUpdated and incomingCall while it acts with mutations over HTTP.
 */

const USER = '8b081ef6-4792-4def-b2c9-c363a1bf41d5';
const OTHER = '550fae72-d251-43ec-868c-373732c2704f';
const THIRD = 'c0f3a4b2-1d2e-4f5a-8b9c-0d1e2f3a4b5c';
const APP = '2891555a-92ff-42e6-80fa-6e1300c6b5c6';
const PROMPT = '{ mediaInfo: { uri: "https://cdn.contoso.com/hello.wav" } }';
/** A group call from the application (group calls let it mute others), with the gateway as its callback endpoint. */
const GROUP_CALL = `{ source: { identity: { application: { id: "${APP}" } } }, targets: [{ identity: { user: { id: "${USER}" } } }, { identity: { user: { id: "${OTHER}" } } }], requestedModalities: [AUDIO], mediaConfig: { serviceHosted: {} } }`;
const P2P_CALL = `{ targets: [{ identity: { user: { id: "${USER}" } } }], requestedModalities: [AUDIO], mediaConfig: { serviceHosted: {} } }`;

const CALL_FIELDS = `id state toneInfo { tone } resultInfo { code subcode }
  participants { id isMuted info { identity { user { id } } } }
  operations { __typename id status clientContext }`;

interface LiveCall {
  id: string;
  state: string;
  toneInfo: { tone: string } | null;
  resultInfo: { code: number | null; subcode: number | null } | null;
  participants: Array<{ id: string; isMuted: boolean; info: { identity: { user: { id: string } | null } | null } }> | null;
  operations: Array<{ __typename: string; id: string; status: string; clientContext: string | null }> | null;
}

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

function wsClient(stack: Stack): Client {
  const client = createClient({ url: stack.gateway.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
  clients.push(client);
  return client;
}

/** A subscription's events as they come; `until` waits for the first event (from index `from`) that matches. */
function watch<T>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const events: T[] = [];
  const errors: unknown[] = [];
  let wake: () => void = () => {};
  const completed = new Promise<void>((resolve, reject) => {
    client.subscribe<Record<string, T>>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) errors.push(...result.errors);
          else events.push(Object.values(result.data!)[0]!);
          wake();
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => resolve(),
      },
    );
  });
  const until = (match: (event: T) => boolean, from = 0): Promise<T> =>
    new Promise((resolve) => {
      const check = () => {
        const found = events.slice(from).find(match);
        if (found !== undefined) resolve(found);
        else wake = check;
      };
      check();
    });
  return { events, errors, completed, until };
}

describe('a live call console over graphql-ws, with the simulator calling back', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ simulator: { callEstablishDelayMs: 400 } });
  });
  afterAll(async () => stack?.stop());

  async function mutate<T>(query: string): Promise<T> {
    const result = await stack.query<Record<string, T>>(query);
    expect(result.errors).toBeUndefined();
    return Object.values(result.data!)[0]!;
  }

  it('follows a call from ESTABLISHING to TERMINATED through prompts, tones, roster changes and mutes', async () => {
    const placed = await mutate<{ id: string; callbackUri: string }>(`mutation { createCall(input: ${GROUP_CALL}) { id callbackUri } }`);
    expect(placed.callbackUri).toBe(stack.gateway.callbackUrl);
    const call = watch<LiveCall>(wsClient(stack), `subscription ($id: ID!) { callUpdated(id: $id) { ${CALL_FIELDS} } }`, { id: placed.id });

    await call.until((c) => c.state === 'ESTABLISHED');
    const states = call.events.map((c) => c.state);
    expect(states[0]).toBe('ESTABLISHING');
    expect(states.indexOf('ESTABLISHED')).toBeGreaterThan(0);

    // playPrompt: the mutation answers the running operation; its completion arrives as a callback.
    const prompt = await mutate<{ id: string; clientContext: string }>(
      `mutation { playPrompt(callId: "${placed.id}", input: { prompts: [${PROMPT}] }) { id clientContext } }`,
    );
    await call.until((c) => (c.operations ?? []).some((o) => o.id === prompt.id && o.status === 'COMPLETED'));

    // Tones: after subscribeToTone, a tone pressed on the call (injected at the simulator) reaches the console.
    await mutate(`mutation { subscribeToTone(callId: "${placed.id}") { id } }`);
    stack.simulator.control.sendTone(placed.id, 'tone5');
    await call.until((c) => c.toneInfo?.tone === 'TONE5');

    // Roster: an invited user appears, then is muted by the application.
    await mutate(
      `mutation { inviteParticipants(callId: "${placed.id}", input: { participants: [{ identity: { user: { id: "${THIRD}" } } }] }) { id } }`,
    );
    const withThird = await call.until((c) => (c.participants ?? []).some((p) => p.info.identity?.user?.id === THIRD));
    const third = withThird.participants!.find((p) => p.info.identity?.user?.id === THIRD)!;
    expect(third.isMuted).toBe(false);
    await mutate(`mutation { muteParticipant(callId: "${placed.id}", participantId: "${third.id}") { id } }`);
    await call.until((c) => (c.participants ?? []).some((p) => p.id === third.id && p.isMuted));

    await mutate(`mutation { hangUpCall(callId: "${placed.id}") { callId } }`);
    await call.completed;
    const last = call.events.at(-1)!;
    expect(last.state).toBe('TERMINATED');
    expect(last.resultInfo).toMatchObject({ code: 200 });
    expect(call.errors).toEqual([]);
    // Each state once, in the order a call lives them.
    const seen = call.events.map((c) => c.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    expect(seen).toEqual(['ESTABLISHING', 'ESTABLISHED', 'TERMINATING', 'TERMINATED']);
  });

  it('ends the stream of a transferred call with TERMINATED', async () => {
    const placed = await mutate<{ id: string }>(`mutation { createCall(input: ${P2P_CALL}) { id } }`);
    const call = watch<LiveCall>(wsClient(stack), `subscription ($id: ID!) { callUpdated(id: $id) { id state } }`, { id: placed.id });
    await call.until((c) => c.state === 'ESTABLISHED');
    await mutate(
      `mutation { transferCall(callId: "${placed.id}", input: { transferTarget: { identity: { user: { id: "${OTHER}" } } } }) { callId } }`,
    );
    await call.completed;
    expect(call.events.map((c) => c.state)).toContain('TRANSFERRING');
    expect(call.events.at(-1)!.state).toBe('TERMINATED');
  });

  it('shows an incoming call to incomingCall subscribers, and answerCall establishes it', async () => {
    const incoming = watch<{ id: string; state: string; direction: string }>(
      wsClient(stack),
      `subscription { incomingCall { id state direction } }`,
    );
    // The subscription is listening once the server admitted it; give the frames a turn before Graph rings.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const id = stack.simulator.control.injectIncomingCall({ callbackUri: stack.gateway.callbackUrl! });
    const arrived = await incoming.until((c) => c.id === id);
    expect(arrived).toEqual({ id, state: 'INCOMING', direction: 'INCOMING' });

    const call = watch<LiveCall>(wsClient(stack), `subscription ($id: ID!) { callUpdated(id: $id) { id state } }`, { id });
    await call.until((c) => c.state === 'INCOMING');
    await mutate(
      `mutation { answerCall(callId: "${id}", input: { mediaConfig: { serviceHosted: {} }, acceptedModalities: [AUDIO] }) { callId } }`,
    );
    await call.until((c) => c.state === 'ESTABLISHED');
    await mutate(`mutation { hangUpCall(callId: "${id}") { callId } }`);
    await call.completed;
  });
});

describe('notifications delivered twice and out of order', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ simulator: { callEstablishDelayMs: 100, callbackDuplicate: true, callbackShuffle: true } });
  });
  afterAll(async () => stack?.stop());

  it('gives subscribers each state once, in order, and no event twice', async () => {
    const client = wsClient(stack);
    for (let round = 0; round < 3; round++) {
      const placed = await stack.query<{ createCall: { id: string } }>(`mutation { createCall(input: ${P2P_CALL}) { id } }`);
      const id = placed.data!.createCall.id;
      const call = watch<LiveCall>(client, `subscription ($id: ID!) { callUpdated(id: $id) { ${CALL_FIELDS} } }`, { id });
      await call.until((c) => c.state === 'ESTABLISHED');
      await stack.query(`mutation { hangUpCall(callId: "${id}") { callId } }`);
      await call.completed;
      // No event is a repeat of the one before it (a duplicate notification would be).
      const shown = call.events.map((c) => JSON.stringify(c));
      expect(shown.filter((e, i) => i > 0 && e === shown[i - 1])).toEqual([]);
      // The states, run together, are the call's life in order, each once.
      const states = call.events.map((c) => c.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);
      expect(new Set(states).size, states.join(' ')).toBe(states.length);
      expect(states.at(-1)).toBe('TERMINATED');
      const order = ['ESTABLISHING', 'ESTABLISHED', 'TERMINATING', 'TERMINATED'];
      expect(states.map((s) => order.indexOf(s))).toEqual([...states.map((s) => order.indexOf(s))].sort((a, b) => a - b));
    }
    // The simulator did send duplicates: the gateway absorbed them.
    expect(stack.simulator.control.callbacks().some((d) => d.duplicate)).toBe(true);
  });
});
