/**
 * `npm run bench`: the gateway against the simulator (20 ms added upstream latency, throttling raised),
 * side by side with a naive REST resolver set and an in-memory Apollo Server, in one run. Prints a table
 * and writes bench/RESULTS.md. Every child process it starts is stopped before it exits.
 *
 * Options: --duration S (measured seconds per run, default 10), --warmup S (default 2), --only s1,s3,cache
 * (scenarios; `replicas`: bench/replicas.ts), --profile (each gateway's and in-memory server's measured run is profiled into bench/.profiles/;
 * `npx tsx bench/profile.ts` summarizes them; with BENCH_PROFILE=heap allocations are sampled instead of CPU), --no-write.
 * BENCH_NODE_FLAGS (environment) adds node flags to every server under test, e.g. `--max-semi-space-size=32`.
 *
 * Processes: this one drives load (autocannon, the open-loop generator, the replay client); the simulator
 * runs in its own child, and each server under test in another, one at a time, so RSS and CPU profiles
 * are the server's own. On a 2-core machine the three share the cores. The children run tsc's output
 * (tsconfig.bench.json, compiled at the start) on plain node, like `npm start`.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { toCreateCallBody } from '../src/calls/createCallRequest.js';
import type { CreateCallInput } from '../src/generated/graphql.js';
import type { GraphCall, GraphCallRecord } from '../src/graph/types.js';
import type { SimulatorStats } from '@comms-graphql/simulator';
import { loadMemoryData } from './baselines/memory.js';
import { benchReplicas } from './replicas.js';
import { createRestClient, type RestClient } from './baselines/rest.js';
import { startSimulatorProcess, startTarget, type Memory, type Target } from './lib/children.js';
import { compileBench } from './lib/compile.js';
import { closedLoop, type ClosedLoopResult } from './lib/closedLoop.js';
import { graphqlClient, openLoop, type OpenLoopResult } from './lib/openLoop.js';
import { breakdownOf, createReplayer, stagesOf, type Stage } from './lib/replay.js';
import { renderReport, writeResults, type AddedLatencyRow, type EqualLoad, type Report, type Row, type TargetRow } from './report.js';
import { summarize } from './lib/stats.js';
import {
  body,
  CALL_PROJECTION,
  CREATE_CALL_INPUT,
  CREATE_CALL_MUTATION,
  manyCallsQuery,
  ONE_CALL_QUERY,
  PAGE_60_PROJECTION,
  PAGE_60_QUERY,
  PAGE_PROJECTION,
  PAGE_QUERY,
  PAGE_SIZE,
  PEER_PAGE_PROJECTION,
  PEER_PAGE_QUERY,
  RECORDS_BY_IDS_QUERY,
  selectedBytes,
  topLevel,
} from './scenarios.js';
import type { SimulatorReady } from './servers/simulator.js';
import type { TargetKind } from './servers/target.js';

const { values: argv } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const DURATION_S = Number(argv.duration);
const WARMUP_S = Number(argv.warmup);
const ONLY = argv.only ? new Set(argv.only.split(',')) : undefined;
const LATENCY_MS = 20;
const RECORDS = 10_200;
const CALLS = 200;
const PAGED_RECORDS = 10_000;
/** Operations sent one at a time to count Graph requests and bytes per operation exactly. */
const PROBE_OPS = 5;

/**
 * The in-memory server that also sends the gateway's Graph requests for each operation, bare (bench/baselines/bareGraph.ts):
 * run where every operation makes the same Graph requests alone as under load (S6, C1 warm; not where coalescing
 * merges operations' requests, S2 and S3).
 */
const BARE_GRAPH = 'in-memory + bare Graph requests';

/** Gateway settings that turn the call-record cache off (no in-process entries, no Redis in the bench). */
const NO_CALL_RECORD_CACHE = { CALL_RECORD_CACHE_MAX_ENTRIES: '0' } as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (...parts: unknown[]): void => console.log(`[bench ${((performance.now() - T0) / 1000).toFixed(0).padStart(4)}s]`, ...parts);
const T0 = performance.now();

interface Ctx {
  sim: SimulatorReady;
  simStats(): Promise<SimulatorStats>;
  simMemory(): Promise<Memory>;
  token: string;
  /** A simulator caller app's token for the gateway's own API (scenario 6 runs with AUTH_MODE=jwt). */
  callerToken: string;
  callIds: string[];
  rest: RestClient;
}

function totals(stats: SimulatorStats): { requests: number; items: number; failed: number } {
  let requests = 0;
  let items = 0;
  let failed = 0;
  for (const byStatus of Object.values(stats.graph)) {
    for (const [status, n] of Object.entries(byStatus)) {
      requests += n;
      if (!status.startsWith('2')) failed += n;
    }
  }
  for (const byStatus of Object.values(stats.batchItems)) for (const n of Object.values(byStatus)) items += n;
  return { requests, items, failed };
}

/**
 * Waits until the simulator has seen no request for 1.5 s: operations cut off by a run's end finish first.
 * (It counts a request when it answers, and a busy simulator can stall for a few hundred milliseconds.)
 */
