/**
 * Bench child: one server under test, alone in its process so its RSS and CPU profile are its own.
 * BENCH_KIND selects it:
 * - `gateway`: the product (createGateway), signing in to the simulator with MSAL like `npm start`;
 *   BENCH_COALESCE=off sets the $batch transport to one item per request and a 0 ms window (the
 *   product's existing knobs), so every GET travels alone; BENCH_COALESCE=window2 keeps batching but
 *   sets the coalescing window to 2 ms (the default before it became 0 ms, for comparison);
 *   BENCH_GATEWAY_ENV (JSON) adds gateway settings, e.g. the call-record cache's bounds;
 * - `naive`: Apollo Server with the naive resolvers (bench/baselines/naive.ts);
 * - `memory`: Apollo Server with the in-memory resolvers (bench/baselines/memory.ts);
 * - `bare-graph`: `memory` that also sends each operation's Graph requests bare, as recorded from the gateway
 *   (BENCH_BARE_GRAPH_STAGES, JSON; bench/baselines/bareGraph.ts).
 * The baselines use Apollo's standalone HTTP server.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { loadConfig } from '../../src/config/index.js';
import { graphClientConfig } from '../../src/config/graphClient.js';
import { createLogger } from '../../src/observability/logger.js';
import { buildGatewaySchema } from '../../src/schema/index.js';
import { createGateway } from '../../src/server.js';
import { bareGraphPlugin } from '../baselines/bareGraph.js';
import { loadMemoryData, memoryResolvers } from '../baselines/memory.js';
import { naiveResolvers } from '../baselines/naive.js';
import { createRestClient } from '../baselines/rest.js';
import { serve } from '../lib/ipc.js';
import { createReplayer, type Stage } from '../lib/replay.js';
import { instrumentGraphClient } from './instrument.js';
import type { SimulatorReady } from './simulator.js';

export type TargetKind = 'gateway' | 'naive' | 'memory' | 'bare-graph';

export interface TargetReady {
  url: string;
  kind: TargetKind;
}

/** Environment of the gateway under benchmark: production mode, operation limits opened for scenario 2. */
export const GATEWAY_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'production',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  CURSOR_SECRET: 'bench-cursor-secret-0123456789abcdef-0123456789',
  LIMIT_MAX_ALIASES: '200',
  LIMIT_MAX_TOKENS: '100000',
  LIMIT_MAX_COST: '10000000',
  // The bench simulator's limits (servers/simulator.ts): the budget runs on the hot path without ever waiting.
  GRAPH_BUDGET_LIMITS: ['global', 'callRecordsPerApp', 'callRecordsList', 'callRecord', 'calls'].map((b) => `${b}=10000000/1000`).join(','),
};

const kind = (process.env.BENCH_KIND ?? 'gateway') as TargetKind;
const sim = JSON.parse(process.env.BENCH_SIM ?? '{}') as SimulatorReady;
const instrument = instrumentGraphClient(sim.origin);

async function start(): Promise<{ url: string; stop(): Promise<void> }> {
  if (kind === 'gateway') {
    const config = loadConfig({
      ...GATEWAY_ENV,
      AUTH_MODE: process.env.BENCH_AUTH === 'jwt' ? 'jwt' : 'none',
      ...(process.env.BENCH_EXECUTOR ? { GRAPHQL_EXECUTOR: process.env.BENCH_EXECUTOR } : {}),
      ...(JSON.parse(process.env.BENCH_GATEWAY_ENV ?? '{}') as Record<string, string>),
    });
    const graph = graphClientConfig(config, {
      graphBaseUrl: sim.graphBaseUrl,
      authorityHost: sim.authorityHost,
      tenantId: sim.tenantId,
      caCertificate: sim.caCertificate,
      clientId: sim.clientId,
      credential: { clientSecret: sim.clientSecret },
    });
    const batch = { on: undefined, off: { batchMaxItems: 1, batchWindowMs: 0 }, window2: { batchWindowMs: 2 } }[
      process.env.BENCH_COALESCE ?? 'on'
    ];
    const gateway = await createGateway({
      config,
      logger: createLogger(config.logLevel),
      graph: batch ? { ...graph, limits: { ...graph.limits, ...batch } } : graph,
    });
    return { url: gateway.url, stop: () => gateway.stop() };
  }
  const rest = createRestClient({ graphBaseUrl: sim.graphBaseUrl, caCertificate: sim.caCertificate, token: process.env.BENCH_TOKEN ?? '' });
  const resolvers =
    kind === 'naive'
      ? naiveResolvers(rest)
      : memoryResolvers(await loadMemoryData(rest, 60, JSON.parse(process.env.BENCH_CALL_IDS ?? '[]') as string[]));
  const replayer =
    kind === 'bare-graph'
      ? createReplayer({ origin: sim.origin, caCertificate: sim.caCertificate, token: process.env.BENCH_TOKEN ?? '', parse: true })
      : undefined;
  const stages = JSON.parse(process.env.BENCH_BARE_GRAPH_STAGES ?? '[]') as Stage[];
  const apollo = new ApolloServer({
    schema: buildGatewaySchema(resolvers),
    introspection: false,
    // The schema may be a federation subgraph; the baselines answer clients directly.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ...(replayer ? [bareGraphPlugin(() => replayer.run(stages))] : [])],
  });
  const { url } = await startStandaloneServer(apollo, { listen: { port: 0, host: '127.0.0.1' } });
  return {
    url,
    stop: async () => {
      await apollo.stop();
      await replayer?.close();
      await rest.close();
    },
  };
}

const cpuUs = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const server = await start();
let profiler: Session | undefined;
const HEAP = process.env.BENCH_PROFILE === 'heap';

serve(
  {
    counters: () => instrument.counters(),
    resetCounters: () => instrument.reset(),
    startRecording: () => instrument.startRecording(),
    stopRecording: () => instrument.stopRecording(),
    rss: () => ({
      rss: process.memoryUsage().rss,
      heapUsed: process.memoryUsage().heapUsed,
      maxRss: process.resourceUsage().maxRSS * 1024,
      cpuUs: cpuUs(),
    }),
    // BENCH_PROFILE=heap samples allocations (a .heapprofile for Chrome DevTools' Memory tab) instead of CPU time.
    startProfile: async () => {
      profiler = new Session();
      profiler.connect();
      if (HEAP) {
        await profiler.post('HeapProfiler.enable');
        await profiler.post('HeapProfiler.startSampling', {
          samplingInterval: 16_384,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
      } else {
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      }
    },
    stopProfile: async (file) => {
      if (!profiler) throw new Error('stopProfile without startProfile');
      const { profile } = HEAP ? await profiler.post('HeapProfiler.stopSampling') : await profiler.post('Profiler.stop');
      writeFileSync(HEAP ? String(file).replace(/\.cpuprofile$/, '.heapprofile') : String(file), JSON.stringify(profile));
      profiler.disconnect();
      profiler = undefined;
    },
    stop: async () => {
      // Measuring is over: a short drain, not the gateway's full grace period.
      await Promise.race([server.stop(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
      setImmediate(() => process.exit(0));
    },
  },
  { url: server.url.replace('localhost', '127.0.0.1'), kind } satisfies TargetReady,
);
