/**
 * Security settings: who may call the gateway (bearer JWTs or nobody checked), what each operation may
 * cost, which browsers may call it, and what the landing page and introspection reveal.
 */
import type { EnvReader } from './reader.js';

/**
 * What a caller may be allowed to do; each root field needs one (src/auth/permissions.ts):
 * - `callRecords.read`, `calls.read`: the queries;
 * - `pstnCalls.read`: the PSTN and Direct Routing call logs (phone numbers and charges), granted apart as Graph grants
 *   them apart (CallRecord-PstnCalls.Read.All);
 * - `calls.create`: place a call (createCall);
 * - `calls.answer`: decide what happens to an incoming call (answer, reject, redirect);
 * - `calls.control`: act on a call the application is in: transfer, prompts, mute, DTMF, hold, roster, hang up;
 * - `calls.record`: capture what participants say or key in (recordResponse, subscribeToTone) and declare
 *   recording (updateRecordingStatus): the privacy-sensitive actions, granted apart.
 */
export type Permission =
  'callRecords.read' | 'pstnCalls.read' | 'calls.read' | 'calls.create' | 'calls.answer' | 'calls.control' | 'calls.record';

/** The app role (`roles` claim) or delegated scope (`scp` claim) that grants a permission. */
export interface PermissionGrant {
  role: string;
  scope: string;
}

export interface JwtAuthSettings {
  mode: 'jwt';
  /**
   * Where the signing keys are. Undefined means the embedded simulator's JWKS and issuer (development:
   * AUTH_MODE=jwt with the simulator and no AUTH_JWKS_URL).
   */
  jwksUrl?: string;
  /** The `iss` every token must carry; undefined only with the simulator's JWKS. */
  issuer?: string;
  /** The `aud` every token must carry. Default `api://comms-graphql`. */
  audience: string;
  /** Accepted signature algorithms; asymmetric only. Default RS256, PS256, ES256. */
  algorithms: readonly string[];
  /** Tolerated clock difference for `exp` and `nbf`. Default 60 s. */
  clockSkewSeconds: number;
  /** Whether delegated scopes (`scp`) grant permissions besides app roles (`roles`). Default true. */
  acceptScopes: boolean;
  /** Extra CA certificates (PEM) to trust when fetching the JWKS. */
  jwksCaCertificate?: string;
  permissions: Readonly<Record<Permission, PermissionGrant>>;
}

export interface NoAuthSettings {
  mode: 'none';
}

export type CallerAuthSettings = JwtAuthSettings | NoAuthSettings;

/** Limits every operation must fit before it runs. */
export interface OperationLimits {
  /** Deepest field nesting. Default 12. */
  maxDepth: number;
  /** Aliased fields per operation. Default 50 (aliasing many `call(id:)` is how a client batches; cost bounds the rest). */
  maxAliases: number;
  /** Directives per operation. Default 50. */
  maxDirectives: number;
  /** Lexical tokens per document. Default 2000. */
  maxTokens: number;
  /**
   * Cost: each field 1, a `first` (or `_entities` representations) multiplying its subtree, each paged
   * Graph list request 500 more. Default 10000.
   */
  maxCost: number;
}

export interface SecuritySettings {
  auth: CallerAuthSettings;
  limits: OperationLimits;
  /** Largest accepted request body. Default 256 KiB. */
  maxBodyBytes: number;
  /** Schema introspection. Default on except in production. */
  introspection: boolean;
  /**
   * What a browser opening GET /graphql sees: `graphiql` (GraphiQL built from this gateway's own assets, with the
   * README's operations; works offline), `sandbox` (Apollo Sandbox, loaded from Apollo's servers), `production`
   * (Apollo's production landing page, no schema exploration), or `off`. Default `graphiql`, except `off` in production.
   */
  landingPage: LandingPage;
  cors: {
    /**
     * Origins allowed to call from a browser; empty means no cross-origin access. CORS_ORIGINS, plus Apollo's hosted
     * Sandbox (`https://studio.apollographql.com`) with CORS_APOLLO_STUDIO, which is on by default only in
     * development on the embedded simulator.
     */
    origins: readonly string[];
    /** Whether cross-origin requests may carry cookies or HTTP auth. Default false. */
    credentials: boolean;
  };
}

