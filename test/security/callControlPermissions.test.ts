import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_FIELD_PERMISSIONS } from '../../src/auth/permissions.js';
import { resolvers } from '../../src/resolvers/index.js';
import { buildGatewaySchema } from '../../src/schema/index.js';
import { startStack, type Stack } from '../helpers/stack.js';

const USER = '8b081ef6-4792-4def-b2c9-c363a1bf41d5';
const CREATE = `mutation { createCall(input: {
  callbackUri: "https://bot.contoso.com/callback", targets: [{ identity: { user: { id: "${USER}" } } }],
  mediaConfig: { serviceHosted: {} } }) { id } }`;
const keepAlive = (id: string) => `mutation { keepAliveCall(callId: "${id}") { callId } }`;
const record = (id: string) => `mutation { recordResponse(callId: "${id}") { id } }`;
const answer = (id: string) => `mutation { answerCall(callId: "${id}", input: { mediaConfig: { serviceHosted: {} } }) { callId } }`;

interface Answer {
  status: number;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  data?: Record<string, Record<string, unknown>> | null;
}

// The simulator's `caller` app holds the gateway's read and create roles only; these tests mint the call-control
// roles into its tokens (control.mintToken's `roles`), which is what a tenant's app-role assignment would grant.
describe('call-control permissions', () => {
  let stack: Stack;
  const token = (roles: string[], scp?: string) =>
    stack.simulator.control.mintToken({ app: 'caller', roles, ...(scp !== undefined ? { scp } : {}) });
  const post = async (query: string, bearer: string): Promise<Answer> => {
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
  };
  const graphRequests = () => stack.simulator.control.log().filter((e) => e.kind !== 'identity').length;

  beforeAll(async () => {
    stack = await startStack({ callerApp: 'caller', simulator: { callEstablishDelayMs: 0 } });
  });
  afterAll(async () => stack?.stop());

  it('needs one of calls.answer, calls.control or calls.record for every call-control mutation', () => {
    const control = Object.entries(ROOT_FIELD_PERMISSIONS).filter(
      ([field]) => field.startsWith('Mutation.') && field !== 'Mutation.createCall',
    );
    for (const [field, permissions] of control) {
      if (field === 'Mutation.__typename') continue;
      expect(permissions.length, field).toBe(1);
      expect(['calls.answer', 'calls.control', 'calls.record'], field).toContain(permissions[0]);
    }
  });

  it('states in each mutation description the permission the table requires', () => {
    const mutation = buildGatewaySchema(resolvers).getMutationType()!.getFields();
    for (const [name, field] of Object.entries(mutation)) {
      const permission = ROOT_FIELD_PERMISSIONS[`Mutation.${name}`]?.[0];
      if (permission === undefined || name === 'createCall') continue;
      expect(field.description, name).toContain(`\`${permission}\``);
    }
  });

  it.each([
    ['keepAliveCall', keepAlive(USER), ['Calls.Read', 'Calls.Create', 'Calls.Answer', 'Calls.Record'], 'Calls.Control'],
    ['recordResponse', record(USER), ['Calls.Control'], 'Calls.Record'],
    ['answerCall', answer(USER), ['Calls.Control', 'Calls.Record'], 'Calls.Answer'],
  ])(
    'refuses %s to a caller without its role with 403 FORBIDDEN naming it, before any Graph request',
    async (_name, query, roles, needed) => {
      const before = graphRequests();
      const refused = await post(query, await token(roles));
      expect(refused.status).toBe(403);
      expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      expect(refused.errors?.[0]?.message).toContain(needed);
      expect(graphRequests()).toBe(before);
    },
  );

  it('serves call control to a caller holding Calls.Control, and recording to one holding Calls.Record by scope', async () => {
    const created = await post(CREATE, await token(['Calls.Create']));
    expect(created.errors).toBeUndefined();
    const id = created.data!['createCall']!['id'] as string;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const kept = await post(keepAlive(id), await token(['Calls.Control']));
    expect(kept.errors).toBeUndefined();
    expect(kept.data!['keepAliveCall']).toEqual({ callId: id });
    const recorded = await post(record(id), await token([], 'calls.record'));
    expect(recorded.errors).toBeUndefined();
  });
});
