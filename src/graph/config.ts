/**
 * Configuration of the Graph client: the type callers fill in and `resolveGraphConfig`, which validates
 * everything at once, applies defaults (the limits' from settings.ts) and freezes the result.
 */

import type { BudgetTelemetry } from './budget/budget.js';
import { BUDGET_FAMILIES, GRAPH_BUDGET_DEFAULTS, type BudgetLimits } from './budget/buckets.js';
import type { SharedBudgetStore } from './budget/store.js';
import type { GraphLogger, GraphTelemetry } from './request.js';
import { CHINA_HOSTS, CHINA_REFUSAL, NATIONAL_CLOUDS, resolveLimits, type GraphLimits, type NationalCloud } from './settings.js';

export type GraphApiVersion = 'v1.0' | 'beta';

export type GraphCredential =
  | { clientSecret: string }
  | {
      certificate: {
        /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
        privateKeyPem: string;
        /** The certificate (chain) registered on the app; gives the thumbprint and the `x5c` header. */
        certificatePem: string;
      };
    };

export interface GraphClientConfig {
  /** National cloud; picks the default Graph origin and login host. Default `global`. China is refused. */
  cloud?: NationalCloud | 'china';
  /** Graph origin, scheme and host only. Default: the cloud's (`https://graph.microsoft.com`). */
  graphOrigin?: string;
  /** Default `v1.0`. */
  apiVersion?: GraphApiVersion;
  tenantId: string;
  clientId: string;
  credential: GraphCredential;
  /** Token issuer origin. Default: the cloud's (`https://login.microsoftonline.com`). */
  authorityHost?: string;
  /**
   * Hosts (`host[:port]`) MSAL may treat as authorities without asking Microsoft's instance-discovery
   * endpoint. Needed for any non-Microsoft authority host (the simulator); default: the authority
   * host when it is not the cloud's own login host, else none.
   */
  knownAuthorities?: readonly string[];
  /** Default `<graphOrigin>/.default`. */
  scope?: string;
  /** Extra trusted CA certificate(s), PEM, for both Graph calls and the token endpoint. */
  caCertificate?: string;
  /** Attempts, timeouts, concurrency, batching, retry budget and circuit breaker: see GRAPH_LIMITS for defaults and bounds. */
  limits?: Partial<GraphLimits>;
  logger?: GraphLogger;
  /** Receives one event per HTTP request to Graph (metrics); see handlers/telemetry.ts. Default none. */
  telemetry?: GraphTelemetry;
  /** Graph's throttling budget (budget/budget.ts). Default: on, Graph's limits, this process alone. */
  budget?: GraphBudgetConfig;
}

export interface GraphBudgetConfig {
  /** Default true. Off: requests go without asking (Graph's 429s and the retry handler still apply). */
  enabled?: boolean;
  /** Per bucket family; default Graph's (budget/buckets.ts GRAPH_BUDGET_DEFAULTS). */
  limits?: Partial<BudgetLimits>;
  /** Share (%) of each limit this process takes on its own, without or while without the shared store. Default 100. */
  localSharePercent?: number;
  /** Added to each window for the time between taking and Graph's counting. Default 1000 ms. */
  marginMs?: number;
  /** Windows shared with the other replicas (Redis); default none. */
  shared?: SharedBudgetStore;
  telemetry?: BudgetTelemetry;
}

export interface ResolvedBudgetConfig {
  readonly enabled: boolean;
  readonly limits: BudgetLimits;
  readonly localSharePercent: number;
  readonly marginMs: number;
  readonly shared: SharedBudgetStore | undefined;
  readonly telemetry: BudgetTelemetry | undefined;
}

export interface ResolvedGraphConfig {
  readonly graphOrigin: string;
  readonly apiVersion: GraphApiVersion;
  /** `<graphOrigin>/<apiVersion>` */
  readonly baseUrl: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly credential: GraphCredential;
  readonly authorityHost: string;
  readonly knownAuthorities: readonly string[];
  readonly scope: string;
  readonly caCertificate: string | undefined;
  readonly telemetry: GraphTelemetry | undefined;
  readonly limits: GraphLimits;
  readonly budget: ResolvedBudgetConfig;
}

export class GraphConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid Graph client configuration: ${problems.join('; ')}`);
    this.name = 'GraphConfigError';
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Validates an origin (https, or http on loopback only, for local simulators and tests). */
function checkOrigin(name: string, value: string, problems: string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`${name} must be an absolute URL like https://graph.microsoft.com, got ${JSON.stringify(value)}`);
    return undefined;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    problems.push(`${name} must use https (http only on loopback), got ${JSON.stringify(value)}`);
    return undefined;
  }
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    problems.push(`${name} must be an origin (scheme, host, port) without path, query or credentials, got ${JSON.stringify(value)}`);
    return undefined;
  }
  if (CHINA_HOSTS.includes(url.hostname)) {
    problems.push(CHINA_REFUSAL);
    return undefined;
  }
  return url.origin;
}

