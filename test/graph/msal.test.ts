/**
 * msal.ts against a minimal Entra-like token service of our own on https://127.0.0.1:0 (OpenID
 * configuration + token endpoint), served with a self-signed certificate that only the configured
 * `caCertificate` makes trusted. The token endpoint verifies secrets and certificate assertions.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, importX509 } from 'jose';
import { generate } from 'selfsigned';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMsalTokenProvider, TokenAcquisitionError } from '../../src/graph/auth/msal.js';
import { createGraphClient } from '../../src/graph/index.js';
import { resolveGraphConfig, type GraphClientConfig } from '../../src/graph/index.js';
import { ok, startFakeGraph } from './fakeGraph.js';

const TENANT = 'contoso.onmicrosoft.com';
const CLIENT_ID = '22222222-2222-2222-2222-222222222222';
const SECRET = 'the-secret';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let tls: { key: string; cert: string };
let appCert: { privateKeyPem: string; certificatePem: string };

beforeAll(async () => {
  const server = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  tls = { key: server.private, cert: server.cert };
  const app = await generate([{ name: 'commonName', value: 'gateway-app' }], { keySize: 2048, algorithm: 'sha256' });
  appCert = { privateKeyPem: app.private, certificatePem: app.cert };
}, 30_000);

interface TokenService {
  origin: string;
  /** Form fields of each token request. */
  tokenRequests: URLSearchParams[];
  close(): Promise<void>;
}

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.close();
});

