import type { EnvReader } from './reader.js';

/** Microsoft's OpenID configuration for the keys that sign Graph's calling callbacks (CALLS-LIVE.md 1.5). */
export const GRAPH_CALLBACK_OPENID_CONFIG_URL = 'https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration';

/** Where Graph reaches the gateway: the callback endpoint of live calls and how its callers are authenticated. */
export interface CallbackSettings {
  /**
   * The gateway's externally reachable base URL (`PUBLIC_URL`), e.g. `https://comms.contoso.com`; Graph POSTs a
   * call's notifications to `${publicUrl}/callbacks/calls`. Undefined: `http://localhost:<port>` once listening,
   * which only the embedded simulator can reach (Graph demands https).
   */
  publicUrl: string | undefined;
  /**
   * The OpenID configuration whose keys sign callback tokens. Undefined with the embedded simulator: its own.
   * Default with real Graph: Microsoft's (GRAPH_CALLBACK_OPENID_CONFIG_URL).
   */
  openIdConfigUrl: string | undefined;
  /** Largest notification body (`CALLBACK_MAX_BODY_BYTES`); larger ones get 413. Default 256 KiB. */
  maxBodyBytes: number;
  /** Callback requests admitted per second, per process (`CALLBACK_RATE_PER_SECOND`); more get 429. Default 100. */
  ratePerSecond: number;
  /** How many callback requests may arrive at once above that rate (`CALLBACK_RATE_BURST`). Default 200. */
  rateBurst: number;
  /** Tolerance for the token's `exp` and `nbf` (`CALLBACK_CLOCK_SKEW_S`). Default 60 s. */
  clockSkewSeconds: number;
  /** Signing keys older than this are refetched (`CALLBACK_KEYS_REFRESH_MS`). Default 2 h, as Microsoft's sample. */
  keysRefreshMs: number;
  /** Least time between key fetches forced by an unknown `kid` or a failure (`CALLBACK_KEYS_REFETCH_COOLDOWN_MS`). Default 60 s. */
  keysRefetchCooldownMs: number;
  /** Calls followed at once (`CALLBACK_MAX_CALLS`); past it the least recently changed is forgotten. Default 10000. */
  maxCalls: number;
  /** Operations remembered per call (`CALLBACK_MAX_OPERATIONS_PER_CALL`). Default 100. */
  maxOperationsPerCall: number;
  /** How long an ended call's state stays readable (`CALLBACK_ENDED_RETENTION_MS`). Default 10 minutes. */
  endedRetentionMs: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function readCallbacks(read: EnvReader, graphKind: 'azure' | 'simulator'): CallbackSettings {
  return {
    publicUrl: readPublicUrl(read, graphKind),
    openIdConfigUrl: readOpenIdConfigUrl(read) ?? (graphKind === 'azure' ? GRAPH_CALLBACK_OPENID_CONFIG_URL : undefined),
    maxBodyBytes: read.int('CALLBACK_MAX_BODY_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
    ratePerSecond: read.int('CALLBACK_RATE_PER_SECOND', 100, 1, 100_000),
    rateBurst: read.int('CALLBACK_RATE_BURST', 200, 1, 100_000),
    clockSkewSeconds: read.int('CALLBACK_CLOCK_SKEW_S', 60, 0, 300),
    keysRefreshMs: read.int('CALLBACK_KEYS_REFRESH_MS', 2 * 3_600_000, 60_000, 24 * 3_600_000),
    keysRefetchCooldownMs: read.int('CALLBACK_KEYS_REFETCH_COOLDOWN_MS', 60_000, 1_000, 3_600_000),
    maxCalls: read.int('CALLBACK_MAX_CALLS', 10_000, 1, 1_000_000),
    maxOperationsPerCall: read.int('CALLBACK_MAX_OPERATIONS_PER_CALL', 100, 1, 10_000),
    endedRetentionMs: read.int('CALLBACK_ENDED_RETENTION_MS', 10 * 60_000, 0, 24 * 3_600_000),
  };
}

/** https, or http on loopback only (a local key server in development and tests). */
function readOpenIdConfigUrl(read: EnvReader): string | undefined {
  const raw = read.str('GRAPH_CALLBACK_OPENID_CONFIG_URL');
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
      read.problem(`GRAPH_CALLBACK_OPENID_CONFIG_URL must be an https URL (http only on loopback), got "${raw}"`);
    }
    if (url.username || url.password) read.problem('GRAPH_CALLBACK_OPENID_CONFIG_URL must not carry credentials');
    return url.href;
  } catch {
    read.problem(`GRAPH_CALLBACK_OPENID_CONFIG_URL must be a URL such as ${GRAPH_CALLBACK_OPENID_CONFIG_URL}, got "${raw}"`);
    return undefined;
  }
}

function readPublicUrl(read: EnvReader, graphKind: 'azure' | 'simulator'): string | undefined {
  const raw = read.str('PUBLIC_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    read.problem(`PUBLIC_URL must be an absolute URL such as https://comms.contoso.com, got "${raw}"`);
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') read.problem(`PUBLIC_URL must be an http or https URL, got "${raw}"`);
  if (graphKind === 'azure' && url.protocol !== 'https:')
    read.problem(`PUBLIC_URL must be https with real Graph (Graph calls back over https only), got "${raw}"`);
  if (url.search || url.hash || url.username || url.password)
    read.problem(`PUBLIC_URL must not carry a query, fragment or credentials, got "${raw}"`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
