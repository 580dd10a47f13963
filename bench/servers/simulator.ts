/**
 * Bench child: the Graph simulator in its own process (so the gateway process holds only the gateway),
 * with a fixed upstream latency and throttling limits raised far above Graph's (stated in RESULTS.md).
 */
import { serve } from '../lib/ipc.js';
import { startSimulator, type ThrottleOptions } from '@comms-graphql/simulator';

export interface SimulatorReady {
  origin: string;
  graphBaseUrl: string;
  authorityHost: string;
  tenantId: string;
  caCertificate: string;
  clientId: string;
  clientSecret: string;
  latencyMs: number;
  records: number;
  throttle: ThrottleOptions;
}

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
const records = Number(process.env.BENCH_RECORDS ?? 10_000);
const unlimited = { limit: 10_000_000, windowMs: 1_000 };
const throttle: ThrottleOptions = {
  global: unlimited,
  callRecordsPerApp: unlimited,
  callRecordsList: unlimited,
  callRecord: unlimited,
  calls: unlimited,
  pstnCallLogs: unlimited,
};

const simulator = await startSimulator({
  fixedLatencyMs: latencyMs,
  callRecordCount: records,
  // A frozen data clock keeps every run's records identical.
  now: process.env.BENCH_NOW ?? '2026-11-20T00:00:00Z',
  callEstablishDelayMs: 50,
  throttle,
  logCapacity: 100,
});
const app = simulator.app('default');

serve(
  {
    stats: () => simulator.control.stats(),
    mintToken: () => simulator.control.mintToken({ app: 'default' }),
    // A caller's token for the gateway's own API (AUTH_MODE=jwt), valid for longer than any bench run.
    mintCallerToken: () => simulator.control.mintToken({ app: 'caller', lifetimeSeconds: 4 * 3600 }),
    rss: () => ({
      rss: process.memoryUsage().rss,
      maxRss: process.resourceUsage().maxRSS * 1024,
      cpuUs: process.cpuUsage().user + process.cpuUsage().system,
    }),
    stop: async () => {
      await simulator.stop();
      setImmediate(() => process.exit(0));
    },
  },
  {
    origin: simulator.origin,
    graphBaseUrl: simulator.graphBaseUrl,
    authorityHost: simulator.authorityHost,
    tenantId: simulator.tenantId,
    caCertificate: simulator.caCertificate,
    clientId: app.clientId,
    clientSecret: app.clientSecret ?? '',
    latencyMs,
    records,
    throttle,
  } satisfies SimulatorReady,
);
