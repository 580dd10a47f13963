import { readFileSync } from 'node:fs';
import { NATIONAL_CLOUDS, type NationalCloud } from '../graph/index.js';
import { EnvReader, type Env } from './reader.js';
import { readUpstream, type UpstreamSettings } from './upstream.js';
import { readSecurity, type SecuritySettings } from './security.js';
import { readObservability, type ObservabilitySettings } from './observability.js';
import { readCallbacks, type CallbackSettings } from './callbacks.js';
import { readCallRecordNotifications, type CallRecordNotificationSettings } from './callRecordNotifications.js';
import { readSubscriptions, type SubscriptionSettings } from './subscriptions.js';
import { readRedis, type RedisSettings } from './redis.js';
import { readCallRecordCache, type CallRecordCacheSettings } from './callRecordCache.js';
import { readBudget, type BudgetSettings } from './budget.js';

export type CloudName = NationalCloud;

export type RuntimeEnv = 'development' | 'production' | 'test';
export type ApiVersion = 'v1.0' | 'beta';

export type AzureCredential =
  { kind: 'secret'; clientSecret: string } | { kind: 'certificate'; privateKeyPem: string; certificatePem: string };

/** Real Microsoft Graph, reached with an app registration's client credentials. */
export interface AzureGraphSettings {
  kind: 'azure';
  cloud: CloudName;
  /** Graph origin, e.g. `https://graph.microsoft.com`. */
  baseUrl: string;
  /** Entra token host, e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  tenantId: string;
  clientId: string;
  credential: AzureCredential;
  /** Extra CA certificates (PEM) to trust, e.g. a corporate TLS-inspecting proxy. */
  caCertificate?: string;
}

/** The embedded Graph simulator, started in process. */
export interface SimulatorGraphSettings {
  kind: 'simulator';
}

