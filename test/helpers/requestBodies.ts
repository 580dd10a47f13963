import type { RunningSimulator } from '@comms-graphql/simulator';

/** The JSON bodies that reached each simulator route, oldest first. */
export interface RequestBodies {
  of(route: string): unknown[];
  clear(): void;
}

/**
 * Records the body of every request the simulator's routes handle. The simulator's request log has no bodies,
 * and an e2e test of call control must show the exact JSON Graph would receive, so each route's handler is
 * wrapped in place (the router keeps the route objects it was built with). Call once per simulator.
 */
export function recordRequestBodies(simulator: RunningSimulator): RequestBodies {
  const seen = new Map<string, unknown[]>();
  for (const route of simulator.resources.routes) {
    const handle = route.handle.bind(route);
    (route as { handle: typeof route.handle }).handle = (req, params) => {
      seen.set(route.name, [...(seen.get(route.name) ?? []), structuredClone(req.body)]);
      return handle(req, params);
    };
  }
  return { of: (route) => seen.get(route) ?? [], clear: () => seen.clear() };
}
