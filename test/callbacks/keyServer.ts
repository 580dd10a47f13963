import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

/**
 * A stand-in for Microsoft's callback key server on loopback: an OpenID configuration whose `jwks_uri` lists one
 * RS256 key, counting the requests to each path. `sign` mints callback tokens like Graph's, claims overridable.
 */
export interface KeyServer {
  openIdConfigUrl: string;
  /** Requests so far, by path (`/openid`, `/keys`). */
  hits: Record<string, number>;
  sign(claims: JWTPayload, header?: { kid?: string; key?: CryptoKey }): Promise<string>;
  /** A key the server does not publish, for forged signatures. */
  foreignKey: CryptoKey;
  stop(): Promise<void>;
}

export async function startKeyServer(defaults: { audience: string; tenantId: string }): Promise<KeyServer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', use: 'sig', alg: 'RS256' };
  const hits: Record<string, number> = {};
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    hits[path] = (hits[path] ?? 0) + 1;
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const body =
      path === '/openid'
        ? { issuer: 'https://api.botframework.com', jwks_uri: `${origin}/keys` }
        : path === '/keys'
          ? { keys: [jwk] }
          : undefined;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    openIdConfigUrl: `http://127.0.0.1:${port}/openid`,
    hits,
    foreignKey: foreign.privateKey,
    sign(claims, header = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ tid: defaults.tenantId, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: header.kid ?? jwk.kid })
        .setIssuer(typeof claims.iss === 'string' ? claims.iss : 'https://api.botframework.com')
        .setAudience(claims.aud ?? defaults.audience)
        .setIssuedAt(now)
        .setNotBefore(typeof claims.nbf === 'number' ? claims.nbf : now - 5)
        .setExpirationTime(typeof claims.exp === 'number' ? claims.exp : now + 600)
        .sign(header.key ?? privateKey);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
