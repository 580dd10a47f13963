import type { ApolloServerPlugin } from '@apollo/server';
import type { JwtAuthSettings, Permission } from '../config/security.js';
import { callerMay, type Caller } from './caller.js';
import { forbidden } from './errors.js';
import { requiredPermissions } from './permissions.js';

export { requiredPermissions } from './permissions.js';

/**
 * Per-operation authorization, after the operation is parsed and validated and before anything runs:
 * every root field's permission (and each `_entities` type's) must be granted, else the whole operation
 * is refused with FORBIDDEN and HTTP 403, so no Graph request is made for a caller who may not see it.
 */
export function createAuthorizationPlugin<TContext extends { caller: Caller }>(
  grants: JwtAuthSettings['permissions'] | undefined,
): ApolloServerPlugin<TContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ contextValue, document, operation, request }) {
          if (!operation) return Promise.resolve();
          const missing = [...requiredPermissions(document, operation, request.variables ?? {})].filter(
            (permission) => !callerMay(contextValue.caller, permission),
          );
          if (missing.length > 0) throw forbidden(`This operation needs ${missing.map((p) => describe(p, grants)).join(' and ')}.`);
          return Promise.resolve();
        },
      });
    },
  };
}

function describe(permission: Permission, grants: JwtAuthSettings['permissions'] | undefined): string {
  const grant = grants?.[permission];
  return grant ? `the ${grant.role} role or the ${grant.scope} scope` : permission;
}
