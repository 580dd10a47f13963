/**
 * Reaching a running simulator straight from a gateway test (beside the gateway, not through it): an HTTPS
 * client that trusts the simulator's CA and carries Graph tokens minted by its control surface.
 */
import type { RunningSimulator } from '@comms-graphql/simulator';
import { Agent, fetch } from 'undici';
import type { RequestInit, Response } from 'undici';

export interface SimulatorClient {
  /** Fetches a path (`/v1.0/...`) or absolute URL on the simulator, trusting its CA. */
  fetch(pathOrUrl: string, init?: RequestInit): Promise<Response>;
  /** Like `fetch`, with a Graph token for the app (default `default`) unless `Authorization` is given. */
  graph(path: string, init?: RequestInit & { app?: string }): Promise<Response>;
  close(): Promise<void>;
}

export function createSimulatorClient(sim: RunningSimulator): SimulatorClient {
  const agent = new Agent({ connect: { ca: sim.caCertificate } });
  const doFetch = (pathOrUrl: string, init: RequestInit = {}): Promise<Response> =>
    fetch(pathOrUrl.startsWith('https://') ? pathOrUrl : `${sim.origin}${pathOrUrl}`, { ...init, dispatcher: agent });
  return {
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
