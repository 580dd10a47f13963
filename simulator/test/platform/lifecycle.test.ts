import { connect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSimulator, stopTestSimulator } from '../helpers/testSimulator.js';
import type { TestSimulator } from '../helpers/testSimulator.js';
import { loadSimulatorOptionsFromEnv, SimulatorOptionsError, startSimulator } from '../../src/index.js';
import { resolveSimulatorOptions } from '../../src/options.js';

describe('simulator lifecycle', () => {
  let sim: TestSimulator | undefined;
  afterEach(async () => {
    await stopTestSimulator(sim);
    sim = undefined;
  });

  it('starts with no options on a free loopback port with the default apps', async () => {
    sim = await startTestSimulator();
    expect(sim.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.port).toBeGreaterThan(0);
    expect(sim.graphBaseUrl).toBe(sim.origin);
    expect(sim.authority).toBe(`${sim.origin}/${sim.tenantId}`);
    expect(sim.knownAuthority).toBe(`127.0.0.1:${sim.port}`);
    expect(sim.caCertificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(sim.apps.map((a) => a.name)).toEqual(['default', 'calls-only', 'records-only', 'pstn-only', 'certificate']);
    expect(sim.app('default').roles).toContain('CallRecords.Read.All');
    expect(sim.app('calls-only').roles).not.toContain('CallRecords.Read.All');
    expect(sim.app('certificate').certificate?.privateKeyPem).toMatch(/BEGIN PRIVATE KEY/);
  });

  it('serves TLS that a client trusting only the simulator CA accepts for localhost and 127.0.0.1', async () => {
    sim = await startTestSimulator();
    const res = await sim.client.fetch(`https://localhost:${sim.port}/_simulator/stats`);
    expect(res.status).toBe(200);
  });

  it('closes keep-alive sockets on stop() and resolves promptly', async () => {
    sim = await startTestSimulator();
    const socket = connect({ host: '127.0.0.1', port: sim.port, ca: sim.caCertificate, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write(`GET /_simulator/stats HTTP/1.1\r\nHost: 127.0.0.1:${sim.port}\r\nConnection: keep-alive\r\n\r\n`);
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    const started = performance.now();
    await sim.stop();
    await closed;
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops idempotently', async () => {
    sim = await startTestSimulator();
    await Promise.all([sim.stop(), sim.stop()]);
    await sim.stop();
    await expect(sim.client.fetch('/_simulator/stats')).rejects.toThrow();
  });

  it('listens on the port it is given', async () => {
    const probe = await startTestSimulator();
    const port = probe.port;
    await stopTestSimulator(probe);
    sim = await startTestSimulator({ port });
    expect(sim.port).toBe(port);
  });

  it('rejects invalid options, listing every problem with what was expected and what arrived', async () => {
    await expect(startSimulator({ port: -1, callRecordCount: 1.5, tenantId: 'contoso' })).rejects.toThrow(SimulatorOptionsError);
    try {
      resolveSimulatorOptions({
        port: -1,
        callRecordCount: 1.5,
        now: 'yesterday',
        chaos: { seed: 1, p429: 2, p503: 0, p504: 0, pDrop: 0 },
      });
      expect.unreachable();
    } catch (err) {
      const problems = (err as SimulatorOptionsError).problems;
      expect(problems).toContain('port must be an integer between 0 and 65535, got -1');
      expect(problems).toContain('callRecordCount must be an integer between 0 and 1000000, got 1.5');
      expect(problems).toContain("now must be an ISO-8601 instant or a function, got 'yesterday'");
      expect(problems).toContain('chaos.p429 must be a probability between 0 and 1, got 2');
    }
  });

  it('reads options from the environment, defaulting the standalone port to 8443', () => {
    expect(loadSimulatorOptionsFromEnv({}).port).toBe(8443);
    const options = loadSimulatorOptionsFromEnv({
      SIMULATOR_PORT: '9443',
      SIMULATOR_SEED: '7',
      SIMULATOR_RECORDS: '120',
      SIMULATOR_NOW: '2023-09-30T00:00:00Z',
      SIMULATOR_LATENCY_MS: '25',
      SIMULATOR_CHAOS: 'seed=3,p429=0.1,pDrop=0.05,latencyP=0.5,latencyMinMs=10,latencyMaxMs=20',
      SIMULATOR_THROTTLE: 'callRecordsList=5/1000',
    });
    expect(options).toMatchObject({ port: 9443, seed: 7, callRecordCount: 120, fixedLatencyMs: 25, fixedNow: '2023-09-30T00:00:00.000Z' });
    expect(options.now().toISOString()).toBe('2023-09-30T00:00:00.000Z');
    expect(options.chaos).toEqual({ seed: 3, p429: 0.1, p503: 0, p504: 0, pDrop: 0.05, latency: { p: 0.5, minMs: 10, maxMs: 20 } });
    expect(options.throttle.callRecordsList).toEqual({ limit: 5, windowMs: 1000 });
    expect(options.throttle.calls).toEqual({ limit: 50_000, windowMs: 15_000 });
  });

  it('reports every bad environment variable at once', () => {
    expect(() =>
      loadSimulatorOptionsFromEnv({ SIMULATOR_PORT: 'http', SIMULATOR_CHAOS: 'p429=lots', SIMULATOR_THROTTLE: 'calls=fast' }),
    ).toThrow(
      /SIMULATOR_PORT must be an integer, got 'http'[\s\S]*SIMULATOR_CHAOS p429 must be a number, got 'lots'[\s\S]*SIMULATOR_THROTTLE calls must look like <limit>\/<windowMs>, got 'fast'/,
    );
  });
});
