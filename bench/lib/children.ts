/** Starting the bench's child processes: the simulator and one server under test at a time. */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RecordedRequest } from '../servers/instrument.js';
import type { SimulatorReady } from '../servers/simulator.js';
import type { TargetKind, TargetReady } from '../servers/target.js';
import { spawnChild, type Child } from './ipc.js';
import type { Stage } from './replay.js';

export const PROFILE_DIR = fileURLToPath(new URL('../.profiles/', import.meta.url));

export interface Memory {
  rss: number;
  maxRss: number;
  heapUsed?: number;
  /** CPU time used so far (user + system), microseconds. */
  cpuUs: number;
}

export interface Target {
  kind: TargetKind;
  url: string;
  counters(): Promise<{ requests: number; bytes: number }>;
  resetCounters(): Promise<void>;
  record<T>(op: () => Promise<T>): Promise<RecordedRequest[]>;
  /**
   * Runs `op` with the server's main thread under the V8 sampling profiler when the target was started
   * with a `profileName` (only the measured run: no start-up, module loading or warm-up in the profile).
   */
  profile<T>(op: () => Promise<T>): Promise<T>;
  memory(): Promise<Memory>;
  stop(): Promise<void>;
}

export function startSimulatorProcess(env: Record<string, string>): Promise<Child<SimulatorReady>> {
  return spawnChild<SimulatorReady>('simulator', { env });
}

export async function startTarget(
  sim: SimulatorReady,
  kind: TargetKind,
  options: {
    token: string;
    callIds: readonly string[];
    coalesce?: 'on' | 'off' | 'window2';
    /** Profile the measured run (see `Target.profile`) into bench/.profiles/<name>.cpuprofile. */
    profileName?: string;
    /** Gateway settings over the bench's own (GATEWAY_ENV), e.g. the call-record cache's bounds. */
    gatewayEnv?: Readonly<Record<string, string>>;
    /** `jwt`: the gateway checks callers' tokens against the simulator's JWKS (AUTH_MODE=jwt); baselines ignore it. */
    auth?: 'none' | 'jwt';
    /** The gateway's GRAPHQL_EXECUTOR; default its own default. */
    executor?: 'jit' | 'graphql-js';
    /** `bare-graph`: the Graph requests to send for each operation (recorded from the gateway). */
    bareGraphStages?: readonly Stage[];
  },
): Promise<Target> {
  const child = await spawnChild<TargetReady>('target', {
    env: {
      // As in production: graphql-js, among others, reads it at import and skips its development checks.
      NODE_ENV: 'production',
      BENCH_KIND: kind,
      BENCH_SIM: JSON.stringify(sim),
      BENCH_TOKEN: options.token,
      BENCH_CALL_IDS: JSON.stringify(options.callIds),
      BENCH_COALESCE: options.coalesce ?? 'on',
      BENCH_GATEWAY_ENV: JSON.stringify(options.gatewayEnv ?? {}),
      BENCH_AUTH: options.auth ?? 'none',
      ...(options.executor ? { BENCH_EXECUTOR: options.executor } : {}),
      ...(options.bareGraphStages ? { BENCH_BARE_GRAPH_STAGES: JSON.stringify(options.bareGraphStages) } : {}),
    },
  });
  return {
    kind,
    url: child.ready.url,
    counters: () => child.call('counters'),
    resetCounters: () => child.call('resetCounters'),
    async record(op) {
      await child.call('startRecording');
      await op();
      return child.call<RecordedRequest[]>('stopRecording');
    },
    async profile(op) {
      if (!options.profileName) return op();
      mkdirSync(PROFILE_DIR, { recursive: true });
      await child.call('startProfile');
      try {
        return await op();
      } finally {
        await child.call('stopProfile', `${PROFILE_DIR}${options.profileName}.cpuprofile`);
      }
    },
    memory: () => child.call('rss'),
    stop: () => child.stop(),
  };
}