export interface GatewayConfig {
  env: RuntimeEnv;
  /** HTTP port of the gateway. Default 4000. */
  port: number;
  /** Interface to bind. Default 127.0.0.1 with the simulator, 0.0.0.0 with real Graph. */
  host: string;
  logLevel: string;
  apiVersion: ApiVersion;
  graph: AzureGraphSettings | SimulatorGraphSettings;
  /** Key that signs paging cursors. Replicas behind one router must share it. */
  cursorSecret: string;
  paging: { defaultFirst: number; maxFirst: number };
  /** Upper bound on one operation's upstream work (attempts, retries, waits). Default 20 s. */
  operationTimeoutMs: number;
  /** Attempts, timeouts, concurrency cap, `$batch`, retry budget and circuit breaker for Graph requests (GRAPH_LIMITS). */
  upstream: UpstreamSettings;
  /** Caller authentication, operation limits, CORS, introspection and landing page (config/security.ts). */
  security: SecuritySettings;
  /** Metrics on /metrics (config/observability.ts). */
  observability: ObservabilitySettings;
  /** The public base URL Graph calls back to, and the keys that sign its callbacks (config/callbacks.ts). */
  callbacks: CallbackSettings;
  /** The Graph subscription on call records behind `callRecordCreated` / `callRecordUpdated`. */
  callRecordNotifications: CallRecordNotificationSettings;
  /** GraphQL subscriptions over WebSocket: connection and subscription caps, keep-alive (config/subscriptions.ts). */
  subscriptions: SubscriptionSettings;
  /** Redis shared by replicas (config/redis.ts); no URL: one process, as before. */
  redis: RedisSettings;
  /** The version-keyed call-record cache: in-process LRU and, with Redis, a shared level (config/callRecordCache.ts). */
  callRecordCache: CallRecordCacheSettings;
  /** Graph's throttling budget, shared by the replicas through Redis (config/budget.ts). */
  budget: BudgetSettings;
  /** How operations execute: graphql-jit compiled once per document (default), or graphql-js (GRAPHQL_EXECUTOR). */
  executor: 'jit' | 'graphql-js';
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const AZURE_KEYS = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH'] as const;

/**
 * Reads, defaults and validates the whole configuration at once, reporting every problem in one
 * ConfigError. With no Azure variables set the gateway runs on the embedded simulator. Each concern's
 * settings are read by its own section below; a section records problems on the shared reader.
 */
export function loadConfig(env: Env, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): GatewayConfig {
  const read = new EnvReader(env, readFile);
  const runtimeEnv = read.oneOf<RuntimeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const graph = readGraph(read);
  const redis = readRedis(read);
  const config: GatewayConfig = {
    env: runtimeEnv,
    port: read.int('PORT', 4000, 0, 65535),
    host: read.str('HOST') ?? (graph.kind === 'simulator' ? '127.0.0.1' : '0.0.0.0'),
    logLevel: read.oneOf('LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], 'info'),
    apiVersion: read.oneOf<ApiVersion>('GRAPH_API_VERSION', ['v1.0', 'beta'], 'v1.0'),
    graph,
    cursorSecret: readCursorSecret(read, graph, runtimeEnv),
    paging: readPaging(read),
    operationTimeoutMs: read.int('OPERATION_TIMEOUT_MS', 20_000, 100, 120_000),
    upstream: readUpstream(read),
    security: readSecurity(read, graph.kind, runtimeEnv),
    observability: readObservability(read),
    callbacks: readCallbacks(read, graph.kind),
    callRecordNotifications: readCallRecordNotifications(read),
    subscriptions: readSubscriptions(read),
    redis,
    callRecordCache: readCallRecordCache(read),
    budget: readBudget(read, redis.url !== undefined),
    executor: read.oneOf<'jit' | 'graphql-js'>('GRAPHQL_EXECUTOR', ['jit', 'graphql-js'], 'jit'),
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return deepFreeze(config);
}

function readGraph(read: EnvReader): AzureGraphSettings | SimulatorGraphSettings {
  const azureSet = AZURE_KEYS.filter((key) => read.str(key) !== undefined);
  if (azureSet.length === 0) return { kind: 'simulator' };

  const rawCloud = read.str('GRAPH_CLOUD');
  if (rawCloud === 'china') {
    read.problem('GRAPH_CLOUD "china" is not supported: Microsoft Graph offers no calls or call records in the 21Vianet cloud');
  }
  const cloud = rawCloud === 'china' ? 'global' : read.oneOf<CloudName>('GRAPH_CLOUD', ['global', 'usgov', 'usgovdod'], 'global');
  const tenantId = read.str('AZURE_TENANT_ID');
  const clientId = read.str('AZURE_CLIENT_ID');
  const secret = read.str('AZURE_CLIENT_SECRET');
  const certPath = read.str('AZURE_CLIENT_CERTIFICATE_PATH');
  if (!tenantId) read.problem('AZURE_TENANT_ID is required when any Azure credential is set (a tenant GUID or domain)');
  else if (!/^[A-Za-z0-9.-]{1,253}$/.test(tenantId)) read.problem(`AZURE_TENANT_ID must be a tenant GUID or domain, got "${tenantId}"`);
  if (!clientId) read.problem("AZURE_CLIENT_ID is required when any Azure credential is set (the app registration's client id)");
  if (secret && certPath) read.problem('set either AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, not both');
  if (!secret && !certPath) read.problem('one of AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH is required with real Graph');

  let credential: AzureCredential = { kind: 'secret', clientSecret: secret ?? '' };
  if (certPath && !secret) {
    const pem = read.file('AZURE_CLIENT_CERTIFICATE_PATH', 'the app certificate') ?? '';
    const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(pem)?.[0];
    const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
    if (pem && (!key || !cert)) {
      read.problem(
        `AZURE_CLIENT_CERTIFICATE_PATH must name a PEM file holding both the certificate and its unencrypted private key (${certPath})`,
      );
    }
    credential = { kind: 'certificate', privateKeyPem: key ?? '', certificatePem: cert ?? '' };
  }
  const caCertificate = read.file('GRAPH_CA_CERT_PATH', 'extra CA certificates');
  return {
    kind: 'azure',
    cloud,
    baseUrl: read.httpsOrigin('GRAPH_BASE_URL', NATIONAL_CLOUDS[cloud].graphOrigin),
    authorityHost: read.httpsOrigin('AZURE_AUTHORITY_HOST', NATIONAL_CLOUDS[cloud].authorityHost),
    tenantId: tenantId ?? '',
    clientId: clientId ?? '',
    credential,
    ...(caCertificate ? { caCertificate } : {}),
  };
}

function readCursorSecret(read: EnvReader, graph: AzureGraphSettings | SimulatorGraphSettings, runtimeEnv: RuntimeEnv): string {
  const secret = read.str('CURSOR_SECRET');
  if (secret !== undefined && secret.length < 32) read.problem(`CURSOR_SECRET must be at least 32 characters, got ${secret.length}`);
  if (secret !== undefined) return secret;
  if (graph.kind === 'azure' && runtimeEnv === 'production') {
    read.problem('CURSOR_SECRET is required in production with real Graph (at least 32 characters, the same on every replica)');
  }
  // Without a configured secret, cursors are valid only within this process.
  return crypto.randomUUID() + crypto.randomUUID();
}

function readPaging(read: EnvReader): GatewayConfig['paging'] {
  const defaultFirst = read.int('PAGE_DEFAULT_FIRST', 20, 1, 1000);
  const maxFirst = read.int('PAGE_MAX_FIRST', 100, 1, 1000);
  if (defaultFirst > maxFirst) read.problem(`PAGE_DEFAULT_FIRST (${defaultFirst}) must not exceed PAGE_MAX_FIRST (${maxFirst})`);
  return { defaultFirst, maxFirst };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
