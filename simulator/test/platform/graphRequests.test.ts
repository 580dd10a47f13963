import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeRoutes, startTestSimulator, stopTestSimulator } from '../helpers/testSimulator.js';
import type { TestSimulator } from '../helpers/testSimulator.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface ErrorEnvelope {
  error: { code: string; message: string; innerError: Record<string, string> };
}

describe('Graph request handling', () => {
  let sim: TestSimulator;

  beforeAll(async () => {
    sim = await startTestSimulator({ extraRoutes: probeRoutes, maxBodyBytes: 4096 });
  });
  afterAll(() => stopTestSimulator(sim));

  async function errorOf(res: { status: number; json(): Promise<unknown> }): Promise<ErrorEnvelope['error']> {
    return ((await res.json()) as ErrorEnvelope).error;
  }

  it('answers 401 InvalidAuthenticationToken when no token is sent', async () => {
    const res = await sim.client.fetch('/v1.0/communications/callRecords');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const error = await errorOf(res);
    expect(error.code).toBe('InvalidAuthenticationToken');
    expect(error.message).toBe('Access token is empty.');
  });

  it('answers 401 for an expired token', async () => {
    const expired = await sim.token({ lifetimeSeconds: -60 });
    const res = await sim.client.fetch('/v1.0/communications/callRecords', { headers: { authorization: `Bearer ${expired}` } });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('InvalidAuthenticationToken');
  });

  it('answers 401 for a token signed by another key', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({
      appid: sim.app('default').clientId,
      tid: sim.tenantId,
      roles: ['CallRecords.Read.All'],
      idtyp: 'app',
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .setIssuer(`${sim.authority}/v2.0`)
      .setAudience('https://graph.microsoft.com')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    const res = await sim.client.fetch('/v1.0/communications/callRecords', { headers: { authorization: `Bearer ${forged}` } });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toMatch(/Invalid signature/);
  });

  it('answers 401 for a token minted for another audience', async () => {
    const token = await sim.token({ audience: 'https://management.azure.com' });
    const res = await sim.client.fetch('/v1.0/communications/callRecords', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toMatch(/Invalid audience/);
  });

  it('answers 401 for a token that is not a JWT', async () => {
    const res = await sim.client.fetch('/v1.0/communications/callRecords', { headers: { authorization: 'Bearer abc' } });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toMatch(/CompactToken parsing failed/);
  });

  it('answers 403 Authorization_RequestDenied when the app lacks the route permission', async () => {
    const res = await sim.client.graph('/v1.0/communications/callRecords', { app: 'calls-only' });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('Authorization_RequestDenied');
  });

  it('lets an app holding one of the route permissions through', async () => {
    const res = await sim.client.graph('/v1.0/communications/callRecords', { app: 'records-only' });
    expect(res.status).toBe(200);
  });

  it('answers 404 in the Graph envelope for an unknown path', async () => {
    const res = await sim.client.graph('/v1.0/communications/nothingHere');
    expect(res.status).toBe(404);
    const error = await errorOf(res);
    expect(error.code).toBe('ResourceNotFound');
    expect(error.message).toContain('nothingHere');
  });

  it('answers 405 with Allow for a method the path does not support', async () => {
    const res = await sim.client.graph('/v1.0/probe/items/1', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET']);
    expect((await errorOf(res)).code).toBe('notAllowed');
  });

  it('answers 400 BadRequest for an unknown version segment', async () => {
    const res = await sim.client.graph('/v2.0/communications/callRecords');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('Invalid version: v2.0');
  });

  it('passes the parsed JSON body, path, query, version, base URL and app to the handler', async () => {
    const res = await sim.client.graph('/beta/probe/echo?$select=id', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ subject: 'hello' }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      body: { subject: 'hello' },
      path: '/probe/echo',
      query: '$select=id',
      version: 'beta',
      baseUrl: `${sim.origin}/beta`,
      app: { appId: sim.app('default').clientId, tenantId: sim.tenantId },
    });
  });

  it('answers 400 for a malformed JSON body', async () => {
    const res = await sim.client.graph('/v1.0/probe/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"subject":',
    });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('BadRequest');
    expect(error.message).toMatch(/Unable to read JSON request payload/);
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    const res = await sim.client.graph('/v1.0/probe/echo', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(res.status).toBe(415);
    expect((await errorOf(res)).code).toBe('UnsupportedMediaType');
  });

  it('answers 413 for a body over the configured cap', async () => {
    const res = await sim.client.graph('/v1.0/probe/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(5000) }),
    });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('RequestEntityTooLarge');
  });

  it('renders a handler error in the envelope with request-id, date and the echoed client-request-id', async () => {
    const clientRequestId = crypto.randomUUID();
    const res = await sim.client.graph('/v1.0/probe/items/missing', { headers: { 'client-request-id': clientRequestId } });
    expect(res.status).toBe(404);
    expect(res.headers.get('client-request-id')).toBe(clientRequestId);
    const requestId = res.headers.get('request-id');
    expect(requestId).toMatch(GUID);
    const body = (await res.json()) as ErrorEnvelope;
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toBe('itemNotFound');
    expect(body.error.innerError['request-id']).toBe(requestId);
    expect(body.error.innerError['client-request-id']).toBe(clientRequestId);
    expect(body.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  it('masks an unexpected handler exception as 500 generalException without internals', async () => {
    const res = await sim.client.graph('/v1.0/probe/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'generalException' } });
    expect(text).not.toContain('secret internal detail');
    expect(text).not.toContain('at ');
  });

  it('sends Graph response headers on success: JSON content type, request-id, diagnostics and Date', async () => {
    const res = await sim.client.graph('/v1.0/probe/items/7');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json;odata\.metadata=minimal/);
    expect(res.headers.get('request-id')).toMatch(GUID);
    expect(res.headers.get('client-request-id')).toBeNull();
    expect(JSON.parse(res.headers.get('x-ms-ags-diagnostic') ?? '{}')).toHaveProperty('ServerInfo');
    expect(Number.isNaN(Date.parse(res.headers.get('date') ?? ''))).toBe(false);
    expect(await res.json()).toEqual({ id: '7' });
  });

  it('gives each response a fresh request-id', async () => {
    const [a, b] = await Promise.all([sim.client.graph('/v1.0/probe/items/1'), sim.client.graph('/v1.0/probe/items/2')]);
    expect(a.headers.get('request-id')).not.toBe(b.headers.get('request-id'));
  });

  it('answers 204 without a body', async () => {
    const res = await sim.client.graph('/v1.0/probe/items/1', { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('matches literal path segments case-insensitively, as Graph does', async () => {
    const res = await sim.client.graph('/v1.0/PROBE/Items/abc');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'abc' });
  });
});