export type LandingPage = 'graphiql' | 'sandbox' | 'production' | 'off';

/**
 * The origin of Apollo's hosted Sandbox (studio.apollographql.com/sandbox), which calls the endpoint from the
 * browser. Apollo's embedded Sandbox and Explorer (iframes on sandbox.embed / explorer.embed.apollographql.com)
 * need no entry: they hand each request to the embedding page, which sends it from its own origin.
 */
export const APOLLO_STUDIO_ORIGIN = 'https://studio.apollographql.com';

export const DEFAULT_AUDIENCE = 'api://comms-graphql';
export const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256'] as const;
/** Asymmetric JWS algorithms only: `none` and HMAC would let anyone holding the public key forge tokens. */
const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Reads the security section; problems go to the shared reader. */
export function readSecurity(read: EnvReader, graphKind: 'azure' | 'simulator', runtimeEnv: string): SecuritySettings {
  const notProduction = runtimeEnv !== 'production';
  return {
    auth: readAuth(read, graphKind),
    limits: {
      maxDepth: read.int('LIMIT_MAX_DEPTH', 12, 2, 100),
      maxAliases: read.int('LIMIT_MAX_ALIASES', 50, 0, 1000),
      maxDirectives: read.int('LIMIT_MAX_DIRECTIVES', 50, 0, 1000),
      maxTokens: read.int('LIMIT_MAX_TOKENS', 2000, 100, 100_000),
      maxCost: read.int('LIMIT_MAX_COST', 10_000, 10, 10_000_000),
    },
    maxBodyBytes: read.int('MAX_BODY_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
    introspection: read.bool('INTROSPECTION', notProduction),
    landingPage: read.oneOf<LandingPage>('LANDING_PAGE', ['graphiql', 'sandbox', 'production', 'off'], notProduction ? 'graphiql' : 'off'),
    cors: { origins: readCorsOrigins(read, graphKind, runtimeEnv), credentials: read.bool('CORS_CREDENTIALS', false) },
  };
}

function readAuth(read: EnvReader, graphKind: 'azure' | 'simulator'): CallerAuthSettings {
  const mode = read.oneOf<'jwt' | 'none'>('AUTH_MODE', ['jwt', 'none'], graphKind === 'azure' ? 'jwt' : 'none');
  const allowAnonymous = read.bool('AUTH_ALLOW_ANONYMOUS_WITH_REAL_GRAPH', false);
  if (mode === 'none') {
    if (graphKind === 'azure' && !allowAnonymous) {
      read.problem(
        'AUTH_MODE=none with real Graph would let anyone who reaches the gateway read every call record and place calls; ' +
          'configure AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE, or opt out explicitly with AUTH_ALLOW_ANONYMOUS_WITH_REAL_GRAPH=true',
      );
    }
    return { mode: 'none' };
  }

  const jwksUrl = readJwksUrl(read);
  const issuer = read.str('AUTH_ISSUER');
  if (graphKind === 'azure' && jwksUrl === undefined) {
    read.problem(
      'AUTH_JWKS_URL is required with real Graph: callers must be authenticated (e.g. https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys), ' +
        'or opt out with AUTH_MODE=none and AUTH_ALLOW_ANONYMOUS_WITH_REAL_GRAPH=true',
    );
  }
  if (jwksUrl !== undefined && issuer === undefined) {
    read.problem('AUTH_ISSUER is required with AUTH_JWKS_URL (e.g. https://login.microsoftonline.com/<tenant>/v2.0)');
  }
  if (jwksUrl === undefined && issuer !== undefined && graphKind === 'simulator') {
    read.problem('AUTH_ISSUER needs AUTH_JWKS_URL; leave both unset to trust the embedded simulator');
  }
  const algorithms = read.list('AUTH_ALGORITHMS');
  for (const alg of algorithms) {
    if (!ALLOWED_ALGORITHMS.includes(alg)) {
      read.problem(`AUTH_ALGORITHMS must list asymmetric JWS algorithms (${ALLOWED_ALGORITHMS.join(', ')}), got "${alg}"`);
    }
  }
  const jwksCaCertificate = read.file('AUTH_JWKS_CA_CERT_PATH', 'extra CA certificates for the JWKS');
  return {
    mode: 'jwt',
    ...(jwksUrl !== undefined ? { jwksUrl } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    audience: read.str('AUTH_AUDIENCE') ?? DEFAULT_AUDIENCE,
    algorithms: algorithms.length > 0 ? algorithms : [...DEFAULT_ALGORITHMS],
    clockSkewSeconds: read.int('AUTH_CLOCK_SKEW_S', 60, 0, 600),
    acceptScopes: read.bool('AUTH_ACCEPT_SCOPES', true),
    ...(jwksCaCertificate !== undefined ? { jwksCaCertificate } : {}),
    permissions: {
      'callRecords.read': {
        role: read.str('AUTH_ROLE_CALL_RECORDS_READ') ?? 'CallRecords.Read',
        scope: read.str('AUTH_SCOPE_CALL_RECORDS_READ') ?? 'callrecords.read',
      },
      'pstnCalls.read': {
        role: read.str('AUTH_ROLE_PSTN_CALLS_READ') ?? 'PstnCalls.Read',
        scope: read.str('AUTH_SCOPE_PSTN_CALLS_READ') ?? 'pstncalls.read',
      },
      'calls.read': { role: read.str('AUTH_ROLE_CALLS_READ') ?? 'Calls.Read', scope: read.str('AUTH_SCOPE_CALLS_READ') ?? 'calls.read' },
      'calls.create': {
        role: read.str('AUTH_ROLE_CALLS_CREATE') ?? 'Calls.Create',
        scope: read.str('AUTH_SCOPE_CALLS_CREATE') ?? 'calls.create',
      },
      'calls.answer': {
        role: read.str('AUTH_ROLE_CALLS_ANSWER') ?? 'Calls.Answer',
        scope: read.str('AUTH_SCOPE_CALLS_ANSWER') ?? 'calls.answer',
      },
      'calls.control': {
        role: read.str('AUTH_ROLE_CALLS_CONTROL') ?? 'Calls.Control',
        scope: read.str('AUTH_SCOPE_CALLS_CONTROL') ?? 'calls.control',
      },
      'calls.record': {
        role: read.str('AUTH_ROLE_CALLS_RECORD') ?? 'Calls.Record',
        scope: read.str('AUTH_SCOPE_CALLS_RECORD') ?? 'calls.record',
      },
    },
  };
}

/** https, or http on loopback only (a local identity provider). */
function readJwksUrl(read: EnvReader): string | undefined {
  const raw = read.str('AUTH_JWKS_URL');
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
      read.problem(`AUTH_JWKS_URL must be an https URL (http only on loopback), got "${raw}"`);
    }
    if (url.username || url.password) read.problem('AUTH_JWKS_URL must not carry credentials');
    return url.href;
  } catch {
    read.problem(`AUTH_JWKS_URL must be a URL such as https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys, got "${raw}"`);
    return undefined;
  }
}

