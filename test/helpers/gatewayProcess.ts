/**
 * Gateway replicas as separate processes (a fleet), each forked from test/helpers/gatewayChild.ts and reaching
 * the test's simulator over loopback with real MSAL. In-process stacks (stack.ts) share one event loop and one
 * module graph; a process of its own shares nothing with its siblings but what a fleet shares (Graph, Redis).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunningSimulator } from '@comms-graphql/simulator';
import { simulatorEndpoint } from '../../src/config/graphClient.js';
import type { GraphQLResult } from './stack.js';

export interface GatewayProcess {
  url: string;
  port: number;
  pid: number;
  query<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
  /** `GET /readyz`: the HTTP status and the body. */
  readiness(): Promise<{ httpStatus: number; status: string; redis?: string }>;
  /** `GET /metrics`, as text. */
  metrics(): Promise<string>;
  /** SIGTERM, then waits for the process to exit (SIGKILL after 10 s). Idempotent. */
  stop(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./gatewayChild.ts', import.meta.url));

export async function startGatewayProcess(simulator: RunningSimulator, env: Record<string, string>): Promise<GatewayProcess> {
  const endpoint = simulatorEndpoint(simulator, simulator.app('default'));
  const child: ChildProcess = fork(CHILD, [], {
    // The condition resolves @comms-graphql/simulator to its sources, as in the bench's children.
    execArgv: ['--conditions=comms-graphql-source', '--import', 'tsx'],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      ...env,
      GATEWAY_TEST_SIMULATOR: JSON.stringify(endpoint),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the gateway process did not report ready within 180 s')), 180_000);
    child.once('exit', (code) => reject(new Error(`the gateway process exited with ${String(code)} before it was ready`)));
    child.on('message', (message: { ready?: { url: string; port: number } }) => {
      if (!message.ready) return;
      clearTimeout(timer);
      resolve(message.ready);
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });
  const base = `http://127.0.0.1:${ready.port}`;
  let stopped: Promise<void> | undefined;
  return {
    url: ready.url,
    port: ready.port,
    pid: child.pid ?? -1,
    async query<T>(query: string, variables?: Record<string, unknown>) {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return { ...((await response.json()) as GraphQLResult<T>), status: response.status };
    },
    async readiness() {
      const response = await fetch(`${base}/readyz`);
      return { ...((await response.json()) as { status: string; redis?: string }), httpStatus: response.status };
    },
    async metrics() {
      return (await fetch(`${base}/metrics`)).text();
    },
    stop() {
      stopped ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}
