/**
 * A gateway in a process of its own, as one replica of a fleet runs (test/helpers/gatewayProcess.ts forks it).
 * Its configuration is its environment, read by loadConfig like `npm start` reads it; GATEWAY_TEST_SIMULATOR
 * (JSON) says how to reach the simulator the test runs. Reports `{ ready: { url, port } }` over IPC; stops on
 * SIGTERM or when the test process goes away.
 */
import { loadConfig } from '../../src/config/index.js';
import { graphClientConfig, type SimulatorEndpoint } from '../../src/config/graphClient.js';
import { createLogger } from '../../src/observability/logger.js';
import { createGateway } from '../../src/server.js';

const endpoint = JSON.parse(process.env.GATEWAY_TEST_SIMULATOR ?? '{}') as SimulatorEndpoint;
const config = loadConfig(process.env);
const gateway = await createGateway({
  config,
  logger: createLogger(config.logLevel),
  graph: graphClientConfig(config, endpoint),
  ...(endpoint.callbackOpenIdConfigurationUrl !== undefined && { callbackOpenIdConfigUrl: endpoint.callbackOpenIdConfigurationUrl }),
});

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void gateway.stop().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
process.send?.({ ready: { url: gateway.url, port: gateway.port } });
