import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { printedUrl, spawnGateway } from '../helpers/mainProcess.js';
import { startStack, type Stack } from '../helpers/stack.js';

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('health and readiness', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('is ready once it holds a Graph token, and says the circuit is closed', async () => {
    stack = await startStack();
    const origin = new URL(stack.gateway.url).origin.replace('localhost', '127.0.0.1');
    const body = await until(
      async () => {
        const res = await fetch(`${origin}/readyz`);
        return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
      },
      5000,
      '/readyz 200',
    );
    expect(body).toEqual({ status: 'ready', tokenInHand: true, circuit: 'closed' });
  });

  it('stays alive but not ready while no Graph token can be obtained', async () => {
    stack = await startStack({ credential: { clientSecret: 'not-the-secret' } });
    const origin = new URL(stack.gateway.url).origin.replace('localhost', '127.0.0.1');
    // Give the background token fetch time to fail at least once.
    await until(async () => (stack?.simulator.control.stats().identity.token?.['401'] ? true : undefined), 5000, 'a refused token request');
    const ready = await fetch(`${origin}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'awaiting-token', tokenInHand: false });
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });
});

describe('SIGTERM', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  // Run as people run it: outside NODE_ENV=test, Apollo Server would install signal handlers of its own.
  it.each(['development', 'production'])(
    'finishes the operation in flight, refuses new work, and exits 0 (NODE_ENV=%s)',
    async (nodeEnv) => {
      const gateway = spawnGateway({
        ...process.env,
        NODE_ENV: nodeEnv,
        PORT: '0',
        LOG_LEVEL: 'silent',
        SIMULATOR_LATENCY_MS: '1500',
        SIMULATOR_RECORDS: '50',
      });
      child = gateway.child;
      const proc = child;
      const exited = gateway.exited;

      const url = await until(async () => printedUrl(gateway.output()), 120_000, 'the gateway URL');
      const origin = new URL(url).origin.replace('localhost', '127.0.0.1');
      await until(async () => ((await fetch(`${origin}/readyz`)).status === 200 ? true : undefined), 10_000, '/readyz 200');

      const inFlight = fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ callRecords(first: 2) { nodes { id } } }' }),
        signal: AbortSignal.timeout(15_000),
      });
      // The simulator answers after 1.5 s: the operation is still waiting on Graph when the signal lands.
      await new Promise((r) => setTimeout(r, 400));
      proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 100));

      const late = await fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ calls { id } }' }),
      }).then(
        (res) => res.status,
        () => 'refused',
      );
      expect([503, 'refused']).toContain(late);

      const response = await inFlight;
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data?: { callRecords: { nodes: Array<{ id: string }> } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data?.callRecords.nodes).toHaveLength(2);
      expect(await exited).toBe(0);
    },
    180_000,
  );
});
