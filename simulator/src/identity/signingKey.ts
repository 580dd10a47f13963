/** The RSA key the simulated identity platform signs access tokens with, and its published JWK. */
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Public JWK as published in the JWKS (`kid`, `use`, `alg` set). */
  publicJwk: JWK;
}

export const TOKEN_ALGORITHM = 'RS256';

let shared: Promise<SigningKey> | undefined;

/** The process's token signing key, made on first use (RSA generation is slow; tokens name their issuer's port). */
export function sharedSigningKey(): Promise<SigningKey> {
  shared ??= createSigningKey().catch((err: unknown) => {
    shared = undefined;
    throw err;
  });
  return shared;
}

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALGORITHM, { modulusLength: 2048 });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateKey, publicKey, publicJwk: { ...jwk, kid, use: 'sig', alg: TOKEN_ALGORITHM } };
}
