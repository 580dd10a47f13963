import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from 'redis';
import { createLogger } from '../../src/observability/logger.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis/connection.js';
import { createRedisBudgetStore } from '../../src/redis/graphBudget.js';
import type { ScopedCharge, SharedBudgetStore } from '../../src/graph/index.js';
import { redisUnavailableReason, startRedis, type RunningRedis } from '../helpers/redis.js';

/** The shared budget's window, run by a real redis-server: what it admits, when, and what it refuses. */

const skip = redisUnavailableReason() !== undefined;
let bucketSeq = 0;
const bucket = (limit: number, windowMs: number, cost = 1): ScopedCharge => ({
  key: `{test}:t:bucket-${(bucketSeq += 1)}`,
  cost,
  limit,
  windowMs,
});

describe.skipIf(skip)("the shared budget's Redis script", () => {
  let redis: RunningRedis;
  let connection: RedisConnection;
  let store: SharedBudgetStore;
  let inspector: ReturnType<typeof createClient>;

  beforeAll(async () => {
    redis = await startRedis();
    connection = createRedisConnection({ url: redis.url, commandTimeoutMs: 2000 }, createLogger('silent'), undefined);
    store = createRedisBudgetStore(connection);
    inspector = createClient({ url: redis.url, RESP: 2 });
    await inspector.connect();
    await vi.waitFor(() => expect(connection.up).toBe(true), { timeout: 10_000 });
  });
  afterAll(async () => {
    await inspector?.close();
    await connection?.close();
    await redis?.stop();
  });

  /** Every admission the script logged (member and Redis time), collected before the window prunes it. */
  async function logged(charge: ScopedCharge, into: Map<string, number>): Promise<void> {
    const entries = await inspector.zRangeWithScores(`comms:budget:${charge.key}`, 0, -1);
    for (const { value, score } of entries) into.set(value, score);
  }

  it('never lets any window hold more than the limit, across window edges, while admitting up to it', async () => {
    const charge = bucket(5, 400);
    const admitted = new Map<string, number>();
    const started = Date.now();
    // Three takers at once, each taking again as soon as it is answered: far more demand than the limit.
    await Promise.all(
      [0, 1, 2].map(async () => {
        while (Date.now() - started < 2_000) {
          if ((await store.take([charge])) === 0) await logged(charge, admitted);
          await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 15)));
        }
      }),
    );
    const stamps = [...admitted.values()].sort((a, b) => a - b);
    // Any window [t, t + 400) that holds the most stamps starts at one of them.
    for (const [i, start] of stamps.entries()) {
      const inWindow = stamps.slice(i).filter((s) => s < start + charge.windowMs).length;
      expect(inWindow, `window from ${start}`).toBeLessThanOrEqual(charge.limit);
    }
    // Not a script that refuses everything: over about five windows it admitted more than two windows' worth.
    expect(stamps.length).toBeGreaterThan(2 * charge.limit);
  });

  it('answers how long until the oldest admission leaves the window, and admits once that time has passed', async () => {
    const charge = bucket(2, 1_000);
    expect(await store.take([charge])).toBe(0);
    expect(await store.take([charge])).toBe(0);
    const wait = await store.take([charge]);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1_000);
    await new Promise((resolve) => setTimeout(resolve, wait));
    await vi.waitFor(async () => expect(await store.take([charge])).toBe(0), { timeout: 2_000, interval: 5 });
  });

  it('takes a request from all its buckets or from none: a refusal in one bucket counts in no other', async () => {
    const wide = bucket(10, 10_000);
    const narrow = bucket(1, 10_000);
    expect(await store.take([narrow, wide])).toBe(0);
    expect(await store.take([narrow, wide])).toBeGreaterThan(0);
    expect(await inspector.zCard(`comms:budget:${wide.key}`)).toBe(1);
  });

  it('takes a cost of several requests (a $batch) at once, and refuses a cost no window can hold', async () => {
    const charge = bucket(20, 10_000);
    expect(await store.take([{ ...charge, cost: 15 }])).toBe(0);
    expect(await store.take([{ ...charge, cost: 6 }])).toBeGreaterThan(0);
    expect(await store.take([{ ...charge, cost: 5 }])).toBe(0);
    expect(await store.take([{ ...bucket(3, 1_000), cost: 4 }])).toBe(Infinity);
  });

  it('refuses every replica while a bucket is paused, and keeps the longer of two pauses', async () => {
    const charge = bucket(100, 10_000);
    const other = createRedisBudgetStore(connection);
    await store.pause([charge.key], 1_500);
    await other.pause([charge.key], 100);
    const wait = await other.take([charge]);
    expect(wait).toBeGreaterThan(1_000);
    expect(await inspector.zCard(`comms:budget:${charge.key}`)).toBe(0);
    expect(await inspector.pTTL(`comms:budget:${charge.key}`)).toBe(-2);
  });

  it('expires its keys with the window, so buckets of records read once do not pile up', async () => {
    const charge = bucket(5, 300);
    expect(await store.take([charge])).toBe(0);
    const ttl = await inspector.pTTL(`comms:budget:${charge.key}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
  });
});
