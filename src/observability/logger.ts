import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = Pick<PinoLogger, 'debug' | 'info' | 'warn' | 'error' | 'child' | 'level'>;

const SECRET_KEYS = [
  'authorization',
  'cookie',
  'clientSecret',
  'client_secret',
  'clientAssertion',
  'client_assertion',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'token',
  'cursorSecret',
  'privateKeyPem',
  'privateKey',
  'password',
];

/**
 * Keys whose values never reach a log line, at the top level or one or two objects down (pino's redaction
 * has no recursive wildcard), plus request and response headers.
 */
export const REDACTED_PATHS = [
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'headers["set-cookie"]',
  '*.headers["set-cookie"]',
];

/** Compact JWS/JWT (base64url JSON header, payload, signature) and bearer credentials in free text. */
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const BEARER_PATTERN = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;

/** Secret values known at run time (client secret, cursor key): scrubbed from every line, wherever they hide. */
const knownSecrets = new Set<string>();

/** Registers a secret value to scrub from every log line of every logger in this process. */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= 6) knownSecrets.add(value);
}

/**
 * The last line of defence, after key-based redaction: tokens and known secrets inside messages, error
 * messages or stack traces are replaced in the serialized line (as JSON-escaped text, which is how they
 * appear in it).
 */
export function scrubLine(line: string): string {
  let out = line.replace(JWT_PATTERN, '[redacted-jwt]').replace(BEARER_PATTERN, '$1 [redacted]');
  for (const secret of knownSecrets) {
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (out.includes(escaped)) out = out.split(escaped).join('[redacted]');
  }
  return out;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'comms-graphql' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: scrubLine },
    },
    destination,
  );
}