async function quiesce(ctx: Ctx): Promise<void> {
  let last = -1;
  let quiet = 0;
  for (let i = 0; i < 120 && quiet < 3; i++) {
    const now = totals(await ctx.simStats()).requests;
    if (process.env.BENCH_DEBUG) log(`quiesce: ${now} requests`);
    quiet = now === last ? quiet + 1 : 0;
    last = now;
    if (quiet < 3) await sleep(500);
  }
}

/** Graph traffic of `run`: simulator-side request counts, client-side response bytes, CPU time of both processes. */
async function traffic<T>(
  ctx: Ctx,
  target: Target,
  run: () => Promise<T>,
): Promise<{
  result: T;
  requests: number;
  items: number;
  upstreamFailed: number;
  bytes: number;
  serverCpuMs: number;
  simulatorCpuMs: number;
}> {
  await quiesce(ctx);
  await target.resetCounters();
  const before = totals(await ctx.simStats());
  const [serverBefore, simBefore] = [await target.memory(), await ctx.simMemory()];
  const result = await run();
  await quiesce(ctx);
  const [serverAfter, simAfter] = [await target.memory(), await ctx.simMemory()];
  const after = totals(await ctx.simStats());
  const counters = await target.counters();
  return {
    result,
    requests: after.requests - before.requests,
    items: after.items - before.items,
    upstreamFailed: after.failed - before.failed,
    bytes: counters.bytes,
    serverCpuMs: (serverAfter.cpuUs - serverBefore.cpuUs) / 1000,
    simulatorCpuMs: (simAfter.cpuUs - simBefore.cpuUs) / 1000,
  };
}

interface ClosedRun {
  row: Row;
  stages?: Stage[];
  split?: ReturnType<typeof breakdownOf>;
}

/** Warm-up, then a measured closed-loop run against one server; the gateway also records one operation. */
async function measureClosed(
  ctx: Ctx,
  scenario: string,
  label: string,
  kind: TargetKind,
  opts: {
    connections: number;
    body(n: number): string;
    coalesce?: 'on' | 'off' | 'window2';
    /** `jwt`: the gateway requires a caller token and every operation sends `ctx.callerToken`. */
    auth?: 'jwt';
    executor?: 'jit' | 'graphql-js';
    selectedPerOp?: number;
    floorPerOp?: number;
    fixed?: { rate: number; into: OpenLoopResult[] };
    /** After the closed loop: CPU per operation under open-loop load at another row's throughput (EqualLoad). */
    atRateOf?: Row;
    gatewayEnv?: Readonly<Record<string, string>>;
    /** `bare-graph`: the gateway's Graph requests for one operation, sent bare for each. */
    bareGraphStages?: Stage[];
  },
): Promise<ClosedRun> {
  const target = await startTarget(ctx.sim, kind, {
    token: ctx.token,
    callIds: ctx.callIds,
    ...(opts.gatewayEnv ? { gatewayEnv: opts.gatewayEnv } : {}),
    ...(opts.coalesce ? { coalesce: opts.coalesce } : {}),
    ...(opts.auth ? { auth: opts.auth } : {}),
    ...(opts.executor ? { executor: opts.executor } : {}),
    ...(opts.bareGraphStages ? { bareGraphStages: opts.bareGraphStages } : {}),
    ...(argv.profile && kind !== 'naive' ? { profileName: `${scenario.split(' ')[0] ?? scenario}-${label.replace(/\W+/g, '-')}` } : {}),
  });
  // The baselines have no caller auth and ignore the header; sending it to every server keeps the load identical.
  const headers: Record<string, string> = opts.auth ? { authorization: `Bearer ${ctx.callerToken}` } : {};
  try {
    log(`${scenario} ${label}: warm-up ${WARMUP_S}s`);
    await closedLoop({ url: target.url, connections: opts.connections, durationS: WARMUP_S, body: opts.body, headers });
    // One operation at a time, alone: exact Graph requests and bytes per operation.
    const probe = await traffic(ctx, target, async () => {
      const client = graphqlClient(target.url, headers);
      const recorded = kind === 'gateway' ? await target.record(() => client.post(opts.body(0))) : (await client.post(opts.body(0)), []);
      for (let i = 1; i < PROBE_OPS; i++) await client.post(opts.body(i));
      await client.close();
      return recorded;
    });
    const stages = kind === 'gateway' ? stagesOf(probe.result) : undefined;
    log(`${scenario} ${label}: ${opts.connections} connections, ${DURATION_S}s`);
    const t = await traffic(ctx, target, () =>
      target.profile(() => closedLoop({ url: target.url, connections: opts.connections, durationS: DURATION_S, body: opts.body, headers })),
    );
    const r: ClosedLoopResult = t.result;
    if (opts.fixed) {
      log(`${scenario} ${label}: open loop at ${opts.fixed.rate} ops/s, ${DURATION_S}s`);
      const client = graphqlClient(target.url, headers);
      opts.fixed.into.push(await openLoop(opts.fixed.rate, DURATION_S, (n) => client.post(opts.body(n)).then(() => undefined)));
      await client.close();
    }
    let atRate: EqualLoad | undefined;
    if (opts.atRateOf) {
      const rate = Math.max(1, Math.round(opts.atRateOf.throughput));
      log(`${scenario} ${label}: open loop at ${opts.atRateOf.server}'s ${rate} ops/s, ${DURATION_S}s, CPU per operation`);
      const client = graphqlClient(target.url, headers);
      const open = await traffic(ctx, target, () => openLoop(rate, DURATION_S, (n) => client.post(opts.body(n)).then(() => undefined)));
      await client.close();
      atRate = {
        against: opts.atRateOf.server,
        rate,
        achievedRate: open.result.achievedRate,
        serverCpuMsPerOp: open.serverCpuMs / Math.max(1, open.result.ok + open.result.failed),
        failed: open.result.failed,
      };
    }
    const memory = await target.memory();
    const ops = Math.max(1, r.sent);
    const row: Row = {
      scenario,
      server: label,
      connections: opts.connections,
      throughput: r.throughput,
      p50: r.latency.p50,
      p99: r.latency.p99,
      graphRequestsPerOp: probe.requests / PROBE_OPS,
      batchItemsPerOp: probe.items / PROBE_OPS,
      bytesPerOp: probe.bytes / PROBE_OPS,
      loadRequestsPerOp: t.requests / ops,
      loadBytesPerOp: t.bytes / ops,
      serverCpuMsPerOp: t.serverCpuMs / ops,
      simulatorCpuMsPerOp: t.simulatorCpuMs / ops,
      ...(opts.selectedPerOp !== undefined ? { selectedBytesPerOp: opts.selectedPerOp } : {}),
      ...(opts.floorPerOp !== undefined ? { floorBytesPerOp: opts.floorPerOp } : {}),
      peakRss: memory.maxRss,
      failed: r.failed + t.upstreamFailed,
      ...(r.firstError !== undefined ? { firstError: r.firstError } : {}),
      ...(atRate ? { atRate } : {}),
    };
    log(
      `${scenario} ${label}: ${row.throughput.toFixed(1)} ops/s, p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, ${row.graphRequestsPerOp.toFixed(2)} Graph req/op${r.failed ? `, ${r.failed} failed: ${r.firstError ?? ''}` : ''}`,
    );
    return { row, ...(stages ? { stages, split: breakdownOf(probe.result) } : {}) };
  } finally {
    await target.stop();
  }
}