/** Validates the whole configuration, reporting every problem in one GraphConfigError; returns it frozen. */
export function resolveGraphConfig(config: GraphClientConfig): ResolvedGraphConfig {
  const problems: string[] = [];
  const cloudName = config.cloud ?? 'global';
  if (cloudName === 'china') problems.push(CHINA_REFUSAL);
  const cloud = cloudName === 'china' ? NATIONAL_CLOUDS.global : NATIONAL_CLOUDS[cloudName];
  if (cloud === undefined) problems.push(`cloud must be one of global, usgov, usgovdod, got ${JSON.stringify(cloudName)}`);

  const graphOrigin = checkOrigin('graphOrigin', config.graphOrigin ?? cloud?.graphOrigin ?? '', problems) ?? '';
  const authorityHost = checkOrigin('authorityHost', config.authorityHost ?? cloud?.authorityHost ?? '', problems) ?? '';
  const apiVersion = config.apiVersion ?? 'v1.0';
  if (apiVersion !== 'v1.0' && apiVersion !== 'beta') {
    problems.push(`apiVersion must be v1.0 or beta, got ${JSON.stringify(apiVersion)}`);
  }
  if (!config.tenantId || /[/?#\s]/.test(config.tenantId)) {
    problems.push(`tenantId must be a tenant GUID or domain, got ${JSON.stringify(config.tenantId)}`);
  }
  if (!config.clientId) problems.push('clientId is required');

  const cred = config.credential as Partial<{ clientSecret: unknown; certificate: unknown }> | undefined;
  if (!cred || (typeof cred.clientSecret !== 'string' && typeof cred.certificate !== 'object')) {
    problems.push('credential must be { clientSecret } or { certificate: { privateKeyPem, certificatePem } }');
  } else if (typeof cred.clientSecret === 'string') {
    if (cred.clientSecret.length === 0) problems.push('credential.clientSecret must not be empty');
  } else {
    const cert = cred.certificate as Partial<{ privateKeyPem: unknown; certificatePem: unknown }> | null;
    if (!cert || typeof cert.privateKeyPem !== 'string' || !cert.privateKeyPem.includes('PRIVATE KEY-----')) {
      problems.push('credential.certificate.privateKeyPem must be a PEM private key');
    }
    if (!cert || typeof cert.certificatePem !== 'string' || !cert.certificatePem.includes('-----BEGIN CERTIFICATE-----')) {
      problems.push('credential.certificate.certificatePem must be a PEM certificate');
    }
  }

  const limits = resolveLimits(config.limits ?? {}, problems);
  const budget = resolveBudget(config.budget ?? {}, problems);
  if (config.caCertificate !== undefined && !config.caCertificate.includes('-----BEGIN CERTIFICATE-----')) {
    problems.push('caCertificate must be PEM (-----BEGIN CERTIFICATE-----)');
  }

  if (problems.length > 0) throw new GraphConfigError(problems);

  const authorityUrl = new URL(authorityHost);
  const isCloudLoginHost = Object.values(NATIONAL_CLOUDS).some((c) => c.authorityHost === authorityHost);
  const knownAuthorities = config.knownAuthorities ?? (isCloudLoginHost ? [] : [authorityUrl.host]);

  return Object.freeze({
    graphOrigin,
    apiVersion,
    baseUrl: `${graphOrigin}/${apiVersion}`,
    tenantId: config.tenantId,
    clientId: config.clientId,
    credential: config.credential,
    authorityHost,
    knownAuthorities: Object.freeze([...knownAuthorities]),
    scope: config.scope ?? `${graphOrigin}/.default`,
    caCertificate: config.caCertificate,
    telemetry: config.telemetry,
    limits,
    budget,
  });
}

function resolveBudget(config: GraphBudgetConfig, problems: string[]): ResolvedBudgetConfig {
  const limits = { ...GRAPH_BUDGET_DEFAULTS, ...config.limits };
  for (const family of BUDGET_FAMILIES) {
    const { limit, windowMs } = limits[family];
    if (!Number.isInteger(limit) || limit < 1) problems.push(`budget.limits.${family}.limit must be a positive integer, got ${limit}`);
    if (!Number.isInteger(windowMs) || windowMs < 1 || windowMs > 3_600_000) {
      problems.push(`budget.limits.${family}.windowMs must be an integer between 1 and 3600000, got ${windowMs}`);
    }
  }
  const localSharePercent = config.localSharePercent ?? 100;
  if (!Number.isInteger(localSharePercent) || localSharePercent < 1 || localSharePercent > 100) {
    problems.push(`budget.localSharePercent must be an integer between 1 and 100, got ${localSharePercent}`);
  }
  const marginMs = config.marginMs ?? 1000;
  if (!Number.isInteger(marginMs) || marginMs < 0 || marginMs > 60_000) {
    problems.push(`budget.marginMs must be an integer between 0 and 60000, got ${marginMs}`);
  }
  return Object.freeze({
    enabled: config.enabled ?? true,
    limits: Object.freeze(limits),
    localSharePercent,
    marginMs,
    shared: config.shared,
    telemetry: config.telemetry,
  });
}
