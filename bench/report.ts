/** The bench's table (terminal) and bench/RESULTS.md (markdown), from one report object. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fmt, kib, mib } from './lib/stats.js';

export interface Row {
  scenario: string;
  server: string;
  connections: number;
  throughput: number;
  p50: number;
  p99: number;
  graphRequestsPerOp: number;
  batchItemsPerOp: number;
  bytesPerOp: number;
  /** Graph requests per operation during the closed-loop run (coalescing across operations shows here). */
  loadRequestsPerOp: number;
  loadBytesPerOp: number;
  /** CPU time of the server's process per operation during the closed-loop run. */
  serverCpuMsPerOp: number;
  simulatorCpuMsPerOp: number;
  selectedBytesPerOp?: number;
  /** The selected top-level properties whole: what Graph's `$select` can return at best. */
  floorBytesPerOp?: number;
  peakRss: number;
  failed: number;
  firstError?: string;
  /**
   * The same server again under open-loop load at another server's closed-loop throughput (a baseline at the
   * gateway's rate): CPU per operation at equal load, where the closed loop compares a busy process with a mostly
   * waiting one.
   */
  atRate?: EqualLoad;
}

export interface EqualLoad {
  /** The row whose throughput set the rate (same scenario), e.g. `gateway`. */
  against: string;
  rate: number;
  achievedRate: number;
  serverCpuMsPerOp: number;
  failed: number;
}

export interface AddedLatencyRow {
  scenario: string;
  server: string;
  /** The recorded operation alone at the server, ms: before the first Graph request / in Graph / after the last. */
  split?: string;
  /** Operations per second of the open-loop run; NaN for a sequential client. */
  rate: number;
  /** Graph requests per stage of the replayed operation, e.g. `1+6`. */
  stages: string;
  gatewayP50: number;
  gatewayP99: number;
  aloneP50: number;
  aloneP99: number;
  achievedRate: number;
  failed: number;
}

export interface TargetRow {
  target: string;
  measured: string;
  met: boolean;
}

export interface Report {
  command: string;
  date: string;
  node: string;
  cores: number;
  cpuModel: string;
  totalMemory: number;
  loadAtStart: number[];
  loadAtEnd: number[];
  durationS: number;
  warmupS: number;
  latencyMs: number;
  records: number;
  rows: Row[];
  added: AddedLatencyRow[];
  paging: { records: number; pages: number; rssAt1000: number; rssAtEnd: number; heapAt1000: number; heapAtEnd: number } | undefined;
  targets: TargetRow[];
  wallS: number;
}

const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
/** Everything from this heading on in RESULTS.md is written by hand and kept across runs. */
const NOTES_HEADING = '## Profile and findings';

function table(headers: string[], rows: string[][]): { text: string; md: string } {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  const text = [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
  const md = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );
  return { text, md };
}

