import type { GatewayConfig } from '../config/index.js';
import type { GraphClientConfig } from '../graph/index.js';
import type { Logger } from '../observability/logger.js';
import { jwtAuthentication, noAuthentication, type CallerAuthentication } from './authenticator.js';

export type { Caller } from './caller.js';
export { ANONYMOUS, callerMay } from './caller.js';
export type { CallerAuthentication } from './authenticator.js';
export { createAuthorizationPlugin, permissionRefusal, requiredPermissions } from './authorization.js';

/**
 * The gateway's caller authentication. With AUTH_MODE=jwt and no AUTH_JWKS_URL on the embedded simulator,
 * tokens are checked against the simulator's own JWKS and issuer, trusting its CA (development).
 * Says loudly when nobody is checked.
 */
export function createCallerAuthentication(config: GatewayConfig, graph: GraphClientConfig, logger: Logger): CallerAuthentication {
  const auth = config.security.auth;
  const log = logger.child({ component: 'auth' });
  if (auth.mode === 'none') {
    log.warn(
      { authMode: 'none', graph: config.graph.kind },
      config.graph.kind === 'azure'
        ? 'CALLER AUTHENTICATION IS OFF WITH REAL GRAPH (AUTH_ALLOW_ANONYMOUS_WITH_REAL_GRAPH=true): anyone who reaches this gateway can read every call record and place calls'
        : 'caller authentication is off (AUTH_MODE=none, embedded simulator): every request is served without a token; set AUTH_MODE=jwt to require simulator-minted tokens',
    );
    return noAuthentication();
  }
  if (auth.jwksUrl !== undefined && auth.issuer !== undefined) {
    log.info({ jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience }, 'caller authentication: bearer JWTs');
    return jwtAuthentication({ ...auth, jwksUrl: auth.jwksUrl, issuer: auth.issuer }, log);
  }
  if (config.graph.kind !== 'simulator' || graph.authorityHost === undefined) {
    throw new Error('AUTH_MODE=jwt needs AUTH_JWKS_URL and AUTH_ISSUER unless the gateway runs on the embedded simulator');
  }
  const base = `${graph.authorityHost}/${graph.tenantId}`;
  const resolved = {
    ...auth,
    jwksUrl: `${base}/discovery/v2.0/keys`,
    issuer: `${base}/v2.0`,
    ...(graph.caCertificate !== undefined ? { jwksCaCertificate: graph.caCertificate } : {}),
  };
  log.info(
    { jwksUrl: resolved.jwksUrl, issuer: resolved.issuer, audience: auth.audience },
    "caller authentication: bearer JWTs from the embedded simulator's token endpoint",
  );
  return jwtAuthentication(resolved, log);
}
