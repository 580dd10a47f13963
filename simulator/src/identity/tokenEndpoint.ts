/**
 * `POST /{tenant}/oauth2/v2.0/token` for the client credentials grant: a client secret or a certificate
 * assertion proves the app; the scope names one resource with `/.default`; the answer is an Entra-shaped
 * token response or an Entra-shaped error.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AppRegistration } from '../options.js';
import { mintAccessToken } from './accessToken.js';
import type { ClientAuthMethod } from './accessToken.js';
import { JWT_BEARER_ASSERTION_TYPE, verifyClientAssertion } from './clientAssertion.js';
import { EntraError } from './entraErrors.js';
import type { SigningKey } from './signingKey.js';

/** Microsoft Graph's resource app id, accepted as a resource like its URI. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';

export interface TokenEndpointContext {
  key: SigningKey;
  tenantId: string;
  apps: readonly AppRegistration[];
  lifetimeSeconds: number;
  /** The origin the client reached us on; it names the issuer and the token endpoint. */
  origin: string;
  /** All origins of this simulator (127.0.0.1, localhost): tokens for any of them are accepted. */
  origins: readonly string[];
}

export interface TokenResponse {
  token_type: 'Bearer';
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
}

export interface IssuedToken {
  response: TokenResponse;
  app: AppRegistration;
}

/** Resources a token may be requested for: Graph by URI or app id, and the simulator itself. */
export function acceptedResources(origins: readonly string[]): string[] {
  return [GRAPH_RESOURCE, GRAPH_APP_ID, ...origins];
}

export async function issueToken(form: URLSearchParams, ctx: TokenEndpointContext): Promise<IssuedToken> {
  const grantType = required(form, 'grant_type');
  if (grantType !== 'client_credentials') {
    throw new EntraError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'. Only client_credentials is supported.`,
    );
  }
  const clientId = required(form, 'client_id');
  const app = ctx.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
  if (!app) {
    throw new EntraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${ctx.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }
  const audience = resourceOf(required(form, 'scope'), ctx);
  const method = await authenticateClient(form, app, ctx);
  const accessToken = await mintAccessToken(ctx.key, {
    app,
    tenantId: ctx.tenantId,
    issuer: `${ctx.origin}/${ctx.tenantId}/v2.0`,
    audience,
    lifetimeSeconds: ctx.lifetimeSeconds,
    method,
  });
  return {
    app,
    response: {
      token_type: 'Bearer',
      expires_in: ctx.lifetimeSeconds,
      ext_expires_in: ctx.lifetimeSeconds,
      access_token: accessToken,
    },
  };
}

function resourceOf(scope: string, ctx: TokenEndpointContext): string {
  const scopes = scope.split(' ').filter((s) => s !== '');
  if (scopes.length !== 1) {
    throw new EntraError(
      400,
      'invalid_scope',
      70011,
      `The provided request must include a 'scope' input parameter naming exactly one resource with /.default; got '${scope}'.`,
    );
  }
  const only = scopes[0] ?? '';
  if (!only.endsWith('/.default')) {
    throw new EntraError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${only} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resource = only.slice(0, -'/.default'.length).replace(/\/$/, '');
  const apis = ctx.apps.flatMap((a) => Object.keys(a.apiRoles ?? {}));
  if (!acceptedResources(ctx.origins).includes(resource) && !apis.includes(resource)) {
    throw new EntraError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${ctx.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }
  return resource;
}

async function authenticateClient(form: URLSearchParams, app: AppRegistration, ctx: TokenEndpointContext): Promise<ClientAuthMethod> {
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (secret !== null && secret !== '') {
    if (app.clientSecret === undefined || !sameSecret(secret, app.clientSecret)) {
      throw new EntraError(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
      );
    }
    return 'secret';
  }
  if (assertion !== null && assertion !== '') {
    const type = form.get('client_assertion_type');
    if (type !== JWT_BEARER_ASSERTION_TYPE) {
      throw new EntraError(
        400,
        'invalid_request',
        50027,
        `client_assertion_type must be '${JWT_BEARER_ASSERTION_TYPE}', got '${type ?? ''}'.`,
      );
    }
    const endpoints = ctx.origins.map((o) => `${o}/${ctx.tenantId}/oauth2/v2.0/token`);
    await verifyClientAssertion(assertion, app, endpoints);
    return 'certificate';
  }
  throw new EntraError(
    401,
    'invalid_client',
    7000216,
    "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
  );
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (value === null || value === '') {
    throw new EntraError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);
  }
  return value;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
