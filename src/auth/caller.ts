import type { Permission } from '../config/security.js';

/** Who is calling: a validated token's subject and grants, or nobody checked (AUTH_MODE=none). */
export type Caller =
  | { kind: 'anonymous' }
  | {
      kind: 'token';
      /** The token's `sub` (an app's service principal or a user). */
      subject: string;
      /** The calling application (`azp` or `appid`), when the token names it. */
      appId?: string;
      /** Permissions the token's `roles` (and `scp`, when accepted) grant. */
      permissions: ReadonlySet<Permission>;
    };

export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous' });

/** True when the caller may do what the permission names; anyone may when authentication is off. */
export function callerMay(caller: Caller, permission: Permission): boolean {
  return caller.kind === 'anonymous' || caller.permissions.has(permission);
}

/**
 * A short, stable name for the caller, for taking turns (the Graph budget): the calling app when the token names
 * it (every user of one app is one caller), else the token's subject; everyone is one caller without authentication.
 */
export function callerKey(caller: Caller): string {
  return caller.kind === 'anonymous' ? 'anonymous' : `app:${caller.appId ?? caller.subject}`;
}
