import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT, importPKCS8 } from 'jose';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closingChecks, codeOf, startHostileStack, type HostileStack } from './hostileHarness.js';

let h: HostileStack;
let goodToken = '';
let claims: Record<string, unknown> = {};
let kid = '';
const QUERY = JSON.stringify({ query: '{ callRecords(first: 1) { nodes { id } } }' });

beforeAll(async () => {
  h = await startHostileStack();
  goodToken = h.bearer.slice('Bearer '.length);
  claims = JSON.parse(Buffer.from(goodToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  kid = (JSON.parse(Buffer.from(goodToken.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
});
afterAll(async () => h?.stop());

/** The simulator's JWKS, fetched as any client would: over HTTPS, trusting its CA. */
async function publishedKeys(): Promise<Array<{ kid?: string }>> {
  const agent = new Agent({ connect: { ca: h.stack.simulator.caCertificate } });
  try {
    const res = await fetch(h.stack.simulator.jwksUri, { dispatcher: agent });
    return ((await res.json()) as { keys: Array<{ kid?: string }> }).keys;
  } finally {
    await agent.close();
  }
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const postWith = (authorization: string | undefined) =>
  h.send({ headers: { 'content-type': 'application/json', ...(authorization !== undefined ? { authorization } : {}) }, body: QUERY });

describe('missing, expired, foreign and forged tokens', () => {
  const expect401 = async (authorization: string | undefined) => {
    const answer = await postWith(authorization);
    expect(answer.status).toBe(401);
    expect(codeOf(answer)).toBe('UNAUTHENTICATED');
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
  };
  const mint = (o: object) => h.stack.simulator.control.mintToken({ app: 'caller', ...o });

  it.each([
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['Bearer without a token', 'Bearer '],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['a token without the Bearer scheme', 'TOKEN'],
    ['a two-part token', 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0'],
    ['garbage', 'Bearer not-a-jwt'],
    ['a 10 KB token', `Bearer ${'a'.repeat(5_000)}.${'b'.repeat(5_000)}.c`],
    ['two tokens', 'Bearer a.b.c Bearer d.e.f'],
  ])('refuses %s with 401', async (_label, authorization) => {
    await expect401(authorization === 'TOKEN' ? goodToken : authorization);
  });

  it.each([
    ['expired', { lifetimeSeconds: -3600 }],
    ['expired just beyond the skew', { lifetimeSeconds: -61 - 5 }],
    ['for Graph', { audience: 'https://graph.microsoft.com' }],
    ['for Graph by app id', { audience: '00000003-0000-0000-c000-000000000000' }],
    ['for another API', { audience: 'api://someone-else' }],
    ['from another issuer', { issuer: 'https://login.microsoftonline.com/contoso/v2.0' }],
    ['from an issuer that differs by a slash', { issuer: `${String(claims['iss'] ?? '')}/` }],
  ])('refuses a token %s with 401', async (_label, options) => {
    if (_label.includes('slash')) (options as { issuer: string }).issuer = `${String(claims['iss'])}/`;
    await expect401(`Bearer ${await mint(options)}`);
  });

  it('refuses alg: none (unsigned)', async () => {
    await expect401(`Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`);
  });

  it('refuses HS256 signed with the published public key as the HMAC secret', async () => {
    const jwk = (await publishedKeys()).find((k) => k.kid === kid);
    expect(jwk).toBeDefined();
    const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode(String(pem)));
    await expect401(`Bearer ${token}`);
  });

  it.each(['RS256', 'PS256', 'ES256'] as const)("refuses %s signed by a stranger's key under the real kid", async (alg) => {
    const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = await importPKCS8(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), alg);
    await expect401(`Bearer ${await new SignJWT(claims).setProtectedHeader({ alg, kid }).sign(key)}`);
  });

  it('refuses a real token with an unknown kid', async () => {
    const [, payload, signature] = goodToken.split('.');
    await expect401(`Bearer ${b64({ alg: 'RS256', typ: 'JWT', kid: 'unknown-kid' })}.${payload}.${signature}`);
  });

  it('refuses a real token whose payload was altered (roles added)', async () => {
    const [header, , signature] = goodToken.split('.');
    await expect401(`Bearer ${header}.${b64({ ...claims, roles: ['Calls.Create', 'Admin'] })}.${signature}`);
  });

  it('refuses a real token with its signature truncated', async () => {
    await expect401(`Bearer ${goodToken.slice(0, -10)}`);
  });

  const garbage = fc.sample(
    fc
      .tuple(fc.base64String({ maxLength: 60 }), fc.base64String({ maxLength: 200 }), fc.base64String({ maxLength: 100 }))
      .map(([a, b, c]) => `Bearer ${a.replace(/[+/=]/g, '')}.${b.replace(/[+/=]/g, '')}.${c.replace(/[+/=]/g, '')}`),
    { numRuns: 20, seed: 41 },
  );
  it.each(garbage.map((g, i) => [i, g] as const))('refuses generated token #%i', async (_i, authorization) => {
    await expect401(authorization);
  });
});

describe('oversized and malformed bodies, wrong content types and methods', () => {
  const auth = () => ({ authorization: h.bearer });
  it.each([
    ['an oversized body', 'application/json', JSON.stringify({ query: `{ __typename }${' '.repeat(300 * 1024)}` }), 413, 'BAD_REQUEST'],
    ['malformed JSON', 'application/json', '{"query": ', 400, 'BAD_REQUEST'],
    ['a JSON array (a batch)', 'application/json', `[${QUERY},${QUERY}]`, 400, 'BAD_REQUEST'],
    ['a JSON string', 'application/json', '"{ __typename }"', 400, 'BAD_REQUEST'],
    ['JSON null', 'application/json', 'null', 400, 'BAD_REQUEST'],
    ['a query that is not a string', 'application/json', '{"query": 42}', 400, 'BAD_REQUEST'],
    ['variables that are not an object', 'application/json', '{"query": "{ __typename }", "variables": [1]}', 400, 'BAD_REQUEST'],
    ['no query', 'application/json', '{}', 400, 'BAD_REQUEST'],
    ['an empty body', 'application/json', '', 400, 'BAD_REQUEST'],
    ['an unparseable query', 'application/json', '{"query": "{ callRecords( "}', 400, 'GRAPHQL_PARSE_FAILED'],
    ['text/plain (a CORS simple request)', 'text/plain', QUERY, 415, 'BAD_REQUEST'],
    ['a form post', 'application/x-www-form-urlencoded', 'query=%7B__typename%7D', 415, 'BAD_REQUEST'],
    ['multipart/form-data', 'multipart/form-data; boundary=x', '--x\r\n\r\n--x--', 415, 'BAD_REQUEST'],
    ['application/xml', 'application/xml', '<query/>', 415, 'BAD_REQUEST'],
    ['no content type', '', QUERY, 415, 'BAD_REQUEST'],
  ])('refuses %s', async (_label, type, body, status, code) => {
    const answer = await h.send({ headers: { ...auth(), ...(type ? { 'content-type': type } : {}) }, body });
    expect(answer.status).toBe(status);
    expect(codeOf(answer)).toBe(code);
  });

  it('refuses a body larger than declared-small content-length streams', async () => {
    const big = Buffer.alloc(400 * 1024, 0x20);
    const answer = await h.send({ headers: { ...auth(), 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: big });
    expect(answer.status).toBe(413);
  });

  it('refuses a GET without a CSRF preflight header (a simple request)', async () => {
    const answer = await h.send({ method: 'GET', path: '/graphql?query=%7B__typename%7D', headers: auth() });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('CSRF');
  });

  it('serves a GET query that carries apollo-require-preflight, and refuses a mutation over GET', async () => {
    const ok = await h.send({
      method: 'GET',
      path: '/graphql?query=%7B__typename%7D',
      headers: { ...auth(), 'apollo-require-preflight': 'true' },
    });
    expect(ok.json).toEqual({ data: { __typename: 'Query' } });
    const mutation = await h.send({
      method: 'GET',
      path: `/graphql?query=${encodeURIComponent('mutation { __typename }')}`,
      headers: { ...auth(), 'apollo-require-preflight': 'true' },
    });
    expect(mutation.status).toBe(405);
  });

  it.each(['PUT', 'DELETE', 'PATCH'])('refuses the %s method', async (method) => {
    const answer = await h.send({ method, headers: { ...auth(), 'content-type': 'application/json' }, body: QUERY });
    expect(answer.status).toBe(405);
  });
});

describe('CORS', () => {
  it('answers no CORS headers to an origin that is not allowed, and refuses its preflight with 403', async () => {
    const preflight = await h.send({
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await h.send({
      headers: { origin: 'https://evil.example', 'content-type': 'application/json', authorization: h.bearer },
      body: QUERY,
    });
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('after the hostile requests', () => {
  const checks = closingChecks(() => h);
  it('still serves a health query', async () => {
    await checks.stillServes();
  });
  it('sent Graph only filters of the allowed forms', () => {
    expect(checks.filtersProblems()).toEqual([]);
  });
  it('opened connections to Graph (the simulator) only', () => {
    const { undici, net, graphConnections } = checks.foreignConnections();
    expect(graphConnections).toBeGreaterThan(0);
    expect(undici).toEqual([]);
    expect(net).toEqual([]);
  });
});
