import { ConfigError, loadConfig } from './config/index.js';
import { graphClientConfig, simulatorCredential, type SimulatorEndpoint } from './graphSettings.js';
import { createLogger } from './logger.js';
import { createGateway } from './server.js';
import { loadSimulatorOptionsFromEnv, SimulatorOptionsError, startSimulator, type RunningSimulator } from './simulator/index.js';

/** The only reader of process.env: configuration in, a listening gateway out, signals handled. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);

  let simulator: RunningSimulator | undefined;
  let endpoint: SimulatorEndpoint | undefined;
  if (config.graph.kind === 'simulator') {
    let simulatorOptions;
    try {
      simulatorOptions = loadSimulatorOptionsFromEnv(process.env);
    } catch (error) {
      if (error instanceof SimulatorOptionsError) {
        console.error(error.message);
        process.exit(1);
      }
      throw error;
    }
    // In process, the simulator takes any free port unless SIMULATOR_PORT names one.
    simulator = await startSimulator({ ...simulatorOptions, port: process.env['SIMULATOR_PORT'] ? simulatorOptions.port : 0 });
    const app = simulator.app('default');
    endpoint = {
      graphBaseUrl: simulator.graphBaseUrl,
      authorityHost: simulator.authorityHost,
      tenantId: simulator.tenantId,
      caCertificate: simulator.caCertificate,
      clientId: app.clientId,
      credential: simulatorCredential(app),
    };
  }

  const gateway = await createGateway({ config, graph: graphClientConfig(config, endpoint), logger });

  if (simulator) {
    console.log(`Microsoft Graph simulator: ${simulator.graphBaseUrl}/${config.apiVersion} (token authority ${simulator.authority})`);
  } else if (config.graph.kind === 'azure') {
    console.log(`Microsoft Graph: ${config.graph.baseUrl}/${config.apiVersion} (tenant ${config.graph.tenantId})`);
  }
  console.log(`comms-graphql gateway: ${gateway.url}${config.env === 'production' ? '' : '  (open it in a browser for Apollo Sandbox)'}`);

  let exiting = false;
  const shutdown = (signal: string) => {
    if (exiting) return;
    exiting = true;
    logger.info({ signal }, 'stopping: finishing in-flight operations');
    // The gateway first: its in-flight operations may still need the embedded simulator.
    gateway
      .stop()
      .then(() => simulator?.stop())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('comms-graphql failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
