/**
 * App-only tokens for Graph from one MSAL ConfidentialClientApplication (client secret or certificate).
 * MSAL keeps the token in its in-memory cache and fetches a new one before expiry; `forceRefresh`
 * (used once after a Graph 401) bypasses the cache. MSAL's HTTP goes through undici with the same
 * dispatcher (and so the same extra CA) as Graph calls, and only to the configured authority host.
 */
import { X509Certificate } from 'node:crypto';
import {
  ConfidentialClientApplication,
  LogLevel,
  type Configuration,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { Agent, fetch, type Dispatcher } from 'undici';
import type { ResolvedGraphConfig } from '../config.js';
import type { GraphLogger } from '../request.js';

export interface TokenProvider {
  /** Resolves to a bearer access token for the configured Graph scope. */
  getToken(options: { forceRefresh: boolean }): Promise<string>;
  /**
   * The token `getToken({ forceRefresh: false })` would resolve to at once, when the provider holds one: lets a
   * request skip the wait machinery (abort race, deadline timer) that only a token service call needs.
   */
  heldToken?(): string | undefined;
}

export class TokenAcquisitionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenAcquisitionError';
  }
}

/** MSAL's network module over undici: the given dispatcher, a timeout, and a single allowed origin. */
export class UndiciNetworkModule implements INetworkModule {
  constructor(
    private readonly allowedOrigin: string,
    private readonly dispatcher: Dispatcher | undefined,
    private readonly timeoutMs: number,
  ) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>('GET', url, options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>('POST', url, options);
  }

  private async send<T>(
    method: 'GET' | 'POST',
    url: string,
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const target = new URL(url);
    if (target.origin !== this.allowedOrigin) {
      throw new TokenAcquisitionError(
        `refusing to call ${target.origin}${target.pathname} for a token: only ${this.allowedOrigin} is allowed`,
      );
    }
    const res = await fetch(target, {
      method,
      headers: options?.headers,
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      signal: AbortSignal.timeout(timeout ?? this.timeoutMs),
      redirect: 'manual',
      ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
    });
    const text = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      headers[key] = value;
    });
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch (err) {
      throw new TokenAcquisitionError(`the token service answered HTTP ${res.status} with a body that is not JSON`, { cause: err });
    }
    return { headers, body: body as T, status: res.status };
  }
}

/** Hex SHA-256 thumbprint of the (first) certificate in a PEM chain. */
export function certificateThumbprintSha256(certificatePem: string): string {
  return new X509Certificate(certificatePem).fingerprint256.replaceAll(':', '').toLowerCase();
}

/**
 * One ConfidentialClientApplication for the configured app. `dispatcher` is the Graph client's pool;
 * without one, a pool trusting `config.caCertificate` (when set) is made for the token service.
 */
export function createMsalTokenProvider(
  config: ResolvedGraphConfig,
  dispatcher: Dispatcher | undefined,
  logger: GraphLogger,
): TokenProvider {
  dispatcher ??= config.caCertificate ? new Agent({ connect: { ca: config.caCertificate } }) : undefined;
  const credential = config.credential;
  const auth: Configuration['auth'] = {
    clientId: config.clientId,
    authority: `${config.authorityHost}/${config.tenantId}`,
    knownAuthorities: [...config.knownAuthorities],
  };
  if ('clientSecret' in credential) {
    auth.clientSecret = credential.clientSecret;
  } else {
    auth.clientCertificate = {
      thumbprintSha256: certificateThumbprintSha256(credential.certificate.certificatePem),
      privateKey: credential.certificate.privateKeyPem,
      // MSAL sends the chain as the assertion's x5c header (subject-name/issuer authentication).
      x5c: credential.certificate.certificatePem,
    };
  }
  const app = new ConfidentialClientApplication({
    auth,
    system: {
      networkClient: new UndiciNetworkModule(config.authorityHost, dispatcher, config.limits.attemptTimeoutMs),
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message) => {
          if (level <= LogLevel.Error) logger.warn({ component: 'msal' }, message);
        },
      },
    },
  });

  const scopes = [config.scope];
  // MSAL's own cache lookup costs about as much CPU as the rest of the client's work on a Graph GET
  // (bench/RESULTS.md, profile), so the token is held until five minutes before it expires or until
  // MSAL's refreshOn, whichever is first; after that every call goes to MSAL, which refreshes it.
  let held: { token: string; untilMs: number } | undefined;
  let pending: Promise<string> | undefined;
  let pendingForced: Promise<string> | undefined;

  const acquire = async (forceRefresh: boolean): Promise<string> => {
    try {
      const result = await app.acquireTokenByClientCredential({ scopes, skipCache: forceRefresh });
      if (!result?.accessToken) throw new TokenAcquisitionError('MSAL returned no access token');
      logger.debug(
        { component: 'msal', forceRefresh, fromCache: result.fromCache, expiresOn: result.expiresOn?.toISOString() },
        'graph token',
      );
      const expiresMs = result.expiresOn?.getTime() ?? 0;
      held = { token: result.accessToken, untilMs: Math.min(expiresMs - 5 * 60_000, result.refreshOn?.getTime() ?? Infinity) };
      return result.accessToken;
    } catch (err) {
      if (err instanceof TokenAcquisitionError) throw err;
      const code = typeof (err as { errorCode?: unknown }).errorCode === 'string' ? (err as { errorCode: string }).errorCode : 'unknown';
      throw new TokenAcquisitionError(`could not get a Graph token from ${config.authorityHost} (${code})`, { cause: err });
    }
  };

  // Concurrent callers share one acquisition, so a burst of 401s yields one fresh token, not many.
  const usable = (): string | undefined => (held && Date.now() < held.untilMs ? held.token : undefined);
  return {
    heldToken: usable,
    getToken({ forceRefresh }) {
      const now = forceRefresh ? undefined : usable();
      if (now !== undefined) return Promise.resolve(now);
      if (forceRefresh) {
        held = undefined;
        pendingForced ??= acquire(true).finally(() => {
          pendingForced = undefined;
        });
        return pendingForced;
      }
      pending ??= acquire(false).finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}