export function renderReport(report: Report): { table: string; markdown: string } {
  const main = table(
    [
      'scenario',
      'server',
      'conns',
      'ops/s',
      'p50 ms',
      'p99 ms',
      'Graph req/op',
      'batch items/op',
      'Graph req/op under load',
      'KiB from Graph/op',
      'KiB/op under load',
      'KiB selected/op',
      'KiB $select floor/op',
      'server CPU ms/op',
      'simulator CPU ms/op',
      'peak RSS MiB',
      'failed',
    ],
    report.rows.map((r) => [
      r.scenario,
      r.server,
      String(r.connections),
      fmt(r.throughput),
      fmt(r.p50),
      fmt(r.p99),
      fmt(r.graphRequestsPerOp, 3),
      fmt(r.batchItemsPerOp, 1),
      fmt(r.loadRequestsPerOp, 3),
      kib(r.bytesPerOp),
      kib(r.loadBytesPerOp),
      kib(r.selectedBytesPerOp ?? Number.NaN),
      kib(r.floorBytesPerOp ?? Number.NaN),
      fmt(r.serverCpuMsPerOp, 2),
      fmt(r.simulatorCpuMsPerOp, 2),
      mib(r.peakRss),
      String(r.failed),
    ]),
  );
  const added = table(
    [
      'scenario',
      'server',
      'rate ops/s',
      'Graph requests by stage',
      'alone: before / Graph / after ms',
      'gateway p50',
      'gateway p99',
      'simulator alone p50',
      'simulator alone p99',
      'added p50 ms',
      'added p99 ms',
      'achieved ops/s',
      'failed',
    ],
    report.added.map((a) => [
      a.scenario,
      a.server,
      Number.isNaN(a.rate) ? 'sequential' : String(a.rate),
      a.stages,
      a.split ?? 'n/a',
      fmt(a.gatewayP50, 2),
      fmt(a.gatewayP99, 2),
      fmt(a.aloneP50, 2),
      fmt(a.aloneP99, 2),
      fmt(a.gatewayP50 - a.aloneP50, 2),
      fmt(a.gatewayP99 - a.aloneP99, 2),
      fmt(a.achievedRate),
      String(a.failed),
    ]),
  );
  const equalRows = report.rows.filter((r) => r.atRate !== undefined);
  const equal = table(
    ['scenario', 'server', 'at the rate of', 'rate ops/s', 'achieved ops/s', 'its CPU ms/op', 'its CPU ms/op, closed loop', 'failed'],
    equalRows.map((r) => {
      const e = r.atRate as EqualLoad;
      return [
        r.scenario,
        r.server,
        e.against,
        String(e.rate),
        fmt(e.achievedRate),
        fmt(e.serverCpuMsPerOp, 2),
        fmt(r.serverCpuMsPerOp, 2),
        String(e.failed),
      ];
    }),
  );
  const targets = table(
    ['target', 'measured', 'met'],
    report.targets.map((t) => [t.target, t.measured, t.met ? 'met' : 'NOT met']),
  );
  const failures = report.rows.filter((r) => r.firstError).map((r) => `- ${r.scenario} / ${r.server}: ${r.firstError ?? ''}`);
  const paging = report.paging
    ? `Scenario 4 paged ${report.paging.records} records in ${report.paging.pages} operations: RSS ${mib(report.paging.rssAt1000)} MiB after 1,000 records, ${mib(report.paging.rssAtEnd)} MiB after ${report.paging.records} (heap used ${mib(report.paging.heapAt1000)} -> ${mib(report.paging.heapAtEnd)} MiB).`
    : '';
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');

  const text = [
    'Throughput, latency and Graph traffic (closed loop)',
    main.text,
    ...(equalRows.length
      ? ['', "Server CPU per operation at equal load (open loop at the named row's closed-loop throughput)", equal.text]
      : []),
    '',
    'Latency added over the simulator alone (same Graph requests, same open-loop generator)',
    added.text,
    '',
    paging,
    '',
    'Targets',
    targets.text,
    ...(failures.length ? ['', 'Failures', ...failures] : []),
  ].join('\n');

  const markdown = `# Benchmark results

Generated by \`${report.command}\` on ${report.date}. Machine: ${report.cores} cores (\`os.cpus().length\`), ${report.cpuModel}, ${mib(report.totalMemory)} MiB RAM; Node ${report.node}. Load average (1/5/15 min) at start ${load(report.loadAtStart)}, at end ${load(report.loadAtEnd)}; other processes on the machine (its load average above) add noise to the timings. Wall time of the whole run: ${report.wallS.toFixed(0)} s.

Setup: the simulator runs in its own process with ${report.latencyMs} ms fixed latency on every top-level Graph request (not on \`$batch\` items), ${report.records} call records, and **throttling limits raised to 10,000,000 requests per second for every bucket** (Graph's real limits, e.g. 40 call-record requests per 20 s, would throttle every scenario). Each server under test runs alone in its own process (RSS and CPU profiles are its own); the load generator is a third process. Each measured run lasts ${report.durationS} s after a ${report.warmupS} s warm-up; servers are started fresh per scenario, so peak RSS is that scenario's. The gateway runs with \`NODE_ENV=production\`, \`LOG_LEVEL=warn\`, and operation limits raised so scenario 2's 100 aliases pass.

Columns: *Graph req/op* counts top-level requests the simulator served (a \`$batch\` is one) per operation, from 5 operations sent one at a time after the warm-up; *batch items/op* the requests inside \`$batch\`es; *under load* the same during the closed-loop run, per operation sent (operations running together share coalesced and deduplicated GETs there); *KiB from Graph/op* the response body bytes the server's HTTP client received from Graph (undici diagnostics channel); *KiB selected/op* the JSON of only the fields the operation selects, cut from the simulator's own data; *KiB $select floor/op* the selected top-level properties whole (Graph's \`$select\` cannot reach inside a property, and \`$expand\`ed sessions and participants come whole); *CPU ms/op* the CPU time (user + system) of the server's and of the simulator's process during the closed-loop run, per operation sent (on this machine 1000 ms of CPU a second is one whole core of two). Latencies are full-precision per-response times. *Naive* is bench/baselines/naive.ts (one REST request per entity, no batching, \`$select\` or \`$expand\`), *in-memory* is bench/baselines/memory.ts (same schema, data in memory: the ceiling for graphql-js execution here).

## Throughput, latency and Graph traffic

${main.md}
${
  equalRows.length
    ? `
## Server CPU per operation at equal load

In the closed loop above, each server runs as fast as its clients let it: the in-memory server is busy all the time, the gateway mostly waits for Graph (20 ms per request), and a process that wakes for each operation spends more CPU per operation than one that is never idle. Here the in-memory server runs again, after its closed loop, under open-loop load at the gateway's closed-loop throughput (*at the rate of*), so the two CPU figures per operation compare equal loads. The targets are judged on the closed-loop ratio; they quote this one beside it.

${equal.md}
`
    : ''
}
${paging}

## Latency added over the simulator alone

The gateway's Graph requests for one operation were recorded at its HTTP client and replayed straight to the simulator (bearer token, same stages: concurrent requests together, stages in order) by the same open-loop generator that drove the gateway at the same rate. *alone: before / Graph / after* splits one operation sent on its own, at the server: from the request's arrival to its first Graph request (parsing, validation, resolvers, the coalescing window), in Graph, and from the last Graph answer to the response's end. Operations start evenly spaced at the given rate (autocannon's \`overallRate\` sends each connection's per-second budget back to back, which turns 200 ops/s into bursts at each second's start), and latency runs from the scheduled start.

${added.md}

## Targets

${targets.md}
${failures.length ? `\n## Failures\n\n${failures.join('\n')}\n` : ''}`;
  return { table: text, markdown };
}

/** Writes RESULTS.md, keeping the hand-written section from NOTES_HEADING on. */
export function writeResults(markdown: string): string {
  let notes = `${NOTES_HEADING}\n\n(not written yet)\n`;
  if (existsSync(RESULTS)) {
    const previous = readFileSync(RESULTS, 'utf8');
    const at = previous.indexOf(NOTES_HEADING);
    if (at >= 0) notes = previous.slice(at);
  }
  writeFileSync(RESULTS, `${markdown}\n${notes}`);
  return RESULTS;
}