/**
 * CORS_ORIGINS, and Apollo's hosted Sandbox when CORS_APOLLO_STUDIO says so. Its default is on only in development
 * against the embedded simulator (NODE_ENV unset counts as development): there the data is made up, while with real
 * Graph the hosted Sandbox would be a third-party page reading real call records through the developer's browser.
 */
function readCorsOrigins(read: EnvReader, graphKind: 'azure' | 'simulator', runtimeEnv: string): string[] {
  const origins = readOrigins(read);
  const studio = read.bool('CORS_APOLLO_STUDIO', runtimeEnv === 'development' && graphKind === 'simulator');
  return studio && !origins.includes(APOLLO_STUDIO_ORIGIN) ? [...origins, APOLLO_STUDIO_ORIGIN] : origins;
}

/** `https://app.example.com` origins; `*` is refused (an allowlist is the point). */
function readOrigins(read: EnvReader): string[] {
  const origins: string[] = [];
  for (const raw of read.list('CORS_ORIGINS')) {
    try {
      const url = new URL(raw);
      if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== raw.replace(/\/$/, '')) {
        read.problem(`CORS_ORIGINS must list origins such as https://app.example.com (scheme, host, port), got "${raw}"`);
      } else {
        origins.push(url.origin);
      }
    } catch {
      read.problem(`CORS_ORIGINS must list origins such as https://app.example.com, got "${raw}"`);
    }
  }
  return origins;
}