async function startTokenService(opts: { tokenEndpointOrigin?: string } = {}): Promise<TokenService> {
  const tokenRequests: URLSearchParams[] = [];
  let issued = 0;
  let origin = '';
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const json = (status: number, body: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        const url = req.url ?? '';
        if (req.method === 'GET' && url === `/${TENANT}/v2.0/.well-known/openid-configuration`) {
          const tokenOrigin = opts.tokenEndpointOrigin ?? origin;
          return json(200, {
            issuer: `${origin}/${TENANT}/v2.0`,
            authorization_endpoint: `${origin}/${TENANT}/oauth2/v2.0/authorize`,
            token_endpoint: `${tokenOrigin}/${TENANT}/oauth2/v2.0/token`,
            jwks_uri: `${origin}/${TENANT}/discovery/v2.0/keys`,
          });
        }
        if (req.method === 'POST' && url.startsWith(`/${TENANT}/oauth2/v2.0/token`)) {
          const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
          tokenRequests.push(form);
          const valid =
            form.get('grant_type') === 'client_credentials' &&
            form.get('client_id') === CLIENT_ID &&
            (form.get('client_secret') === SECRET ||
              (await validAssertion(form.get('client_assertion'), `${origin}/${TENANT}/oauth2/v2.0/token`)));
          if (!valid) return json(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
          issued += 1;
          return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: `access-${issued}` });
        }
        return json(404, { error: 'not_found' });
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const service = {
    origin,
    tokenRequests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  running.push(service);
  return service;
}

/** Checks a client assertion as Entra does: signed by the registered certificate, named by its SHA-256 thumbprint. */
async function validAssertion(assertion: string | null, audience: string): Promise<boolean> {
  if (!assertion) return false;
  const header = decodeProtectedHeader(assertion);
  const thumbprint = Buffer.from(new X509Certificate(appCert.certificatePem).fingerprint256.replaceAll(':', ''), 'hex').toString(
    'base64url',
  );
  if (header['x5t#S256'] !== thumbprint || !Array.isArray(header.x5c)) return false;
  const key = await importX509(appCert.certificatePem, header.alg ?? 'PS256');
  const { payload } = await compactVerify(assertion, key);
  const claims = JSON.parse(new TextDecoder().decode(payload)) as { aud?: string; iss?: string; sub?: string };
  return claims.aud === audience && claims.iss === CLIENT_ID && claims.sub === CLIENT_ID;
}

function config(service: TokenService, overrides: Partial<GraphClientConfig> = {}): GraphClientConfig {
  return {
    graphOrigin: 'https://graph.microsoft.com',
    authorityHost: service.origin,
    tenantId: TENANT,
    clientId: CLIENT_ID,
    credential: { clientSecret: SECRET },
    caCertificate: tls.cert,
    ...overrides,
  };
}

describe('MSAL token provider', () => {
  it('gets a token with a client secret, serves it from cache, and bypasses the cache when forced', async () => {
    const service = await startTokenService();
    const tokens = createMsalTokenProvider(resolveGraphConfig(config(service)), undefined, silent);
    expect(tokens.heldToken?.()).toBeUndefined();
    expect(await tokens.getToken({ forceRefresh: false })).toBe('access-1');
    expect(tokens.heldToken?.()).toBe('access-1');
    expect(await tokens.getToken({ forceRefresh: false })).toBe('access-1');
    expect(service.tokenRequests).toHaveLength(1);
    expect(service.tokenRequests[0]?.get('scope')).toContain('https://graph.microsoft.com/.default');
    // A forced refresh drops the held token at once: nothing hands out the old one while the new one is coming.
    const refreshing = tokens.getToken({ forceRefresh: true });
    expect(tokens.heldToken?.()).toBeUndefined();
    expect(await refreshing).toBe('access-2');
    expect(tokens.heldToken?.()).toBe('access-2');
    expect(service.tokenRequests).toHaveLength(2);
  });

  it('gets a token with a certificate: a signed assertion naming the SHA-256 thumbprint, with x5c', async () => {
    const service = await startTokenService();
    const tokens = createMsalTokenProvider(
      resolveGraphConfig(config(service, { credential: { certificate: appCert } })),
      undefined,
      silent,
    );
    expect(await tokens.getToken({ forceRefresh: false })).toBe('access-1');
    const form = service.tokenRequests[0];
    expect(form?.get('client_secret')).toBeNull();
    expect(form?.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  });

  it('shares one token request among concurrent callers', async () => {
    const service = await startTokenService();
    const tokens = createMsalTokenProvider(resolveGraphConfig(config(service)), undefined, silent);
    const got = await Promise.all([1, 2, 3, 4].map(() => tokens.getToken({ forceRefresh: false })));
    expect(new Set(got)).toEqual(new Set(['access-1']));
    expect(service.tokenRequests).toHaveLength(1);
  });

  it('fails with a TokenAcquisitionError naming no secret when the secret is wrong', async () => {
    const service = await startTokenService();
    const tokens = createMsalTokenProvider(
      resolveGraphConfig(config(service, { credential: { clientSecret: 'wrong-secret-value' } })),
      undefined,
      silent,
    );
    const err = await tokens.getToken({ forceRefresh: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenAcquisitionError);
    expect(String((err as Error).message)).not.toContain('wrong-secret-value');
  });

  it('trusts the token service only through the configured CA', async () => {
    const service = await startTokenService();
    const { caCertificate: _ca, ...untrusting } = config(service);
    const tokens = createMsalTokenProvider(resolveGraphConfig(untrusting), undefined, silent);
    await expect(tokens.getToken({ forceRefresh: false })).rejects.toBeInstanceOf(TokenAcquisitionError);
    expect(service.tokenRequests).toHaveLength(0);
  });

  it('never calls a token endpoint on another host, whatever the OpenID configuration says', async () => {
    const elsewhere = await startTokenService();
    const service = await startTokenService({ tokenEndpointOrigin: elsewhere.origin });
    const tokens = createMsalTokenProvider(resolveGraphConfig(config(service)), undefined, silent);
    await expect(tokens.getToken({ forceRefresh: false })).rejects.toBeInstanceOf(TokenAcquisitionError);
    expect(elsewhere.tokenRequests).toHaveLength(0);
    expect(service.tokenRequests).toHaveLength(0);
  });

  it('feeds the Graph client: Graph sees the MSAL token, and a fresh one after a 401', async () => {
    const service = await startTokenService();
    const graph = await startFakeGraph((seen) =>
      seen.headers.authorization === 'Bearer access-2'
        ? ok({ id: 'x' })
        : { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'expired' } } },
    );
    running.push(graph);
    const client = createGraphClient(config(service, { graphOrigin: graph.origin }));
    running.push(client);
    const res = await client.request({ method: 'GET', path: '/communications/calls/x' });
    expect(res.body).toEqual({ id: 'x' });
    expect(graph.seen.map((s) => s.headers.authorization)).toEqual(['Bearer access-1', 'Bearer access-2']);
    expect(service.tokenRequests).toHaveLength(2);
  });
});
