import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { JwtAuthSettings, Permission } from '../config/security.js';
import type { GatewayError } from '../errors/index.js';
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
          const refusal = permissionRefusal(document, operation, request.variables ?? {}, contextValue.caller, grants);
          if (refusal) throw refusal;
          return Promise.resolve();
        },
      });
    },
  };
}

/**
 * FORBIDDEN naming each role or scope the caller lacks for this operation, or undefined when it may run it. The
 * Apollo plugin above applies it over HTTP, subscriptions/admission.ts over WebSocket.
 */
export function permissionRefusal(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  caller: Caller,
  grants: JwtAuthSettings['permissions'] | undefined,
): GatewayError | undefined {
  const missing = [...requiredPermissions(document, operation, variables)].filter((permission) => !callerMay(caller, permission));
  if (missing.length === 0) return undefined;
  return forbidden(`This operation needs ${missing.map((p) => describe(p, grants)).join(' and ')}.`);
}

function describe(permission: Permission, grants: JwtAuthSettings['permissions'] | undefined): string {
  const grant = grants?.[permission];
  return grant ? `the ${grant.role} role or the ${grant.scope} scope` : permission;
}
