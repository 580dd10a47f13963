import { readFileSync } from 'node:fs';

/** Where Graph lives. China (21Vianet) is absent: calls and call records are not offered there. */
export const CLOUDS = {
  global: { graph: 'https://graph.microsoft.com', login: 'https://login.microsoftonline.com' },
  usgov: { graph: 'https://graph.microsoft.us', login: 'https://login.microsoftonline.us' },
  usgovdod: { graph: 'https://dod-graph.microsoft.us', login: 'https://login.microsoftonline.us' },
} as const;
export type CloudName = keyof typeof CLOUDS;

export type RuntimeEnv = 'development' | 'production' | 'test';
export type ApiVersion = 'v1.0' | 'beta';

export type AzureCredential =
  | { kind: 'secret'; clientSecret: string }
  | { kind: 'certificate'; privateKeyPem: string; certificatePem: string };

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
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const AZURE_KEYS = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH'] as const;

/**
 * Reads, defaults and validates the whole configuration at once, reporting every problem in one
 * ConfigError. With no Azure variables set the gateway runs on the embedded simulator.
 */
export function loadConfig(env: Env, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): GatewayConfig {
  const problems: string[] = [];
  const str = (key: string): string | undefined => {
    const value = env[key]?.trim();
    return value ? value : undefined;
  };
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const raw = str(key);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key} must be an integer between ${min} and ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const raw = str(key);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  };
  const httpsOrigin = (key: string, fallback: string): string => {
    const raw = str(key);
    if (raw === undefined) return fallback;
    try {
      const url = new URL(raw);
      if (url.protocol !== 'https:') problems.push(`${key} must be an https URL, got "${raw}"`);
      if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
        problems.push(`${key} must be an origin without path, query or credentials (e.g. https://graph.microsoft.com), got "${raw}"`);
      }
      return url.origin;
    } catch {
      problems.push(`${key} must be a URL such as https://graph.microsoft.com, got "${raw}"`);
      return fallback;
    }
  };

  const runtimeEnv = oneOf<RuntimeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const apiVersion = oneOf<ApiVersion>('GRAPH_API_VERSION', ['v1.0', 'beta'], 'v1.0');
  const logLevel = oneOf('LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], 'info');
  const port = int('PORT', 4000, 0, 65535);
  const operationTimeoutMs = int('OPERATION_TIMEOUT_MS', 20_000, 100, 120_000);
  const defaultFirst = int('PAGE_DEFAULT_FIRST', 20, 1, 1000);
  const maxFirst = int('PAGE_MAX_FIRST', 100, 1, 1000);
  if (defaultFirst > maxFirst) problems.push(`PAGE_DEFAULT_FIRST (${defaultFirst}) must not exceed PAGE_MAX_FIRST (${maxFirst})`);

  const azureSet = AZURE_KEYS.filter((key) => str(key) !== undefined);
  let graph: AzureGraphSettings | SimulatorGraphSettings = { kind: 'simulator' };
  if (azureSet.length > 0) {
    const rawCloud = str('GRAPH_CLOUD');
    if (rawCloud === 'china') {
      problems.push('GRAPH_CLOUD "china" is not supported: Microsoft Graph offers no calls or call records in the 21Vianet cloud');
    }
    const cloud = rawCloud === 'china' ? 'global' : oneOf<CloudName>('GRAPH_CLOUD', ['global', 'usgov', 'usgovdod'], 'global');
    const tenantId = str('AZURE_TENANT_ID');
    const clientId = str('AZURE_CLIENT_ID');
    const secret = str('AZURE_CLIENT_SECRET');
    const certPath = str('AZURE_CLIENT_CERTIFICATE_PATH');
    if (!tenantId) problems.push('AZURE_TENANT_ID is required when any Azure credential is set (a tenant GUID or domain)');
    else if (!/^[A-Za-z0-9.-]{1,253}$/.test(tenantId)) problems.push(`AZURE_TENANT_ID must be a tenant GUID or domain, got "${tenantId}"`);
    if (!clientId) problems.push('AZURE_CLIENT_ID is required when any Azure credential is set (the app registration\'s client id)');
    if (secret && certPath) problems.push('set either AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, not both');
    if (!secret && !certPath) problems.push('one of AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH is required with real Graph');

    let credential: AzureCredential = { kind: 'secret', clientSecret: secret ?? '' };
    if (certPath && !secret) {
      try {
        const pem = readFile(certPath);
        const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(pem)?.[0];
        const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
        if (!key || !cert) problems.push(`AZURE_CLIENT_CERTIFICATE_PATH must name a PEM file holding both the certificate and its unencrypted private key (${certPath})`);
        credential = { kind: 'certificate', privateKeyPem: key ?? '', certificatePem: cert ?? '' };
      } catch {
        problems.push(`AZURE_CLIENT_CERTIFICATE_PATH cannot be read: ${certPath}`);
      }
    }

    let caCertificate: string | undefined;
    const caPath = str('GRAPH_CA_CERT_PATH');
    if (caPath) {
      try {
        caCertificate = readFile(caPath);
      } catch {
        problems.push(`GRAPH_CA_CERT_PATH cannot be read: ${caPath}`);
      }
    }
    graph = {
      kind: 'azure',
      cloud,
      baseUrl: httpsOrigin('GRAPH_BASE_URL', CLOUDS[cloud].graph),
      authorityHost: httpsOrigin('AZURE_AUTHORITY_HOST', CLOUDS[cloud].login),
      tenantId: tenantId ?? '',
      clientId: clientId ?? '',
      credential,
      ...(caCertificate ? { caCertificate } : {}),
    };
  }

  let cursorSecret = str('CURSOR_SECRET');
  if (cursorSecret !== undefined && cursorSecret.length < 32) {
    problems.push(`CURSOR_SECRET must be at least 32 characters, got ${cursorSecret.length}`);
  }
  if (cursorSecret === undefined) {
    if (graph.kind === 'azure' && runtimeEnv === 'production') {
      problems.push('CURSOR_SECRET is required in production with real Graph (at least 32 characters, the same on every replica)');
    }
    // Without a configured secret, cursors are valid only within this process.
    cursorSecret = crypto.randomUUID() + crypto.randomUUID();
  }

  const host = str('HOST') ?? (graph.kind === 'simulator' ? '127.0.0.1' : '0.0.0.0');

  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze({
    env: runtimeEnv,
    port,
    host,
    logLevel,
    apiVersion,
    graph,
    cursorSecret,
    paging: { defaultFirst, maxFirst },
    operationTimeoutMs,
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
