/**
 * The control surface for tests and benchmarks: counters, the request log, reset, fixtures, chaos and
 * token minting. The same operations exist in process (`RunningSimulator.control`) and over HTTP under
 * `/_simulator/` (loopback callers only, no Graph token).
 */
import type { Chaos } from './chaos.js';
import type { RequestLogEntry, RequestRecorder, SimulatorStats } from './log.js';
import { completeChaos, validateChaos } from './options.js';
import type { AppRegistration, ChaosOptions } from './options.js';
import type { Throttle } from './throttle.js';
import { GraphHttpError } from './types.js';
import type { GraphResources, SimResponse } from './types.js';

export interface MintTokenOptions {
  /** App name (`default`, `calls-only`, ...) or client id. Default `default`, else the first app. */
  app?: string;
  /** Seconds until expiry; negative values mint an already expired token. Default the configured lifetime. */
  lifetimeSeconds?: number;
  /** The `aud` claim. Default the API the app holds roles on (a caller app: `api://comms-graphql`), else Graph. */
  audience?: string;
  /** The `iss` claim. Default the simulator's issuer (tests of a foreign issuer). */
  issuer?: string;
  /** The `roles` claim. Default the roles the app holds on the audience. */
  roles?: readonly string[];
  /** A `scp` claim (space-separated delegated scopes), as a user token carries. Default none. */
  scp?: string;
}

/** What the control surface passes to the minting function besides the app. */
export interface MintOverrides {
  audience: string;
  lifetimeSeconds?: number;
  issuer?: string;
  roles?: readonly string[];
  scp?: string;
}

export interface SimulatorControl {
  stats(): SimulatorStats;
  /** The request log, oldest first (bounded). */
  log(): RequestLogEntry[];
  /** Clears counters, the log and throttle windows, restarts chaos and shuffle sequences, resets the data. */
  reset(): void;
  /** Loads fixtures (a JSON document or a bundled name such as `seed-004`); returns the entities loaded. */
  loadFixtures(source: string | object, options?: { merge?: boolean }): number;
  /** Sets chaos (missing probabilities are 0, seed 1) or turns it off with null; returns the new setting. */
  setChaos(chaos: Partial<ChaosOptions> | null): ChaosOptions | null;
  getChaos(): ChaosOptions | null;
  /** A Graph access token for a registered app, as the token endpoint would issue it. */
  mintToken(options?: MintTokenOptions): Promise<string>;
}

export interface ControlDeps {
  recorder: RequestRecorder;
  throttle: Throttle;
  chaos: Chaos;
  resources: GraphResources;
  apps: readonly AppRegistration[];
  restartShuffle(): void;
  mint(app: AppRegistration, overrides: MintOverrides): Promise<string>;
}

export function createControl(deps: ControlDeps): SimulatorControl {
  return {
    stats: () => deps.recorder.stats(),
    log: () => deps.recorder.entries(),
    reset() {
      deps.recorder.reset();
      deps.throttle.reset();
      deps.chaos.restart();
      deps.restartShuffle();
      deps.resources.reset();
    },
    loadFixtures: (source, options) => deps.resources.loadFixtures(source, options),
    setChaos(chaos) {
      if (chaos === null) {
        deps.chaos.set(null);
        return null;
      }
      const complete = completeChaos(chaos);
      const problems = validateChaos(complete);
      if (problems.length > 0) throw new GraphHttpError(400, 'BadRequest', problems.join('; '));
      deps.chaos.set(complete);
      return deps.chaos.get();
    },
    getChaos: () => deps.chaos.get(),
    async mintToken(options = {}) {
      const wanted = options.app?.toLowerCase();
      const app =
        wanted === undefined
          ? (deps.apps.find((a) => a.name === 'default') ?? deps.apps[0])
          : deps.apps.find((a) => a.name.toLowerCase() === wanted || a.clientId.toLowerCase() === wanted);
      if (!app) {
        throw new GraphHttpError(
          400,
          'BadRequest',
          `app must name a registered app (${deps.apps.map((a) => a.name).join(', ')}), got '${options.app ?? ''}'.`,
        );
      }
      const audience = options.audience ?? Object.keys(app.apiRoles ?? {})[0] ?? 'https://graph.microsoft.com';
      return deps.mint(app, {
        audience,
        ...(options.lifetimeSeconds !== undefined ? { lifetimeSeconds: options.lifetimeSeconds } : {}),
        ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
        ...(options.roles !== undefined ? { roles: options.roles } : {}),
        ...(options.scp !== undefined ? { scp: options.scp } : {}),
      });
    },
  };
}

/** Serves `/_simulator/{stats,log,reset,fixtures,chaos,tokens}`; `subPath` is what follows `/_simulator`. */
export async function handleControlRequest(
  control: SimulatorControl,
  method: string,
  subPath: string,
  body: unknown,
): Promise<SimResponse> {
  const op = `${method} ${subPath.replace(/\/+$/, '')}`;
  switch (op) {
    case 'GET /stats':
      return { status: 200, body: control.stats() };
    case 'GET /log':
      return { status: 200, body: { value: control.log() } };
    case 'POST /reset':
      control.reset();
      return { status: 204 };
    case 'POST /fixtures': {
      const byName =
        isObject(body) && typeof body.name === 'string' && !('value' in body) && !('calls' in body) && !('callRecords' in body);
      const source = byName ? body.name : body;
      if (typeof source !== 'string' && !isObject(source)) {
        throw new GraphHttpError(400, 'BadRequest', 'The body must be a fixture document or {"name": "<bundled fixture>"}.');
      }
      const merge = isObject(body) && body.merge === true;
      try {
        return { status: 200, body: { loaded: control.loadFixtures(source as string | object, { merge }) } };
      } catch (err) {
        if (err instanceof GraphHttpError) throw err;
        throw new GraphHttpError(
          400,
          'BadRequest',
          `The fixtures could not be loaded: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    case 'GET /chaos':
      return { status: 200, body: { chaos: control.getChaos() } };
    case 'PUT /chaos': {
      if (body !== null && !isObject(body)) throw new GraphHttpError(400, 'BadRequest', 'The body must be a chaos object or null.');
      return { status: 200, body: { chaos: control.setChaos(body as Partial<ChaosOptions> | null) } };
    }
    case 'POST /tokens': {
      const o = isObject(body) ? body : {};
      const token = await control.mintToken({
        ...(typeof o.app === 'string' ? { app: o.app } : {}),
        ...(typeof o.lifetimeSeconds === 'number' ? { lifetimeSeconds: o.lifetimeSeconds } : {}),
        ...(typeof o.audience === 'string' ? { audience: o.audience } : {}),
        ...(typeof o.issuer === 'string' ? { issuer: o.issuer } : {}),
        ...(Array.isArray(o.roles) ? { roles: o.roles.filter((r): r is string => typeof r === 'string') } : {}),
        ...(typeof o.scp === 'string' ? { scp: o.scp } : {}),
      });
      return { status: 200, body: { token_type: 'Bearer', access_token: token } };
    }
    default:
      throw new GraphHttpError(
        404,
        'ResourceNotFound',
        `No control operation '${op}'. Known: GET stats, GET log, POST reset, POST fixtures, GET|PUT chaos, POST tokens.`,
      );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
