/**
 * The Graph client's tunable limits, one row each: the environment variable that sets it, its default and
 * its bounds. The client checks what it is given against these rows and the gateway's configuration reads
 * the environment through them, so a setting has one name, one default and one range everywhere.
 */

interface IntegerSetting {
  readonly env: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

interface BooleanSetting {
  readonly env: string;
  readonly default: boolean;
}

const int = (env: string, dflt: number, min: number, max: number): IntegerSetting => ({ env, default: dflt, min, max });

export const GRAPH_LIMITS = {
  /** One HTTP attempt (connect, headers and body), clipped to what remains of the operation deadline. */
  attemptTimeoutMs: int('GRAPH_ATTEMPT_TIMEOUT_MS', 10_000, 10, 300_000),
  /** Attempts per Graph request, the first included. */
  maxAttempts: int('GRAPH_MAX_ATTEMPTS', 3, 1, 10),
  /** First backoff ceiling when Graph gives no Retry-After; doubles per attempt (full jitter). */
  retryBaseDelayMs: int('GRAPH_RETRY_BASE_DELAY_MS', 500, 0, 60_000),
  /** Longest single wait, Retry-After included; a longer Retry-After is not waited out. */
  retryMaxDelayMs: int('GRAPH_RETRY_MAX_DELAY_MS', 30_000, 0, 600_000),
  /** Graph requests on the wire at once, across all operations; more wait in a queue within their deadline. */
  maxConcurrency: int('GRAPH_MAX_CONCURRENCY', 64, 1, 10_000),
  /** Items per `$batch` request (Graph's maximum is 20). */
  batchMaxItems: int('GRAPH_BATCH_MAX_ITEMS', 20, 1, 20),
  /** How long the `$batch` transport gathers GETs of concurrent operations; 0 is the next turn of the event loop. */
  batchWindowMs: int('GRAPH_BATCH_WINDOW_MS', 0, 0, 1000),
  /** Retries may add at most this share (%) on top of first attempts over the budget's window. */
  retryBudgetPercent: int('GRAPH_RETRY_BUDGET_PERCENT', 20, 0, 1000),
  /** Retries always allowed per second, whatever the traffic. */
  retryBudgetMinPerSecond: int('GRAPH_RETRY_BUDGET_MIN_PER_SECOND', 5, 0, 10_000),
  /** The retry budget's sliding window. */
  retryBudgetWindowMs: int('GRAPH_RETRY_BUDGET_WINDOW_MS', 10_000, 1000, 600_000),
  /** The circuit breaker: fail fast while Graph keeps failing. */
  breakerEnabled: { env: 'GRAPH_BREAKER_ENABLED', default: true } as BooleanSetting,
  /** The circuit opens when at least this share (%) of the window's requests failed... */
  breakerFailurePercent: int('GRAPH_BREAKER_FAILURE_PERCENT', 50, 1, 100),
  /** ...and the window holds at least this many requests. */
  breakerMinRequests: int('GRAPH_BREAKER_MIN_REQUESTS', 20, 1, 100_000),
  /** The breaker's sliding window. */
  breakerWindowMs: int('GRAPH_BREAKER_WINDOW_MS', 10_000, 1000, 600_000),
  /** How long an open circuit fails fast before letting probes through. */
  breakerCooldownMs: int('GRAPH_BREAKER_COOLDOWN_MS', 5000, 100, 600_000),
  /** Probes let through at once while the circuit is half-open. */
  breakerHalfOpenProbes: int('GRAPH_BREAKER_HALF_OPEN_PROBES', 1, 1, 100),
} as const;

export type GraphLimitName = keyof typeof GRAPH_LIMITS;

/** Every limit with its value: booleans for boolean rows, integers for the rest. */
export type GraphLimits = {
  readonly [K in GraphLimitName]: (typeof GRAPH_LIMITS)[K] extends BooleanSetting ? boolean : number;
};

export function isIntegerSetting(setting: IntegerSetting | BooleanSetting): setting is IntegerSetting {
  return typeof setting.default === 'number';
}

/** The message for an integer outside its bounds, or undefined when it is fine. */
export function integerProblem(name: string, value: unknown, min: number, max: number): string | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : `${name} must be an integer between ${min} and ${max}, got ${typeof value === 'string' ? `"${value}"` : String(value)}`;
}

/** Fills in defaults and checks bounds; each problem is pushed onto `problems` (the default stands in for a bad value). */
export function resolveLimits(given: Partial<Record<GraphLimitName, unknown>>, problems: string[]): GraphLimits {
  const out: Record<string, number | boolean> = {};
  for (const [name, setting] of Object.entries(GRAPH_LIMITS) as Array<[GraphLimitName, IntegerSetting | BooleanSetting]>) {
    const value = given[name];
    if (value === undefined) {
      out[name] = setting.default;
    } else if (isIntegerSetting(setting)) {
      const problem = integerProblem(`limits.${name}`, value, setting.min, setting.max);
      if (problem) problems.push(problem);
      out[name] = problem ? setting.default : (value as number);
    } else if (typeof value !== 'boolean') {
      problems.push(`limits.${name} must be true or false, got ${String(value)}`);
      out[name] = setting.default;
    } else {
      out[name] = value;
    }
  }
  return Object.freeze(out) as GraphLimits;
}

// ---------------------------------------------------------------------------------------------------
// National clouds: where Graph and its token service live.

export type NationalCloud = 'global' | 'usgov' | 'usgovdod';

/** Graph docs: national clouds. China (21Vianet) is absent on purpose: calls and callRecords are not offered there. */
export const NATIONAL_CLOUDS: Readonly<Record<NationalCloud, { readonly graphOrigin: string; readonly authorityHost: string }>> =
  Object.freeze({
    global: { graphOrigin: 'https://graph.microsoft.com', authorityHost: 'https://login.microsoftonline.com' },
    usgov: { graphOrigin: 'https://graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' },
    usgovdod: { graphOrigin: 'https://dod-graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' },
  });

export const CHINA_HOSTS: readonly string[] = [
  'microsoftgraph.chinacloudapi.cn',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
];
export const CHINA_REFUSAL = 'the China cloud (21Vianet) is not supported: Microsoft Graph offers no calls or callRecords APIs there';
