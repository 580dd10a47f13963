/**
 * Test kit for the simulator: start one on port 0, an HTTPS client that trusts its CA, and an MSAL
 * network client on the same trust.
 */
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { Agent, fetch } from 'undici';
import type { RequestInit, Response } from 'undici';
import { startSimulator } from '../../src/index.js';
import type { MintTokenOptions, RunningSimulator, SimulatorOptions } from '../../src/index.js';
import { GraphHttpError } from '../../src/types.js';
import type { Route } from '../../src/types.js';

export interface SimulatorClient {
  /** Fetches a path (`/v1.0/...`) or absolute URL on the simulator, trusting its CA. */
  fetch(pathOrUrl: string, init?: RequestInit): Promise<Response>;
  /** Like `fetch`, with a Graph token for the app (default `default`) unless `Authorization` is given. */
  graph(path: string, init?: RequestInit & { app?: string }): Promise<Response>;
  agent: Agent;
  close(): Promise<void>;
}

export interface TestSimulator extends RunningSimulator {
  client: SimulatorClient;
  token(options?: MintTokenOptions): Promise<string>;
}

/** A simulator with test-friendly defaults: few records, shuffled batches. Stop it with `stopTestSimulator`. */
export async function startTestSimulator(options: Partial<SimulatorOptions> = {}): Promise<TestSimulator> {
  const sim = await startSimulator({ callRecordCount: 40, shuffleBatch: true, ...options });
  const client = createSimulatorClient(sim);
  const tokens = new Map<string, string>();
  return Object.assign(sim, {
    client,
    async token(opts: MintTokenOptions = {}) {
      if (opts.lifetimeSeconds !== undefined || opts.audience !== undefined) return sim.control.mintToken(opts);
      const key = opts.app ?? 'default';
      let token = tokens.get(key);
      if (token === undefined) {
        token = await sim.control.mintToken(opts);
        tokens.set(key, token);
      }
      return token;
    },
  });
}

export async function stopTestSimulator(sim: TestSimulator | undefined): Promise<void> {
  if (!sim) return;
  await sim.client.close();
  await sim.stop();
}

export function createSimulatorClient(sim: RunningSimulator): SimulatorClient {
  const agent = new Agent({ connect: { ca: sim.caCertificate } });
  const doFetch = (pathOrUrl: string, init: RequestInit = {}): Promise<Response> =>
    fetch(pathOrUrl.startsWith('https://') ? pathOrUrl : `${sim.origin}${pathOrUrl}`, { ...init, dispatcher: agent });
  return {
    agent,
    fetch: doFetch,
    async graph(path, init = {}) {
      const { app, ...rest } = init;
      const headers = new Headers(rest.headers as ConstructorParameters<typeof Headers>[0]);
      if (!headers.has('authorization')) {
        headers.set('authorization', `Bearer ${await sim.control.mintToken(app !== undefined ? { app } : {})}`);
      }
      return doFetch(path, { ...rest, headers: Object.fromEntries(headers) });
    },
    close: () => agent.destroy(),
  };
}

/** MSAL's `system.networkClient` over undici, trusting the given CA (MSAL's default client uses the global fetch). */
export function createMsalNetworkClient(caCertificate: string): INetworkModule & { close(): Promise<void> } {
  const agent = new Agent({ connect: { ca: caCertificate } });
  const send = async <T>(url: string, method: 'GET' | 'POST', options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const response = await fetch(url, {
      method,
      headers: options?.headers ?? {},
      ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
      dispatcher: agent,
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return { headers, body: (await response.json()) as T, status: response.status };
  };
  return {
    sendGetRequestAsync: (url, options) => send(url, 'GET', options),
    sendPostRequestAsync: (url, options) => send(url, 'POST', options),
    close: () => agent.destroy(),
  };
}

/** Routes that expose what the pipeline hands a handler, for platform tests. */
export const probeRoutes: readonly Route[] = [
  {
    method: 'POST',
    pattern: '/probe/echo',
    name: 'probe.echo',
    anyOfRoles: ['Calls.Initiate.All'],
    throttleKeys: () => ['calls'],
    handle: (req) => ({
      status: 201,
      body: { body: req.body, app: req.app, path: req.path, query: req.rawQuery, version: req.version, baseUrl: req.baseUrl },
    }),
  },
  {
    method: 'GET',
    pattern: '/probe/items/{id}',
    name: 'probe.item',
    anyOfRoles: [],
    throttleKeys: (_req, params) => [`callRecords:record:${params.id ?? ''}`],
    handle: (_req, params) => {
      if (params.id === 'missing') throw new GraphHttpError(404, 'itemNotFound', `No item '${params.id}'.`);
      return { status: 200, body: { id: params.id } };
    },
  },
  {
    method: 'DELETE',
    pattern: '/probe/items/{id}',
    name: 'probe.item.delete',
    anyOfRoles: [],
    throttleKeys: () => [],
    handle: () => ({ status: 204 }),
  },
  {
    method: 'GET',
    pattern: '/probe/boom',
    name: 'probe.boom',
    anyOfRoles: [],
    throttleKeys: () => [],
    handle: () => {
      throw new Error('secret internal detail');
    },
  },
];
