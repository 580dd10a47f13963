import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import type { RunningServer } from './usersSubgraph.js';

/** Hive Gateway's runtime over node:http on 127.0.0.1 only (the CLI's default host is 0.0.0.0), on a free port. */
export async function serveHiveGateway(config: Parameters<typeof createGatewayRuntime>[0]): Promise<RunningServer> {
  const runtime = createGatewayRuntime(config);
  const server = http.createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    stop: async () => {
      await runtime.dispose();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
