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

/** One key per process, made on first use (RSA generation is slow); a failed attempt is tried again next time. */
export function lazySigningKey(): () => Promise<SigningKey> {
  let shared: Promise<SigningKey> | undefined;
  return () => {
    shared ??= createSigningKey().catch((err: unknown) => {
      shared = undefined;
      throw err;
    });
    return shared;
  };
}

/** The process's token signing key (tokens name their issuer's port, so every simulator may share it). */
export const sharedSigningKey = lazySigningKey();

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALGORITHM, { modulusLength: 2048 });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateKey, publicKey, publicJwk: { ...jwk, kid, use: 'sig', alg: TOKEN_ALGORITHM } };
}
