/**
 * Configuration of the Graph client: the type callers fill in, the national-cloud table, and
 * `resolveGraphConfig`, which validates everything at once, applies defaults and freezes the result.
 */

import type { GraphTelemetry } from './handlers/telemetry.js';

export type GraphApiVersion = 'v1.0' | 'beta';

/** pino-compatible subset; the client never passes tokens, secrets or headers to it. */
export interface GraphLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

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

export type NationalCloud = 'global' | 'usgov' | 'usgovdod';

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
  timeouts?: {
    /** Per HTTP attempt, headers and body. Default 10 000 ms; bounds 1..300 000. */
    attemptMs?: number;
  };
  retry?: {
    /** Attempts per request, first included. Default 3; bounds 1..10. */
    maxAttempts?: number;
    /** First backoff ceiling when Graph gives no Retry-After; doubles per attempt. Default 500 ms. */
    baseDelayMs?: number;
    /** Longest single wait, Retry-After included; a longer Retry-After fails at once. Default 30 000 ms. */
    maxDelayMs?: number;
  };
  /** Upstream protection: how much load the client may put on Graph, and when it stops trying. */
  protection?: {
    /** Graph requests on the wire at once; more wait in a queue, within their deadline. Default 64; bounds 1..10 000. */
    maxConcurrency?: number;
    retryBudget?: {
      /** Retries may add at most this share of first attempts over the window. Default 20; bounds 0..1000. */
      percent?: number;
      /** Retries always allowed per second, whatever the traffic. Default 5; bounds 0..10 000. */
      minPerSecond?: number;
      /** Default 10 000 ms; bounds 1 000..600 000. */
      windowMs?: number;
    };
    breaker?: {
      /** Default true. */
      enabled?: boolean;
      /** Share of failed requests (5xx, timeouts, dropped connections) that opens the circuit. Default 50; bounds 1..100. */
      failurePercent?: number;
      /** Requests the window must hold before it can open. Default 20; bounds 1..100 000. */
      minRequests?: number;
      /** Default 10 000 ms; bounds 1 000..600 000. */
      windowMs?: number;
      /** How long an open circuit fails fast before probing. Default 5 000 ms; bounds 100..600 000. */
      cooldownMs?: number;
      /** Probes let through at once while half-open. Default 1; bounds 1..100. */
      halfOpenProbes?: number;
    };
  };
  batch?: {
    /** Items per `$batch` request. Default 20 (Graph's maximum); bounds 1..20. */
    maxItems?: number;
    /** How long the transport gathers items before flushing. Default 0: the next macrotask. */
    windowMs?: number;
  };
  logger?: GraphLogger;
  /** Receives one event per HTTP request to Graph (metrics); see handlers/telemetry.ts. Default none. */
  telemetry?: GraphTelemetry;
}

interface CloudEndpoints {
  graphOrigin: string;
  authorityHost: string;
}

/** Graph docs: national clouds and permissions. China (21Vianet) is absent on purpose: calls and callRecords are not offered there. */
export const NATIONAL_CLOUDS: Readonly<Record<NationalCloud, CloudEndpoints>> = Object.freeze({
  global: { graphOrigin: 'https://graph.microsoft.com', authorityHost: 'https://login.microsoftonline.com' },
  usgov: { graphOrigin: 'https://graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' },
  usgovdod: { graphOrigin: 'https://dod-graph.microsoft.us', authorityHost: 'https://login.microsoftonline.us' },
});

const CHINA_HOSTS = ['microsoftgraph.chinacloudapi.cn', 'login.chinacloudapi.cn', 'login.partner.microsoftonline.cn'];
const CHINA_MESSAGE =
  'the China cloud (21Vianet) is not supported: Microsoft Graph offers no calls or callRecords APIs there';

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
  readonly attemptTimeoutMs: number;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly batchMaxItems: number;
  readonly batchWindowMs: number;
  readonly telemetry: GraphTelemetry | undefined;
  readonly maxConcurrency: number;
  readonly retryBudget: { readonly percent: number; readonly minPerSecond: number; readonly windowMs: number };
  /** Undefined when the breaker is turned off. */
  readonly breaker:
    | {
        readonly failurePercent: number;
        readonly minRequests: number;
        readonly windowMs: number;
        readonly cooldownMs: number;
        readonly halfOpenProbes: number;
      }
    | undefined;
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
    problems.push(CHINA_MESSAGE);
    return undefined;
  }
  return url.origin;
}

function checkInt(name: string, value: number | undefined, dflt: number, min: number, max: number, problems: string[]): number {
  if (value === undefined) return dflt;
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer between ${min} and ${max}, got ${String(value)}`);
    return dflt;
  }
  return value;
}

/** Validates the whole configuration, reporting every problem in one GraphConfigError; returns it frozen. */
export function resolveGraphConfig(config: GraphClientConfig): ResolvedGraphConfig {
  const problems: string[] = [];
  const cloudName = config.cloud ?? 'global';
  if (cloudName === 'china') problems.push(CHINA_MESSAGE);
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

  const attemptTimeoutMs = checkInt('timeouts.attemptMs', config.timeouts?.attemptMs, 10_000, 1, 300_000, problems);
  const maxAttempts = checkInt('retry.maxAttempts', config.retry?.maxAttempts, 3, 1, 10, problems);
  const baseDelayMs = checkInt('retry.baseDelayMs', config.retry?.baseDelayMs, 500, 0, 60_000, problems);
  const maxDelayMs = checkInt('retry.maxDelayMs', config.retry?.maxDelayMs, 30_000, 0, 600_000, problems);
  const batchMaxItems = checkInt('batch.maxItems', config.batch?.maxItems, 20, 1, 20, problems);
  const batchWindowMs = checkInt('batch.windowMs', config.batch?.windowMs, 0, 0, 1_000, problems);
  const protection = config.protection ?? {};
  const maxConcurrency = checkInt('protection.maxConcurrency', protection.maxConcurrency, 64, 1, 10_000, problems);
  const retryBudget = {
    percent: checkInt('protection.retryBudget.percent', protection.retryBudget?.percent, 20, 0, 1000, problems),
    minPerSecond: checkInt('protection.retryBudget.minPerSecond', protection.retryBudget?.minPerSecond, 5, 0, 10_000, problems),
    windowMs: checkInt('protection.retryBudget.windowMs', protection.retryBudget?.windowMs, 10_000, 1000, 600_000, problems),
  };
  const b = protection.breaker ?? {};
  const breaker = {
    failurePercent: checkInt('protection.breaker.failurePercent', b.failurePercent, 50, 1, 100, problems),
    minRequests: checkInt('protection.breaker.minRequests', b.minRequests, 20, 1, 100_000, problems),
    windowMs: checkInt('protection.breaker.windowMs', b.windowMs, 10_000, 1000, 600_000, problems),
    cooldownMs: checkInt('protection.breaker.cooldownMs', b.cooldownMs, 5000, 100, 600_000, problems),
    halfOpenProbes: checkInt('protection.breaker.halfOpenProbes', b.halfOpenProbes, 1, 1, 100, problems),
  };
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
    attemptTimeoutMs,
    maxAttempts,
    baseDelayMs,
    maxDelayMs,
    batchMaxItems,
    batchWindowMs,
    telemetry: config.telemetry,
    maxConcurrency,
    retryBudget: Object.freeze(retryBudget),
    breaker: b.enabled === false ? undefined : Object.freeze(breaker),
  });
}
