import { loadConfig } from '../../src/config/index.js';
import { graphClientConfig, simulatorEndpoint } from '../../src/config/graphClient.js';
import type { DestinationStream } from 'pino';
import { createLogger } from '../../src/observability/logger.js';
import { createGateway, type GatewayOptions, type RunningGateway } from '../../src/server.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions, type ThrottleOptions } from '@comms-graphql/simulator';

/** Simulator options for a test; throttle limits not named keep Graph's defaults. */
export type SimulatorOverrides = Omit<Partial<SimulatorOptions>, 'throttle'> & { throttle?: Partial<ThrottleOptions> };

export interface GraphQLResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface Stack {
  simulator: RunningSimulator;
  gateway: RunningGateway;
  /** The caller token `query` sends (with `callerApp`), for other clients of the same gateway. */
  callerToken: string | undefined;
  /** POSTs an operation to the gateway over real HTTP. */
  query<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
  stop(): Promise<void>;
}

/**
 * A simulator and a gateway on loopback, wired like `npm start` wires them: the gateway gets real MSAL
 * tokens from the simulator's authority and reaches its Graph routes over HTTPS.
 */
export async function startStack(
  options: {
    simulator?: SimulatorOverrides;
    env?: Record<string, string>;
    /** Simulator app registration the gateway signs in as. Default `default`. */
    app?: string;
    /** Overrides the app's credential, e.g. with a wrong secret. */
    credential?: { clientSecret: string };
    /**
     * Caller authentication: the gateway runs with AUTH_MODE=jwt against the simulator's JWKS and `query`
     * sends a token minted for this simulator caller app (`caller`, `caller-records`, `caller-no-roles`).
     */
    callerApp?: string;
    /** Where the gateway's log lines go (e.g. an in-memory stream with LOG_LEVEL=trace). Default stdout. */
    logDestination?: DestinationStream;
    /** Replaces the gateway's resolver map (e.g. with a resolver that throws). */
    resolvers?: GatewayOptions['resolvers'];
    /** The OpenID configuration that signs call notifications (a test key server); default the simulator's, if it has one. */
    callbackOpenIdConfigUrl?: string;
    /** Another stack's simulator, for a second replica of one deployment; `stop()` leaves it running. */
    sharedSimulator?: RunningSimulator;
  } = {},
): Promise<Stack> {
  // startSimulator merges a partial throttle over the defaults.
  const shared = options.sharedSimulator;
  const simulator = shared ?? (await startSimulator({ shuffleBatch: true, ...options.simulator } as Partial<SimulatorOptions>));
  const stopSimulator = async (): Promise<void> => {
    if (!shared) await simulator.stop();
  };
  try {
    const authEnv: Record<string, string> = options.callerApp !== undefined ? { AUTH_MODE: 'jwt' } : {};
    // The gateway budgets for the limits its Graph enforces, as it would for Graph's real ones.
    const budgetEnv: Record<string, string> = options.simulator?.throttle
      ? { GRAPH_BUDGET_LIMITS: budgetLimits(options.simulator.throttle) }
      : {};
    // GRAPHQL_EXECUTOR from the test run's environment: CI runs the end-to-end tests under each executor.
    const executor = process.env['GRAPHQL_EXECUTOR'] !== undefined ? { GRAPHQL_EXECUTOR: process.env['GRAPHQL_EXECUTOR'] } : {};
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', ...executor, ...authEnv, ...budgetEnv, ...options.env });
    const callerToken = options.callerApp !== undefined ? await simulator.control.mintToken({ app: options.callerApp }) : undefined;
    const app = simulator.app(options.app ?? 'default');
    const endpoint = simulatorEndpoint(simulator, app);
    const callbackOpenIdConfigUrl = options.callbackOpenIdConfigUrl ?? endpoint.callbackOpenIdConfigurationUrl;
    const gateway = await createGateway({
      config,
      logger: createLogger(config.logLevel, options.logDestination),
      ...(options.resolvers ? { resolvers: options.resolvers } : {}),
      ...(callbackOpenIdConfigUrl !== undefined ? { callbackOpenIdConfigUrl } : {}),
      graph: graphClientConfig(config, { ...endpoint, ...(options.credential ? { credential: options.credential } : {}) }),
    });
    return {
      simulator,
      gateway,
      callerToken,
      async query<T>(query: string, variables?: Record<string, unknown>) {
        const response = await fetch(gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(callerToken ? { authorization: `Bearer ${callerToken}` } : {}) },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as GraphQLResult<T>;
        return { ...body, status: response.status };
      },
      async stop() {
        await gateway.stop();
        await stopSimulator();
      },
    };
  } catch (error) {
    await stopSimulator();
    throw error;
  }
}

/** `GRAPH_BUDGET_LIMITS` for simulator throttle overrides (the simulator's bucket names are the budget's). */
export function budgetLimits(throttle: Partial<ThrottleOptions>): string {
  return Object.entries(throttle)
    .map(([name, limit]) => `${name}=${limit.limit}/${limit.windowMs}`)
    .join(',');
}
