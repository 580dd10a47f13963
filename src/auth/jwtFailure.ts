/** Why a JWT was refused, in words safe to show its sender; shared by caller tokens and Graph's callback tokens. */
import { errors } from 'jose';

/** A caller-safe reason, or undefined when the failure was ours (JWKS unreachable or invalid), not the token's. */
export function describeFailure(error: unknown): string | undefined {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'it was issued for another audience';
    if (error.claim === 'iss') return 'it was issued by another issuer';
    if (error.claim === 'nbf') return 'it is not valid yet';
    return `its "${error.claim}" claim is missing or invalid`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'its signature algorithm is not accepted';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no published key matches it';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'several published keys match it';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return 'it is malformed';
  }
  return undefined;
}
