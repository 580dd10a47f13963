import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGatewaySchema } from '../../src/schema/index.js';
import { resolvers } from '../../src/resolvers/index.js';
import { ROOT_FIELD_PERMISSIONS, requiredPermissions } from '../../src/auth/permissions.js';
import { parse, type OperationDefinitionNode } from 'graphql';
import { startStack, type Stack } from '../helpers/stack.js';

const RECORDS = '{ callRecords(first: 1) { nodes { id } } }';
const CALLS = '{ calls { id } }';
const CREATE = `mutation { createCall(input: {
  callbackUri: "https://bot.contoso.com/callback", requestedModalities: [AUDIO],
  targets: [{ identity: { user: { id: "8b081ef6-4792-4def-b2c9-c363a1bf41d5" } } }],
  mediaConfig: { serviceHosted: { preFetchMedia: [] } } }) { id } }`;

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

async function post(stack: Stack, query: string, authorization?: string): Promise<Answer> {
  const response = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization !== undefined ? { authorization } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

function code(answer: Answer): unknown {
  return answer.body.errors?.[0]?.extensions?.['code'];
}

describe("caller authentication against the simulator's JWKS", () => {
  let stack: Stack;
  const token = (options: Parameters<Stack['simulator']['control']['mintToken']>[0] = {}) =>
    stack.simulator.control.mintToken({ app: 'caller', ...options }).then((t) => `Bearer ${t}`);

  beforeAll(async () => {
    stack = await startStack({ callerApp: 'caller', simulator: { callRecordCount: 50 } });
  });
  afterAll(async () => stack?.stop());

  it('answers a request without a token with 401, UNAUTHENTICATED and a Bearer challenge', async () => {
    const answer = await post(stack, RECORDS);
    expect(answer.status).toBe(401);
    expect(code(answer)).toBe('UNAUTHENTICATED');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    expect(answer.body.errors?.[0]?.extensions).not.toHaveProperty('http');
  });

  it('serves a caller whose token carries the roles the operation needs', async () => {
    const answer = await post(stack, RECORDS, await token());
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  it('serves the stack helper, which sends a minted caller token', async () => {
    expect((await stack.query(RECORDS)).errors).toBeUndefined();
  });

  it('refuses a token minted for Graph rather than for the gateway, naming the audience', async () => {
    const answer = await post(stack, RECORDS, await token({ app: 'default', audience: 'https://graph.microsoft.com' }));
    expect(answer.status).toBe(401);
    expect(code(answer)).toBe('UNAUTHENTICATED');
    expect(answer.body.errors?.[0]?.message).toContain('another audience');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('refuses a token from another issuer even when signed with the same key', async () => {
    const answer = await post(stack, RECORDS, await token({ issuer: 'https://login.microsoftonline.com/contoso/v2.0' }));
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0]?.message).toContain('another issuer');
  });

  it('refuses a token expired beyond the clock skew and accepts one expired within it', async () => {
    const expired = await post(stack, RECORDS, await token({ lifetimeSeconds: -120 }));
    expect(expired.status).toBe(401);
    expect(expired.body.errors?.[0]?.message).toContain('expired');
    expect((await post(stack, RECORDS, await token({ lifetimeSeconds: -10 }))).status).toBe(200);
  });

  it('refuses with 403 and FORBIDDEN an operation whose role the caller lacks, naming the role, before calling Graph', async () => {
    const before = stack.simulator.control.log().filter((e) => e.kind !== 'identity').length;
    const records = await token({ app: 'caller-records' });
    const answer = await post(stack, CREATE, records);
    expect(answer.status).toBe(403);
    expect(code(answer)).toBe('FORBIDDEN');
    expect(answer.body.errors?.[0]?.message).toContain('Calls.Create');
    expect(answer.body.data).toBeUndefined();
    expect((await post(stack, CALLS, records)).status).toBe(403);
    expect(stack.simulator.control.log().filter((e) => e.kind !== 'identity')).toHaveLength(before);
    expect((await post(stack, RECORDS, records)).status).toBe(200);
  });

  it('refuses the whole operation when one of its root fields is not allowed', async () => {
    const answer = await post(stack, `{ callRecords(first: 1) { nodes { id } } calls { id } }`, await token({ app: 'caller-records' }));
    expect(answer.status).toBe(403);
    expect(answer.body.errors?.[0]?.message).toContain('Calls.Read');
  });

  it('refuses a caller with no roles at all, even for introspection-free reads', async () => {
    expect((await post(stack, RECORDS, await token({ app: 'caller-no-roles' }))).status).toBe(403);
  });

  it('lets any authenticated caller ask for __typename', async () => {
    const answer = await post(stack, '{ __typename }', await token({ app: 'caller-no-roles' }));
    expect(answer.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('grants permissions by delegated scope (scp) as well as by role', async () => {
    const scoped = await token({ app: 'caller-no-roles', scp: 'openid callrecords.read' });
    expect((await post(stack, RECORDS, scoped)).status).toBe(200);
    expect((await post(stack, CALLS, scoped)).status).toBe(403);
  });

  it('places a call for a caller holding Calls.Create', async () => {
    const answer = await post(stack, CREATE, await token());
    expect(answer.body.errors).toBeUndefined();
  });
});

describe('authorization settings', () => {
  it('ignores scopes when AUTH_ACCEPT_SCOPES is false and honours renamed roles', async () => {
    const stack = await startStack({
      callerApp: 'caller',
      env: { AUTH_ACCEPT_SCOPES: 'false', AUTH_ROLE_CALL_RECORDS_READ: 'Records.Reader' },
      simulator: { callRecordCount: 10 },
    });
    try {
      const mint = (o: object) => stack.simulator.control.mintToken({ app: 'caller', ...o }).then((t) => `Bearer ${t}`);
      expect((await post(stack, RECORDS, await mint({ roles: [], scp: 'callrecords.read' }))).status).toBe(403);
      expect((await post(stack, RECORDS, await mint({ roles: ['CallRecords.Read'] }))).status).toBe(403);
      expect((await post(stack, RECORDS, await mint({ roles: ['Records.Reader'] }))).status).toBe(200);
    } finally {
      await stack.stop();
    }
  });

  it('answers 503 UPSTREAM_UNAVAILABLE, not 401, when the signing keys cannot be fetched', async () => {
    const stack = await startStack({
      callerApp: 'caller',
      env: { AUTH_JWKS_URL: 'https://127.0.0.1:1/keys', AUTH_ISSUER: 'https://127.0.0.1:1/v2.0' },
      simulator: { callRecordCount: 10 },
    });
    try {
      const token = await stack.simulator.control.mintToken({ app: 'caller' });
      const answer = await post(stack, RECORDS, `Bearer ${token}`);
      expect(answer.status).toBe(503);
      expect(code(answer)).toBe('UPSTREAM_UNAVAILABLE');
    } finally {
      await stack.stop();
    }
  });
});

describe('the permission table', () => {
  const schema = buildGatewaySchema(resolvers);

  it('names every root field of the schema, so a new field cannot go unguarded', () => {
    for (const type of [schema.getQueryType(), schema.getMutationType()]) {
      for (const field of Object.keys(type?.getFields() ?? {})) {
        if (field === '_entities') continue;
        expect(ROOT_FIELD_PERMISSIONS, `${type!.name}.${field}`).toHaveProperty([`${type!.name}.${field}`]);
      }
    }
  });

  const needs = (source: string, variables?: Record<string, unknown>) => {
    const document = parse(source);
    return [...requiredPermissions(document, document.definitions[0] as OperationDefinitionNode, variables)].sort();
  };

  it('collects root fields through fragments and inline fragments', () => {
    expect(needs('query { ...F ... on Query { calls { id } } } fragment F on Query { callRecord(id: "x") { id } }')).toEqual([
      'callRecords.read',
      'calls.read',
    ]);
  });

  it('requires every permission for a root field it does not know', () => {
    expect(needs('{ somethingNew }')).toEqual([
      'callRecords.read',
      'calls.answer',
      'calls.control',
      'calls.create',
      'calls.read',
      'calls.record',
      'pstnCalls.read',
    ]);
  });

  it("needs callRecords.read for a Direct Routing row's callRecord, however it is spelled", () => {
    const range = 'from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z"';
    expect(needs(`{ directRoutingCalls(${range}) { nodes { id } } }`)).toEqual(['pstnCalls.read']);
    expect(needs(`{ directRoutingCalls(${range}) { edges { node { callRecord { id } } } } }`)).toEqual([
      'callRecords.read',
      'pstnCalls.read',
    ]);
    expect(
      needs(`{ directRoutingCalls(${range}) { nodes { ...R } } } fragment R on DirectRoutingCall { ... { callRecord { id } } }`),
    ).toEqual(['callRecords.read', 'pstnCalls.read']);
    expect(needs(`{ pstnCalls(${range}) { nodes { id } } }`)).toEqual(['pstnCalls.read']);
  });

  it('derives _entities permissions from the representations, variables included', () => {
    const op = 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }';
    expect(needs(op, { r: [{ __typename: 'CallRecord', id: '1' }] })).toEqual(['callRecords.read']);
    expect(needs(op, { r: [{ __typename: 'Call', id: '1' }] })).toEqual(['calls.read']);
    expect(needs(op, { r: [{ __typename: 'Mystery' }] })).toEqual(['callRecords.read', 'calls.read']);
    expect(needs('{ _entities(representations: [{ __typename: "CallRecord", id: "1" }]) { __typename } }')).toEqual(['callRecords.read']);
  });
});
