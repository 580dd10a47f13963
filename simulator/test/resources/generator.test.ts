import { describe, expect, it } from 'vitest';
import { generateCalls } from '../../src/resources/data/calls.js';
import { LARGE_MEETING_OFFSET, LARGE_MEETING_PERIOD, generateCallRecords } from '../../src/resources/data/generator.js';
import { Random } from '../../src/resources/data/random.js';
import { createGraphResources } from '../../src/resources/index.js';

type Rec = Record<string, unknown>;
const NOW = new Date('2026-11-20T12:00:00Z');
const DAY = 86_400_000;

function serialise(seed: number, count: number): string {
  return JSON.stringify(
    generateCallRecords({ seed, count, now: NOW }).map((r) => ({
      record: r.record,
      participants: r.participants(),
      sessions: r.sessions(),
    })),
  );
}

describe('the seeded generator', () => {
  it('gives byte-identical data for the same seed and clock, and different data for another seed', () => {
    const a = serialise(5, 200);
    expect(serialise(5, 200)).toBe(a);
    expect(serialise(6, 200)).not.toBe(a);
    expect(JSON.stringify(generateCalls(5).map((c) => c.resource))).toBe(JSON.stringify(generateCalls(5).map((c) => c.resource)));
  });

  it('builds sessions lazily but identically, whatever order they are read in', () => {
    const forward = generateCallRecords({ seed: 9, count: 30, now: NOW }).map((r) => r.sessions());
    const backward = generateCallRecords({ seed: 9, count: 30, now: NOW })
      .reverse()
      .map((r) => r.sessions())
      .reverse();
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
  });

  it('builds 3,000 records well under a second', () => {
    const started = performance.now();
    const records = generateCallRecords({ seed: 1, count: 3000, now: NOW });
    expect(records).toHaveLength(3000);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('spreads records over the 30 days before now, each ending before now', () => {
    const records = generateCallRecords({ seed: 2, count: 1000, now: NOW });
    for (const r of records) {
      expect(r.startMs).toBeGreaterThan(NOW.getTime() - 30 * DAY);
      expect(r.endMs).toBeLessThan(NOW.getTime());
      expect(r.endMs).toBeGreaterThan(r.startMs);
    }
    const days = new Set(records.map((r) => Math.floor((NOW.getTime() - r.startMs) / DAY)));
    expect(days.size).toBe(30);
  });

  it('mixes peer-to-peer and group calls of users, guests, phone numbers and bots', () => {
    const records = generateCallRecords({ seed: 2, count: 600, now: NOW });
    const types = new Set(records.map((r) => r.record['type']));
    expect(types).toEqual(new Set(['peerToPeer', 'groupCall']));
    const slots = new Set<string>();
    for (const r of records) {
      for (const p of r.participants()) {
        for (const [slot, v] of Object.entries(p['identity'] as Rec)) if (v && slot !== '@odata.type') slots.add(slot);
      }
    }
    expect(slots).toEqual(new Set(['user', 'guest', 'phone', 'application']));
    const phones = records.flatMap((r) => r.participants()).filter((p) => (p['identity'] as Rec)['phone']);
    for (const p of phones) expect(p['id']).toMatch(/^\+[1-9]\d{6,14}$/);
    const users = records
      .flatMap((r) => r.participants())
      .map((p) => (p['identity'] as Rec)['user'] as Rec | null)
      .filter(Boolean);
    expect(users[0]).toMatchObject({ userPrincipalName: expect.stringMatching(/@contoso\.com$/), tenantId: expect.any(String) });
    const groups = records.filter((r) => r.record['type'] === 'groupCall');
    for (const g of groups) expect(g.record['joinWebUrl']).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
  });

  it('makes sessions with endpoints, segments and plausible media streams, failing occasionally', () => {
    const records = generateCallRecords({ seed: 4, count: 300, now: NOW });
    const sessions = records.flatMap((r) => r.sessions());
    const streams = sessions.flatMap((s) =>
      (s['segments'] as Rec[]).flatMap((g) => (g['media'] as Rec[]).flatMap((m) => m['streams'] as Rec[])),
    );
    for (const st of streams.slice(0, 500)) {
      expect(st['averagePacketLossRate']).toBeGreaterThanOrEqual(0);
      expect(st['averagePacketLossRate']).toBeLessThan(0.2);
      expect(st['averageJitter']).toMatch(/^PT0\.\d+S$|^PT0S$/);
      expect(['callerToCallee', 'calleeToCaller']).toContain(st['streamDirection']);
    }
    const failed = sessions.filter((s) => s['failureInfo'] !== null);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(sessions.length * 0.1);
    const caller = sessions[0]?.['caller'] as Rec;
    expect(caller['@odata.type']).toBe('#microsoft.graph.callRecords.participantEndpoint');
    expect(caller['userAgent']).toMatchObject({
      '@odata.type': '#microsoft.graph.callRecords.clientUserAgent',
      platform: expect.any(String),
      productFamily: expect.any(String),
    });
    const service = sessions
      .map((s) => s['callee'] as Rec)
      .find((c) => c['@odata.type'] === '#microsoft.graph.callRecords.serviceEndpoint');
    expect((service?.['userAgent'] as Rec)['role']).toEqual(expect.any(String));
  });

  it('makes every 150th record (from the 8th) a meeting with more than 60 sessions, alternately more than 130 participants', () => {
    const records = generateCallRecords({ seed: 8, count: 320, now: NOW });
    const first = records[LARGE_MEETING_OFFSET];
    const second = records[LARGE_MEETING_OFFSET + LARGE_MEETING_PERIOD];
    expect(first?.sessions().length).toBeGreaterThan(130);
    expect(first?.participants().length).toBeGreaterThan(130);
    expect(second?.sessions().length).toBeGreaterThan(60);
    expect(second?.participants().length).toBeLessThanOrEqual(130);
  });

  it('draws the same PRNG sequence for the same seed and stays in range', () => {
    const a = new Random(1, 2);
    const b = new Random(1, 2);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    expect(new Random(1, 2).guid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('validates its options all at once', () => {
    expect(() => createGraphResources({ seed: 1.5, callRecordCount: -1, now: () => NOW, callEstablishDelayMs: -3 })).toThrow(
      /seed must be an integer, got 1.5; callRecordCount must be .* got -1; callEstablishDelayMs must be a number >= 0, got -3/,
    );
  });
});
