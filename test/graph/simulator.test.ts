/**
 * The Graph client against the project's simulator over HTTPS on loopback: real MSAL tokens (secret
 * and certificate) from its token endpoint, trusted through the simulator's CA, then real Graph calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphClient, type GraphClientConfig, type GraphResponse } from '../../src/graph/index.js';
import { startSimulator, type RunningSimulator } from '@comms-graphql/simulator';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator();
}, 30_000);

afterAll(async () => {
  await sim?.stop();
});

function simConfig(credential: GraphClientConfig['credential'], clientId: string): GraphClientConfig {
  return {
    graphOrigin: sim.graphBaseUrl,
    authorityHost: sim.authorityHost,
    knownAuthorities: [sim.knownAuthority],
    caCertificate: sim.caCertificate,
    tenantId: sim.tenantId,
    clientId,
    credential,
  };
}

describe('the Graph client against the simulator', () => {
  it('gets a token with a client secret and lists call records', async () => {
    const app = sim.app('default');
    const client = createGraphClient(simConfig({ clientSecret: app.clientSecret ?? '' }, app.clientId));
    try {
      const res = await client.request<{ value: Array<{ id: string }> }>({ method: 'GET', path: '/communications/callRecords?$select=id' });
      expect(res.status).toBe(200);
      expect(res.body.value.length).toBeGreaterThan(0);
      expect(sim.control.stats().identity.token).toBeDefined();
    } finally {
      await client.close();
    }
  });

  it('gets a token with a certificate and reads records through one $batch', async () => {
    const app = sim.app('certificate');
    const cert = app.certificate;
    if (!cert?.privateKeyPem) throw new Error('the simulator did not generate a key for the certificate app');
    const client = createGraphClient(
      simConfig({ certificate: { privateKeyPem: cert.privateKeyPem, certificatePem: cert.certificatePem } }, app.clientId),
    );
    try {
      const list = await client.request<{ value: Array<{ id: string }> }>({
        method: 'GET',
        path: '/communications/callRecords?$select=id',
      });
      const ids = list.body.value.slice(0, 3).map((r) => r.id);
      expect(ids).toHaveLength(3);
      const before = client.stats().batchRequests;
      const slots = await client.batch(ids.map((id) => ({ method: 'GET' as const, path: `/communications/callRecords/${id}?$select=id` })));
      expect(slots.map((s) => (s as GraphResponse<{ id: string }>).body.id)).toEqual(ids);
      expect(client.stats().batchRequests - before).toBe(1);
      const batchLog = sim.control.log().filter((e) => e.route === '$batch');
      expect(batchLog.length).toBeGreaterThanOrEqual(1);
    } finally {
      await client.close();
    }
  });
});
