import { ConfidentialClientApplication } from '@azure/msal-node';
import { SignJWT, decodeJwt, decodeProtectedHeader, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMsalNetworkClient, startTestSimulator, stopTestSimulator } from '../helpers/testSimulator.js';
import type { TestSimulator } from '../helpers/testSimulator.js';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

describe('simulated identity platform', () => {
  let sim: TestSimulator;
  const network = { clients: [] as Array<ReturnType<typeof createMsalNetworkClient>> };

  beforeAll(async () => {
    sim = await startTestSimulator();
  });
  afterAll(async () => {
    await Promise.all(network.clients.map((c) => c.close()));
    await stopTestSimulator(sim);
  });

  function msalNetwork(): ReturnType<typeof createMsalNetworkClient> {
    const client = createMsalNetworkClient(sim.caCertificate);
    network.clients.push(client);
    return client;
  }

  function tokenRequest(fields: Record<string, string>, init: { contentType?: string } = {}): Promise<Response> {
    return sim.client.fetch(sim.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': init.contentType ?? 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    }) as unknown as Promise<Response>;
  }

  const secretFields = (overrides: Record<string, string> = {}): Record<string, string> => ({
    grant_type: 'client_credentials',
    client_id: sim.app('default').clientId,
    client_secret: sim.app('default').clientSecret ?? '',
    scope: GRAPH_SCOPE,
    ...overrides,
  });

  it('publishes an OpenID configuration whose endpoints and issuer are on the simulator', async () => {
    const res = await sim.client.fetch(`${sim.authority}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, string>;
    expect(doc.token_endpoint).toBe(sim.tokenEndpoint);
    expect(doc.issuer).toBe(`${sim.authority}/v2.0`);
    expect(doc.jwks_uri).toBe(`${sim.authority}/discovery/v2.0/keys`);
    expect(doc.authorization_endpoint).toBe(`${sim.authority}/oauth2/v2.0/authorize`);
  });

  it('publishes the signing key of its access tokens in the JWKS', async () => {
    const token = await sim.token();
    const jwks = (await (await sim.client.fetch(`${sim.authority}/discovery/v2.0/keys`)).json()) as {
      keys: Array<{ kid: string; kty: string }>;
    };
    expect(jwks.keys.map((k) => k.kid)).toContain(decodeProtectedHeader(token).kid);
    expect(jwks.keys[0]?.kty).toBe('RSA');
  });

  it('issues an Entra-shaped bearer token for a client secret', async () => {
    const res = await tokenRequest(secretFields());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    const header = decodeProtectedHeader(body.access_token as string);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(header.kid).toBeTypeOf('string');
    const claims = decodeJwt(body.access_token as string);
    expect(claims).toMatchObject({
      iss: `${sim.authority}/v2.0`,
      aud: 'https://graph.microsoft.com',
      appid: sim.app('default').clientId,
      azp: sim.app('default').clientId,
      tid: sim.tenantId,
      idtyp: 'app',
      roles: [...sim.app('default').roles],
    });
    expect(claims.oid).toMatch(/^[0-9a-f-]{36}$/);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3599);
  });

  it('refuses a wrong client secret with 401 invalid_client AADSTS7000215', async () => {
    const res = await tokenRequest(secretFields({ client_secret: 'not-the-secret' }));
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.error).toBe('invalid_client');
    expect(body.error_codes).toEqual([7000215]);
    expect(body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided/);
    for (const field of ['timestamp', 'trace_id', 'correlation_id']) expect(body[field]).toBeTypeOf('string');
  });

  it('refuses an unknown client id with 400 unauthorized_client AADSTS700016', async () => {
    const res = await tokenRequest(secretFields({ client_id: '11111111-2222-4333-8444-555555555555' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
  });

  it('refuses a scope without /.default with 400 invalid_scope AADSTS1002012', async () => {
    const res = await tokenRequest(secretFields({ scope: 'https://graph.microsoft.com/CallRecords.Read.All' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
  });

  it('refuses a resource it does not know with 400 invalid_resource AADSTS500011', async () => {
    const res = await tokenRequest(secretFields({ scope: 'https://management.azure.com/.default' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_resource', error_codes: [500011] });
  });

  it('refuses grants other than client_credentials with 400 unsupported_grant_type', async () => {
    const res = await tokenRequest(secretFields({ grant_type: 'password' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type', error_codes: [70003] });
  });

  it('refuses a request that proves nothing with 401 AADSTS7000216', async () => {
    const { client_secret: _omitted, ...fields } = secretFields();
    const res = await tokenRequest(fields);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000216] });
  });

  it('refuses an unknown tenant with 400 AADSTS90002', async () => {
    const res = (await sim.client.fetch(`${sim.origin}/contoso.example/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(secretFields()).toString(),
    })) as unknown as Response;
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
  });

  it('refuses a certificate assertion signed by a key it does not know', async () => {
    const app = sim.app('certificate');
    const other = sim.app('certificate').certificate;
    expect(other?.privateKeyPem).toBeDefined();
    // Right key, but the thumbprint header names a certificate that is not registered.
    const key = await importPKCS8(other?.privateKeyPem ?? '', 'PS256');
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'PS256', 'x5t#S256': Buffer.alloc(32, 7).toString('base64url') })
      .setIssuer(app.clientId)
      .setSubject(app.clientId)
      .setAudience(sim.tokenEndpoint)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(crypto.randomUUID())
      .sign(key);
    const res = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      scope: GRAPH_SCOPE,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client', error_codes: [700027] });
  });

  it('refuses a certificate assertion whose audience is not the token endpoint', async () => {
    const app = sim.app('certificate');
    const cert = app.certificate;
    const key = await importPKCS8(cert?.privateKeyPem ?? '', 'PS256');
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'PS256', 'x5t#S256': Buffer.from(cert?.thumbprintSha256 ?? '', 'hex').toString('base64url') })
      .setIssuer(app.clientId)
      .setSubject(app.clientId)
      .setAudience('https://login.microsoftonline.com/common/oauth2/v2.0/token')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
    const res = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      scope: GRAPH_SCOPE,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('gives msal-node a token for a client secret that a Graph route accepts', async () => {
    const app = sim.app('default');
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: app.clientId,
        clientSecret: app.clientSecret ?? '',
        authority: sim.authority,
        knownAuthorities: [sim.knownAuthority],
      },
      system: { networkClient: msalNetwork() },
    });
    const result = await cca.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    expect(result?.tokenType).toBe('Bearer');
    expect(decodeJwt(result?.accessToken ?? '').appid).toBe(app.clientId);
    const res = await sim.client.fetch('/v1.0/communications/callRecords', { headers: { authorization: `Bearer ${result?.accessToken}` } });
    expect(res.status).toBe(200);
  });

  it('gives msal-node a token for a certificate (SHA-256 thumbprint, PS256) that a Graph route accepts', async () => {
    const app = sim.app('certificate');
    const cert = app.certificate;
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: app.clientId,
        authority: sim.authority,
        knownAuthorities: [sim.knownAuthority],
        clientCertificate: { thumbprintSha256: cert?.thumbprintSha256 ?? '', privateKey: cert?.privateKeyPem ?? '' },
      },
      system: { networkClient: msalNetwork() },
    });
    const result = await cca.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    const claims = decodeJwt(result?.accessToken ?? '');
    expect(claims).toMatchObject({ appid: app.clientId, appidacr: '2' });
    const res = await sim.client.fetch('/beta/communications/callRecords', { headers: { authorization: `Bearer ${result?.accessToken}` } });
    expect(res.status).toBe(200);
  });

  it('gives msal-node a token for a certificate with a SHA-1 thumbprint (RS256)', async () => {
    const app = sim.app('certificate');
    const cert = app.certificate;
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: app.clientId,
        authority: sim.authority,
        knownAuthorities: [sim.knownAuthority],
        clientCertificate: { thumbprint: cert?.thumbprintSha1 ?? '', privateKey: cert?.privateKeyPem ?? '' },
      },
      system: { networkClient: msalNetwork() },
    });
    const result = await cca.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    expect(decodeJwt(result?.accessToken ?? '').appid).toBe(app.clientId);
  });

  it('surfaces a wrong secret to msal-node as a ServerError carrying AADSTS7000215', async () => {
    const app = sim.app('default');
    const cca = new ConfidentialClientApplication({
      auth: { clientId: app.clientId, clientSecret: 'wrong', authority: sim.authority, knownAuthorities: [sim.knownAuthority] },
      system: { networkClient: msalNetwork() },
    });
    await expect(cca.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] })).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorMessage: expect.stringContaining('AADSTS7000215'),
    });
  });
});
