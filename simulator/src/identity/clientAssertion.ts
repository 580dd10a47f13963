/**
 * Verifies a certificate client assertion (RFC 7523): a JWT signed with the key of a certificate
 * registered on the app, found by its `x5t#S256` or `x5t` header, with `aud` = the token endpoint,
 * `iss` = `sub` = the client id, and a valid `exp`/`nbf`. MSAL signs with PS256 when given a SHA-256
 * thumbprint and RS256 with a SHA-1 one; both are accepted.
 */
import { decodeProtectedHeader, errors, importX509, jwtVerify } from 'jose';
import type { AppRegistration } from '../options.js';
import { EntraError } from './entraErrors.js';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ALGORITHMS = ['PS256', 'RS256'] as const;

export async function verifyClientAssertion(
  assertion: string,
  app: AppRegistration,
  /** Every URL the client may have used for the token endpoint (host aliases). */
  tokenEndpoints: readonly string[],
): Promise<void> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    throw new EntraError(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.');
  }
  const alg = header.alg;
  if (alg !== 'PS256' && alg !== 'RS256') {
    throw new EntraError(
      401,
      'invalid_client',
      5002738,
      `Invalid JWT token. '${String(alg)}' is not a supported signature algorithm. Supported: ${ALGORITHMS.join(', ')}.`,
    );
  }
  const cert = app.certificate;
  const sha256 = typeof header['x5t#S256'] === 'string' ? hexFromBase64Url(header['x5t#S256']) : undefined;
  const sha1 = typeof header.x5t === 'string' ? hexFromBase64Url(header.x5t) : undefined;
  if (!cert || !(sha256 === cert.thumbprintSha256 || sha1 === cert.thumbprintSha1)) {
    const id = sha256 ?? sha1 ?? 'none';
    throw new EntraError(
      401,
      'invalid_client',
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${id.toUpperCase()}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`,
    );
  }
  const key = await importX509(cert.certificatePem, alg);
  try {
    await jwtVerify(assertion, key, {
      algorithms: [alg],
      audience: [...tokenEndpoints],
      issuer: app.clientId,
      subject: app.clientId,
      requiredClaims: ['exp', 'aud', 'iss', 'sub'],
      clockTolerance: 300,
    });
  } catch (err) {
    if (err instanceof errors.JWTExpired) {
      throw new EntraError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
    }
    if (err instanceof errors.JWSSignatureVerificationFailed) {
      throw new EntraError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
    }
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'aud') {
        throw new EntraError(
          401,
          'invalid_client',
          700027,
          `Client assertion contains an invalid audience; expected the token endpoint ${tokenEndpoints[0] ?? ''}.`,
        );
      }
      if (err.claim === 'iss' || err.claim === 'sub') {
        throw new EntraError(401, 'invalid_client', 700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
      }
      throw new EntraError(401, 'invalid_client', 700024, `Client assertion claim '${err.claim}' is invalid: ${err.reason}.`);
    }
    throw new EntraError(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.');
  }
}

function hexFromBase64Url(value: string): string {
  return Buffer.from(value, 'base64url').toString('hex').toLowerCase();
}
