/**
 * Certificates made at start: a throwaway CA and a server certificate it signs (SANs localhost, 127.0.0.1,
 * ::1), and self-signed client certificates for apps that authenticate with certificate assertions.
 * RSA key generation costs up to half a second, so one process makes each certificate once and every
 * simulator it starts reuses it (the `shared*` functions).
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { generate } from 'selfsigned';
import type { AppCertificate } from './options.js';

export interface ServerCertificate {
  /** The CA certificate clients must trust (PEM). */
  caPem: string;
  /** Server certificate followed by nothing else; the CA is not sent, clients hold it. */
  certPem: string;
  keyPem: string;
}

const DAY_MS = 86_400_000;

let sharedServer: Promise<ServerCertificate> | undefined;
const sharedApps = new Map<string, Promise<AppCertificate>>();

/** The process's server certificate, made on first use. */
export function sharedServerCertificate(): Promise<ServerCertificate> {
  sharedServer ??= createServerCertificate().catch((err: unknown) => {
    sharedServer = undefined;
    throw err;
  });
  return sharedServer;
}

/** The process's client certificate for this common name, made on first use. */
export function sharedAppCertificate(commonName: string): Promise<AppCertificate> {
  let cert = sharedApps.get(commonName);
  if (!cert) {
    cert = createAppCertificate(commonName).catch((err: unknown) => {
      sharedApps.delete(commonName);
      throw err;
    });
    sharedApps.set(commonName, cert);
  }
  return cert;
}

export async function createServerCertificate(extraHosts: readonly string[] = []): Promise<ServerCertificate> {
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const notAfterDate = new Date(Date.now() + 30 * DAY_MS);
  const ca = await generate([{ name: 'commonName', value: 'comms-graphql simulator CA' }], {
    algorithm: 'sha256',
    keyType: 'ec',
    curve: 'P-256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const names = new Set(['localhost', ...extraHosts.filter((h) => !isIp(h))]);
  const ips = new Set(['127.0.0.1', '::1', ...extraHosts.filter(isIp)]);
  const leaf = await generate([{ name: 'commonName', value: 'localhost' }], {
    algorithm: 'sha256',
    keyType: 'ec',
    curve: 'P-256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...[...names].map((value) => ({ type: 2 as const, value })), ...[...ips].map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  return { caPem: ca.cert, certPem: leaf.cert, keyPem: toPkcs8(leaf.private) };
}

/** A self-signed client certificate and its PKCS#8 key, as an app registration would upload. */
export async function createAppCertificate(commonName: string): Promise<AppCertificate> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    algorithm: 'sha256',
    keySize: 2048,
    notBeforeDate: new Date(Date.now() - DAY_MS),
    notAfterDate: new Date(Date.now() + 365 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return { ...describeCertificate(pems.cert), privateKeyPem: toPkcs8(pems.private) };
}

/** Thumbprints of a PEM certificate (hex, lower case, no separators). */
export function describeCertificate(certificatePem: string): AppCertificate {
  const x509 = new X509Certificate(certificatePem);
  return {
    certificatePem: x509.toString(),
    thumbprintSha1: x509.fingerprint.replaceAll(':', '').toLowerCase(),
    thumbprintSha256: x509.fingerprint256.replaceAll(':', '').toLowerCase(),
  };
}

function toPkcs8(pem: string): string {
  return createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }).toString();
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
