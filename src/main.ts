import { ConfigError, loadConfig } from './config/index.js';
import { graphClientConfig, simulatorEndpoint } from './config/graphClient.js';
import { createLogger } from './observability/logger.js';
import { startTracing } from './observability/tracingSdk.js';
import { createGateway } from './server.js';
import { loadSimulatorOptionsFromEnv, SimulatorOptionsError, startSimulator, type RunningSimulator } from '@comms-graphql/simulator';

/** The only reader of process.env: configuration in, a listening gateway out, signals handled. */
async function main(): Promise<void> {
  const config = orExit(() => loadConfig(process.env));
  const logger = createLogger(config.logLevel);
  // Before anything makes a span: with no OTLP settings this loads nothing and the API stays a no-op.
  const tracing = await startTracing(config.observability.tracing, { logger });

  let simulator: RunningSimulator | undefined;
  if (config.graph.kind === 'simulator') {
    const simulatorOptions = orExit(() => loadSimulatorOptionsFromEnv(process.env));
    // In process, the simulator takes any free port unless SIMULATOR_PORT names one.
    simulator = await startSimulator({ ...simulatorOptions, port: process.env['SIMULATOR_PORT'] ? simulatorOptions.port : 0 });
  }
  const endpoint = simulator ? simulatorEndpoint(simulator, simulator.app('default')) : undefined;
  const gateway = await createGateway({
    config,
    graph: graphClientConfig(config, endpoint),
    logger,
    ...(endpoint?.callbackOpenIdConfigurationUrl !== undefined ? { callbackOpenIdConfigUrl: endpoint.callbackOpenIdConfigurationUrl } : {}),
  });

  if (simulator) {
    console.log(`Microsoft Graph simulator: ${simulator.graphBaseUrl}/${config.apiVersion} (token authority ${simulator.authority})`);
  } else if (config.graph.kind === 'azure') {
    console.log(`Microsoft Graph: ${config.graph.baseUrl}/${config.apiVersion} (tenant ${config.graph.tenantId})`);
  }
  const browserHint = { graphiql: 'GraphiQL', sandbox: 'Apollo Sandbox', production: undefined, off: undefined }[
    config.security.landingPage
  ];
  console.log(`comms-graphql gateway: ${gateway.url}${browserHint ? `  (open it in a browser for ${browserHint})` : ''}`);

  let exiting = false;
  const shutdown = (signal: string) => {
    if (exiting) return;
    exiting = true;
    logger.info({ signal }, 'stopping: finishing in-flight operations');
    // The gateway first: its in-flight operations may still need the embedded simulator.
    gateway
      .stop()
      .then(() => simulator?.stop())
      // Last: the spans of the operations that just finished are exported before the process ends.
      .then(() => tracing?.shutdown())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/** Runs a configuration reader; a configuration mistake ends the process with its message, nothing more. */
function orExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SimulatorOptionsError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error('comms-graphql failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