/** The simulator alone at the same fixed rate, replaying the gateway's Graph requests for one operation. */
async function replayAtRate(ctx: Ctx, stages: Stage[], rate: number): Promise<OpenLoopResult> {
  const replayer = createReplayer({ origin: ctx.sim.origin, caCertificate: ctx.sim.caCertificate, token: ctx.token });
  try {
    await openLoop(rate, Math.min(2, WARMUP_S), () => replayer.run(stages).then(() => undefined));
    return await openLoop(rate, DURATION_S, () => replayer.run(stages).then(() => undefined));
  } finally {
    await replayer.close();
  }
}

function addedRow(
  scenario: string,
  rate: number,
  gateway: OpenLoopResult | undefined,
  alone: OpenLoopResult,
  run: ClosedRun,
  label = 'gateway',
): AddedLatencyRow {
  const stages = run.stages ?? [];
  return {
    scenario,
    server: label,
    rate,
    stages: stages.map((s) => s.length).join('+'),
    ...(run.split ? { split: `${run.split.beforeMs.toFixed(1)} / ${run.split.graphMs.toFixed(1)} / ${run.split.afterMs.toFixed(1)}` } : {}),
    gatewayP50: gateway?.latency.p50 ?? Number.NaN,
    gatewayP99: gateway?.latency.p99 ?? Number.NaN,
    aloneP50: alone.latency.p50,
    aloneP99: alone.latency.p99,
    achievedRate: gateway?.achievedRate ?? Number.NaN,
    failed: (gateway?.failed ?? 0) + alone.failed,
  };
}

async function createCalls(rest: RestClient, count: number): Promise<string[]> {
  const graphBody = toCreateCallBody(CREATE_CALL_INPUT as unknown as CreateCallInput);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 20) {
    const created = await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, () => rest.post<GraphCall>('/communications/calls', graphBody)),
    );
    ids.push(...created.map((c) => String(c.id)));
  }
  return ids;
}

async function listRecords(rest: RestClient, count: number): Promise<GraphCallRecord[]> {
  const out: GraphCallRecord[] = [];
  let page = await rest.get<{ value?: GraphCallRecord[]; '@odata.nextLink'?: string }>('/communications/callRecords');
  for (;;) {
    out.push(...(page.value ?? []));
    const next = page['@odata.nextLink'];
    if (out.length >= count || typeof next !== 'string') return out.slice(0, count);
    page = await rest.getAbsolute(next);
  }
}

