/**
 * Open-loop load at a fixed rate: operation i starts at t0 + i/rate whatever the previous ones are
 * doing, and its latency runs from that scheduled instant (no coordinated omission). autocannon's
 * `overallRate` spends a per-second budget per connection back to back, so its "200 req/s" arrives as
 * bursts at each second's start; this spreads the operations evenly, and the same generator drives
 * both the gateway and the simulator-alone replay, so the two are measured alike.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { summarize, type LatencySummary } from './stats.js';

export interface OpenLoopResult {
  ok: number;
  failed: number;
  firstError?: string;
  achievedRate: number;
  latency: LatencySummary;
}

export async function openLoop(rate: number, durationS: number, op: (n: number) => Promise<void>): Promise<OpenLoopResult> {
  const total = Math.round(rate * durationS);
  const intervalMs = 1000 / rate;
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const running: Array<Promise<void>> = [];
  const t0 = performance.now() + 5;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (next < total && t0 + next * intervalMs <= now) {
        const scheduled = t0 + next * intervalMs;
        const n = next++;
        running.push(
          op(n).then(
            () => void latencies.push(performance.now() - scheduled),
            (err: unknown) => {
              failed += 1;
              firstError ??= err instanceof Error ? err.message : String(err);
            },
          ),
        );
      }
      if (next >= total) return resolve();
      setTimeout(tick, Math.max(0, t0 + next * intervalMs - performance.now() - 0.5));
    };
    tick();
  });
  await Promise.all(running);
  const elapsedS = (performance.now() - t0) / 1000;
  return {
    ok: latencies.length,
    failed,
    ...(firstError !== undefined ? { firstError } : {}),
    achievedRate: latencies.length / elapsedS,
    latency: summarize(latencies),
  };
}

/** A GraphQL client for the gateway and baselines: undici keep-alive pool; errors in the answer throw. */
export function graphqlClient(
  url: string,
  headers: Readonly<Record<string, string>> = {},
): { post(body: string): Promise<Record<string, unknown>>; close(): Promise<void> } {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: 256 });
  return {
    async post(body) {
      const res = await pool.request({
        method: 'POST',
        path: target.pathname,
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200 || text.includes('"errors":[')) throw new Error(`${res.statusCode} ${text.slice(0, 300)}`);
      return JSON.parse(text) as Record<string, unknown>;
    },
    close: () => pool.close(),
  };
}