async function main(): Promise<void> {
  const report: Report = {
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    date: new Date().toISOString(),
    node: process.version,
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemory: totalmem(),
    loadAtStart: loadavg(),
    loadAtEnd: [],
    durationS: DURATION_S,
    warmupS: WARMUP_S,
    latencyMs: LATENCY_MS,
    records: RECORDS,
    rows: [],
    added: [],
    paging: undefined,
    targets: [],
    wallS: 0,
  };
  const want = (s: string): boolean => !ONLY || ONLY.has(s);
  // Three replicas and Graph's real list limit: its own simulator, Redis and gateway processes (bench/replicas.ts).
  if (want('replicas')) await benchReplicas({ seconds: Math.max(45, DURATION_S), write: !argv['no-write'], log });
  if (ONLY?.size === 1 && ONLY.has('replicas')) return;

  log('compiling the servers under test (tsconfig.bench.json): they run on plain node, as `npm start` runs the gateway');
  compileBench();
  log(`starting the simulator: ${LATENCY_MS} ms fixed latency, ${RECORDS} call records, throttling limits raised to 10,000,000 per second`);
  const simChild = await startSimulatorProcess({ BENCH_LATENCY_MS: String(LATENCY_MS), BENCH_RECORDS: String(RECORDS) });
  const sim = simChild.ready;
  try {
    const token = await simChild.call<string>('mintToken');
    const callerToken = await simChild.call<string>('mintCallerToken');
    const rest = createRestClient({ graphBaseUrl: sim.graphBaseUrl, caCertificate: sim.caCertificate, token });
    log(`creating ${CALLS} calls and reading reference data`);
    const callIds = await createCalls(rest, CALLS);
    const reference = await loadMemoryData(rest, 60, callIds);
    const ctx: Ctx = {
      sim,
      simStats: () => simChild.call('stats'),
      simMemory: () => simChild.call('rss'),
      token,
      callerToken,
      callIds,
      rest,
    };
    const calls = callIds.map((id) => reference.calls.get(id));

    // 1. A page of 60 with participants, sessions and segments.
    if (want('s1')) {
      const s = 'S1 page of 60';
      const fixed: OpenLoopResult[] = [];
      const selected = selectedBytes(reference.records, PAGE_60_PROJECTION);
      const floor = selectedBytes(reference.records, topLevel(PAGE_60_PROJECTION));
      const gw = await measureClosed(ctx, s, 'gateway', 'gateway', {
        connections: 8,
        body: () => body(PAGE_60_QUERY),
        selectedPerOp: selected,
        floorPerOp: floor,
        fixed: { rate: 5, into: fixed },
        // What a page costs with nothing cached, as before the call-record cache (scenario C1 measures the cache).
        gatewayEnv: NO_CALL_RECORD_CACHE,
      });
      report.rows.push(gw.row);
      report.added.push(addedRow(s, 5, fixed[0], await replayAtRate(ctx, gw.stages ?? [], 5), gw));
      report.rows.push(
        (await measureClosed(ctx, s, 'naive', 'naive', { connections: 8, body: () => body(PAGE_60_QUERY), selectedPerOp: selected })).row,
      );
      report.rows.push((await measureClosed(ctx, s, 'in-memory', 'memory', { connections: 8, body: () => body(PAGE_60_QUERY) })).row);
    }

    // C1. The same page through the call-record cache: warm (every record's version cached) and cold (an LRU of one
    // entry, so every page misses and pays for storing what it fetched). One gateway, no Redis.
    if (want('cache')) {
      const s = 'C1 page of 60, call-record cache';
      const selected = selectedBytes(reference.records, PAGE_60_PROJECTION);
      const cold = await measureClosed(ctx, s, 'gateway, cache cold', 'gateway', {
        connections: 8,
        body: () => body(PAGE_60_QUERY),
        selectedPerOp: selected,
        gatewayEnv: { CALL_RECORD_CACHE_MAX_ENTRIES: '1' },
      });
      const warm = await measureClosed(ctx, s, 'gateway, cache warm', 'gateway', {
        connections: 8,
        body: () => body(PAGE_60_QUERY),
        selectedPerOp: selected,
      });
      report.rows.push(cold.row, warm.row);
      // The in-memory server on the same page beside them, also at the warm gateway's rate (the C1 targets' baseline).
      report.rows.push(
        (await measureClosed(ctx, s, 'in-memory', 'memory', { connections: 8, body: () => body(PAGE_60_QUERY), atRateOf: warm.row })).row,
        (
          await measureClosed(ctx, s, BARE_GRAPH, 'bare-graph', {
            connections: 8,
            body: () => body(PAGE_60_QUERY),
            bareGraphStages: warm.stages ?? [],
          })
        ).row,
      );
      report.targets.push({
        target: 'C1: a warm page of 60 with sessions and segments costs exactly 1 Graph request',
        measured: `${warm.row.graphRequestsPerOp.toFixed(2)} Graph requests/op warm (${warm.row.batchItemsPerOp.toFixed(1)} $batch items), ${cold.row.graphRequestsPerOp.toFixed(2)} cold (${cold.row.batchItemsPerOp.toFixed(1)} items); server CPU ${warm.row.serverCpuMsPerOp.toFixed(1)} ms/op warm, ${cold.row.serverCpuMsPerOp.toFixed(1)} cold`,
        met: warm.row.graphRequestsPerOp === 1 && warm.row.batchItemsPerOp === 0,
      });
    }

    // 6. Peer-shaped: the page of 60 with three fields, caller auth on (the operation measured against Mesh).
    if (want('s6')) {
      const s = 'S6 page of 60, 3 fields, caller JWT';
      const peer = body(PEER_PAGE_QUERY);
      const selected = selectedBytes(reference.records, PEER_PAGE_PROJECTION);
      const gw = await measureClosed(ctx, s, 'gateway', 'gateway', {
        connections: 8,
        body: () => peer,
        auth: 'jwt',
        selectedPerOp: selected,
        floorPerOp: selected,
      });
      report.rows.push(gw.row);
      // The same gateway with graphql-js executing (GRAPHQL_EXECUTOR=graphql-js): what the compiled executor saves.
      report.rows.push(
        (
          await measureClosed(ctx, s, 'gateway, graphql-js', 'gateway', {
            connections: 8,
            body: () => peer,
            auth: 'jwt',
            executor: 'graphql-js',
            selectedPerOp: selected,
            floorPerOp: selected,
          })
        ).row,
      );
      report.rows.push(
        (await measureClosed(ctx, s, 'in-memory', 'memory', { connections: 8, body: () => peer, auth: 'jwt', atRateOf: gw.row })).row,
        (
          await measureClosed(ctx, s, BARE_GRAPH, 'bare-graph', {
            connections: 8,
            body: () => peer,
            auth: 'jwt',
            bareGraphStages: gw.stages ?? [],
          })
        ).row,
      );
    }

    // 7. 100 call records by id in one operation (callRecordsByIds) under the gateway's default operation limits
    // (the bench raises them for S2's aliases), the call-record cache off so that every operation reads Graph.
    if (want('s7')) {
      const s = 'S7 100 records by id';
      type ListPage = { value?: GraphCallRecord[]; '@odata.nextLink'?: string };
      const first = await ctx.rest.get<ListPage>('/communications/callRecords?$select=id');
      const more = first['@odata.nextLink'] ? await ctx.rest.getAbsolute<ListPage>(first['@odata.nextLink']) : { value: [] };
      const ids = [...(first.value ?? []), ...(more.value ?? [])].slice(0, 100).map((r) => String(r.id));
      const query = body(RECORDS_BY_IDS_QUERY, { ids });
      const gw = await measureClosed(ctx, s, 'gateway, default limits, cache off', 'gateway', {
        connections: 8,
        body: () => query,
        gatewayEnv: { LIMIT_MAX_ALIASES: '50', LIMIT_MAX_TOKENS: '2000', LIMIT_MAX_COST: '10000', CALL_RECORD_CACHE_MAX_ENTRIES: '0' },
      });
      report.rows.push(gw.row);
      report.targets.push({
        target: `S7: ${ids.length} call records by id (callRecordsByIds) under default limits: one operation, 5 Graph requests`,
        measured: `${gw.row.graphRequestsPerOp.toFixed(2)} Graph requests/op (${gw.row.batchItemsPerOp.toFixed(0)} batch items), ${gw.row.failed} failed operations, ${gw.row.throughput.toFixed(1)} ops/s, server CPU ${gw.row.serverCpuMsPerOp.toFixed(2)} ms/op`,
        met: ids.length === 100 && gw.row.graphRequestsPerOp === 5 && gw.row.failed === 0,
      });
    }

    // 2. One operation naming 100 distinct calls.
    if (want('s2')) {
      const s = 'S2 100 calls';
      const query = body(manyCallsQuery(callIds.slice(0, 100)));
      const selected = selectedBytes(calls.slice(0, 100), CALL_PROJECTION);
      const floor = selectedBytes(calls.slice(0, 100), topLevel(CALL_PROJECTION));
      const fixed: OpenLoopResult[] = [];
      const gw = await measureClosed(ctx, s, 'gateway', 'gateway', {
        connections: 8,
        body: () => query,
        selectedPerOp: selected,
        floorPerOp: floor,
        fixed: { rate: 10, into: fixed },
      });
      report.rows.push(gw.row);
      report.added.push(addedRow(s, 10, fixed[0], await replayAtRate(ctx, gw.stages ?? [], 10), gw));
      report.rows.push((await measureClosed(ctx, s, 'naive', 'naive', { connections: 8, body: () => query, selectedPerOp: selected })).row);
      report.rows.push((await measureClosed(ctx, s, 'in-memory', 'memory', { connections: 8, body: () => query, atRateOf: gw.row })).row);
    }

    // 3. 200 concurrent clients, each asking for one call (consecutive operations name distinct calls).
    if (want('s3')) {
      const s = 'S3 200 clients x 1 call';
      const oneCall = (n: number): string => body(ONE_CALL_QUERY, { id: callIds[n % callIds.length] });
      const selected = calls.reduce((sum, c) => sum + selectedBytes(c, CALL_PROJECTION), 0) / calls.length;
      const floor = calls.reduce((sum, c) => sum + selectedBytes(c, topLevel(CALL_PROJECTION)), 0) / calls.length;
      const fixed: OpenLoopResult[] = [];
      const on = await measureClosed(ctx, s, 'gateway', 'gateway', {
        connections: 200,
        body: oneCall,
        selectedPerOp: selected,
        floorPerOp: floor,
        fixed: { rate: 200, into: fixed },
      });
      report.rows.push(on.row);
      const alone = await replayAtRate(ctx, on.stages ?? [], 200);
      report.added.push(addedRow(s, 200, fixed[0], alone, on));
      const off = await measureClosed(ctx, s, 'gateway, coalescing off', 'gateway', {
        connections: 200,
        body: oneCall,
        selectedPerOp: selected,
        floorPerOp: floor,
        coalesce: 'off',
        fixed: { rate: 200, into: fixed },
      });
      report.rows.push(off.row);
      report.added.push(addedRow(s, 200, fixed[1], alone, off, 'gateway, coalescing off'));
      const window2 = await measureClosed(ctx, s, 'gateway, 2 ms window', 'gateway', {
        connections: 200,
        body: oneCall,
        selectedPerOp: selected,
        floorPerOp: floor,
        coalesce: 'window2',
        fixed: { rate: 200, into: fixed },
      });
      report.rows.push(window2.row);
      report.added.push(addedRow(s, 200, fixed[2], alone, window2, 'gateway, 2 ms window'));
      report.rows.push((await measureClosed(ctx, s, 'naive', 'naive', { connections: 200, body: oneCall, selectedPerOp: selected })).row);
      report.rows.push((await measureClosed(ctx, s, 'in-memory', 'memory', { connections: 200, body: oneCall, atRateOf: on.row })).row);
      report.targets.push({
        target: 'S3: coalescing cuts Graph requests >= 5x below 1 per operation',
        measured: `${on.row.loadRequestsPerOp.toFixed(3)} Graph requests/op under load with coalescing (${(1 / on.row.loadRequestsPerOp).toFixed(1)}x below 1), ${off.row.loadRequestsPerOp.toFixed(3)} without`,
        met: on.row.loadRequestsPerOp <= 0.2,
      });
      report.targets.push({
        target: 'S3: p99 with coalescing no worse than without',
        measured: `p99 ${on.row.p99.toFixed(1)} ms with, ${off.row.p99.toFixed(1)} ms without (p50 ${on.row.p50.toFixed(1)} vs ${off.row.p50.toFixed(1)} ms; ${on.row.throughput.toFixed(0)} vs ${off.row.throughput.toFixed(0)} ops/s)`,
        met: on.row.p99 <= off.row.p99,
      });
    }

    // 4. Paging through 10,000 records with `after`, one client.
    if (want('s4')) {
      const s = 'S4 paging 10,000';
      log(`${s}: reading the reference records`);
      const records = await listRecords(rest, PAGED_RECORDS);
      const selectedPerOp = selectedBytes(records, PAGE_PROJECTION) / (PAGED_RECORDS / PAGE_SIZE);
      const target = await startTarget(sim, 'gateway', { token, callIds, ...(argv.profile ? { profileName: 'S4-paging' } : {}) });
      const client = graphqlClient(target.url);
      try {
        const page = async (after: string | null): Promise<{ endCursor: string | null; hasNextPage: boolean; count: number }> => {
          const answer = (await client.post(body(PAGE_QUERY, { after }))) as {
            data: { callRecords: { nodes: unknown[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } };
          };
          const { nodes, pageInfo } = answer.data.callRecords;
          return { ...pageInfo, count: nodes.length };
        };
        log(`${s}: warm-up, 1,000 records`);
        let cursor: string | null = null;
        for (let i = 0; i < 10; i++) cursor = (await page(cursor)).endCursor;
        const second = cursor;
        const recorded = await target.record(() => page(second));
        const stages = stagesOf(recorded);
        const split = breakdownOf(recorded);
        log(`${s}: ${PAGED_RECORDS} records, ${PAGE_SIZE} a page`);
        let rssAt1000 = 0;
        let heapAt1000 = 0;
        const latencies: number[] = [];
        let seen = 0;
        const t = await traffic(ctx, target, () =>
          target.profile(async () => {
            cursor = null;
            const started = performance.now();
            while (seen < PAGED_RECORDS) {
              const t1 = performance.now();
              const p = await page(cursor);
              latencies.push(performance.now() - t1);
              seen += p.count;
              cursor = p.endCursor;
              if (seen === 1_000) ({ rss: rssAt1000, heapUsed: heapAt1000 = 0 } = await target.memory());
              if (!p.hasNextPage) break;
            }
            return (performance.now() - started) / 1000;
          }),
        );
        const end = await target.memory();
        const ops = latencies.length;
        const lat = summarize(latencies);
        report.rows.push({
          scenario: s,
          server: 'gateway',
          connections: 1,
          throughput: ops / t.result,
          p50: lat.p50,
          p99: lat.p99,
          graphRequestsPerOp: t.requests / ops,
          batchItemsPerOp: t.items / ops,
          bytesPerOp: t.bytes / ops,
          loadRequestsPerOp: t.requests / ops,
          loadBytesPerOp: t.bytes / ops,
          serverCpuMsPerOp: t.serverCpuMs / ops,
          simulatorCpuMsPerOp: t.simulatorCpuMs / ops,
          selectedBytesPerOp: selectedPerOp,
          floorBytesPerOp: selectedPerOp,
          peakRss: end.maxRss,
          failed: t.upstreamFailed,
        });
        report.paging = { records: seen, pages: ops, rssAt1000, rssAtEnd: end.rss, heapAt1000, heapAtEnd: end.heapUsed ?? 0 };
        log(`${s}: replaying one page against the simulator alone, sequentially`);
        const replayer = createReplayer({ origin: sim.origin, caCertificate: sim.caCertificate, token });
        const alone: number[] = [];
        for (let i = 0; i < ops; i++) {
          const t1 = performance.now();
          await replayer.run(stages);
          alone.push(performance.now() - t1);
        }
        await replayer.close();
        const aloneLat = summarize(alone);
        report.added.push({
          scenario: s,
          server: 'gateway',
          rate: Number.NaN,
          stages: stages.map((x) => x.length).join('+'),
          gatewayP50: lat.p50,
          gatewayP99: lat.p99,
          aloneP50: aloneLat.p50,
          aloneP99: aloneLat.p99,
          achievedRate: ops / t.result,
          failed: 0,
          ...(split ? { split: `${split.beforeMs.toFixed(1)} / ${split.graphMs.toFixed(1)} / ${split.afterMs.toFixed(1)}` } : {}),
        });
      } finally {
        await client.close();
        await target.stop();
      }
    }

    // 5. createCall.
    if (want('s5')) {
      const s = 'S5 createCall';
      const mutation = body(CREATE_CALL_MUTATION);
      const fixed: OpenLoopResult[] = [];
      const gw = await measureClosed(ctx, s, 'gateway', 'gateway', {
        connections: 16,
        body: () => mutation,
        fixed: { rate: 200, into: fixed },
      });
      report.rows.push(gw.row);
      report.added.push(addedRow(s, 200, fixed[0], await replayAtRate(ctx, gw.stages ?? [], 200), gw));
      report.rows.push((await measureClosed(ctx, s, 'naive', 'naive', { connections: 16, body: () => mutation })).row);
      report.rows.push((await measureClosed(ctx, s, 'in-memory', 'memory', { connections: 16, body: () => mutation })).row);
    }
    await rest.close();
  } finally {
    await simChild.stop();
  }

  report.loadAtEnd = loadavg();
  report.wallS = (performance.now() - T0) / 1000;
  report.targets.unshift(...deriveTargets(report));
  const { table, markdown } = renderReport(report);
  console.log(`\n${table}`);
  if (!argv['no-write']) {
    const path = writeResults(markdown);
    log(`wrote ${path}`);
  }
}

/** A difference with its sign: +1.20, -3.40. */
const signed = (n: number): string => `${n >= 0 ? '+' : ''}${n.toFixed(2)}`;

function deriveTargets(report: Report): TargetRow[] {
  const out: TargetRow[] = [];
  const row = (scenario: string, server: string): Row | undefined =>
    report.rows.find((r) => r.scenario.startsWith(scenario) && r.server === server);
  const s2 = row('S2', 'gateway');
  const s2naive = row('S2', 'naive');
  if (s2) {
    out.push({
      target: 'S2: ceil(100/20) = 5 Graph requests, against 100 naive',
      measured: `${s2.graphRequestsPerOp.toFixed(2)} Graph requests/op (${s2.batchItemsPerOp.toFixed(0)} batch items); naive ${s2naive ? s2naive.graphRequestsPerOp.toFixed(2) : 'n/a'}`,
      met: Math.round(s2.graphRequestsPerOp * 100) / 100 <= 5 && (!s2naive || Math.round(s2naive.graphRequestsPerOp) === 100),
    });
  }
  for (const r of report.rows.filter((x) => x.server === 'gateway' && x.selectedBytesPerOp !== undefined)) {
    const ratio = r.bytesPerOp / (r.selectedBytesPerOp as number);
    const floor =
      r.floorBytesPerOp !== undefined
        ? `; ${(r.bytesPerOp / r.floorBytesPerOp).toFixed(2)}x the selected top-level properties whole, the finest $select Graph offers`
        : '';
    out.push({
      target: `${r.scenario.split(' ')[0]}: $select pushdown, bytes from Graph <= 1.3x the selected fields`,
      measured: `${ratio.toFixed(2)}x (${(r.bytesPerOp / 1024).toFixed(1)} KiB from Graph vs ${((r.selectedBytesPerOp as number) / 1024).toFixed(1)} KiB selected per op${floor})`,
      met: ratio <= 1.3,
    });
  }
  for (const a of report.added.filter((x) => x.rate === 200 && x.server === 'gateway')) {
    const p50 = a.gatewayP50 - a.aloneP50;
    const p99 = a.gatewayP99 - a.aloneP99;
    // One call (S3) has the tighter target of the speed round; createCall keeps the earlier one.
    const [p50Max, p99Max] = a.scenario.startsWith('S3') ? [1, 5] : [2, 10];
    out.push({
      target: `${a.scenario.split(' ')[0]}: added latency at 200 ops/s, p50 <= ${p50Max} ms and p99 <= ${p99Max} ms`,
      measured: `p50 ${signed(p50)} ms, p99 ${signed(p99)} ms (gateway ${a.gatewayP50.toFixed(1)}/${a.gatewayP99.toFixed(1)} ms, simulator alone ${a.aloneP50.toFixed(1)}/${a.aloneP99.toFixed(1)} ms)`,
      met: p50 <= p50Max && p99 <= p99Max,
    });
  }
  const s1 = row('S1', 'gateway');
  const s1mem = row('S1', 'in-memory');
  if (s1 && s1mem) {
    out.push({
      target: 'S1: throughput >= half of the in-memory Apollo Server',
      measured: `${s1.throughput.toFixed(1)} vs ${s1mem.throughput.toFixed(1)} ops/s (${((100 * s1.throughput) / s1mem.throughput).toFixed(0)}%)`,
      met: s1.throughput >= s1mem.throughput / 2,
    });
  }
  // The CPU ratio the targets judge (both servers under the same closed loop), and beside it the ratio at equal load.
  const cpuRatio = (gateway: Row, memory: Row): string => {
    const ratio = gateway.serverCpuMsPerOp / memory.serverCpuMsPerOp;
    const equal = memory.atRate;
    const atRate = equal
      ? `; at the gateway's ${equal.rate} ops/s the in-memory server spends ${equal.serverCpuMsPerOp.toFixed(2)} ms/op: ${(gateway.serverCpuMsPerOp / equal.serverCpuMsPerOp).toFixed(2)}x`
      : '';
    const bare = report.rows.find((r) => r.scenario === gateway.scenario && r.server === BARE_GRAPH);
    const floor = bare
      ? `; the in-memory server also sending the gateway's Graph requests bare spends ${bare.serverCpuMsPerOp.toFixed(2)} ms/op (${(bare.serverCpuMsPerOp / memory.serverCpuMsPerOp).toFixed(2)}x the in-memory server), the gateway ${(gateway.serverCpuMsPerOp / bare.serverCpuMsPerOp).toFixed(2)}x that`
      : '';
    return `${ratio.toFixed(2)}x (${gateway.serverCpuMsPerOp.toFixed(2)} vs ${memory.serverCpuMsPerOp.toFixed(2)} ms/op; ${gateway.throughput.toFixed(1)} vs ${memory.throughput.toFixed(1)} ops/s${atRate}${floor})`;
  };
  // The warm call-record cache against the in-memory server executing the same page, run beside it (else S1's).
  const warm = row('C1', 'gateway, cache warm');
  const c1mem = row('C1', 'in-memory') ?? s1mem;
  if (warm && c1mem) {
    out.push({
      target: 'C1: page of 60 with sessions and segments, warm cache: server CPU per operation within 1.0x of the in-memory Apollo Server',
      measured: cpuRatio(warm, c1mem),
      met: warm.serverCpuMsPerOp / c1mem.serverCpuMsPerOp <= 1,
    });
    out.push({
      target: 'C1: page of 60 with sessions and segments, warm cache: throughput >= the in-memory Apollo Server',
      measured: `${warm.throughput.toFixed(1)} vs ${c1mem.throughput.toFixed(1)} ops/s (${((100 * warm.throughput) / c1mem.throughput).toFixed(0)}%)`,
      met: warm.throughput >= c1mem.throughput,
    });
  }
  for (const scenario of ['S3', 'S2', 'S6']) {
    const gateway = row(scenario, 'gateway');
    const memory = row(scenario, 'in-memory');
    if (gateway && memory) {
      out.push({
        target: `${scenario}: server CPU per operation within 1.5x of the in-memory Apollo Server`,
        measured: cpuRatio(gateway, memory),
        met: gateway.serverCpuMsPerOp / memory.serverCpuMsPerOp <= 1.5,
      });
    }
  }
  if (report.paging) {
    const growth = report.paging.rssAtEnd / report.paging.rssAt1000 - 1;
    out.push({
      target: 'S4: RSS after 10,000 records within 10% of RSS after 1,000',
      measured: `${(report.paging.rssAt1000 / 1048576).toFixed(1)} MiB -> ${(report.paging.rssAtEnd / 1048576).toFixed(1)} MiB (${growth >= 0 ? '+' : ''}${(100 * growth).toFixed(1)}%)`,
      met: Math.abs(growth) <= 0.1,
    });
  }
  return out;
}

await main();
