/**
 * The call-notification endpoint, composed: token verification against the OpenID configuration in use, the
 * live-call state that notifications update, and the route handler in front of both.
 */
import type { CallbackSettings } from '../config/callbacks.js';
import type { EventBus } from '../live/events.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { SharedCallStates } from '../redis/liveCallState.js';
import { createCallbackHandler, type CallbackHandler } from './handler.js';
import { createLiveCalls, type LiveCalls } from './liveCalls.js';
import { createCallbackTokenVerifier } from './tokenVerifier.js';

export type { LiveCalls } from './liveCalls.js';

export interface CallbackEndpointOptions {
  settings: CallbackSettings;
  /** The OpenID configuration in use: the configured one, else the embedded simulator's; none refuses every callback. */
  openIdConfigUrl: string | undefined;
  /** The gateway's Graph app: tokens must be issued for its client id and tenant. */
  app: { clientId: string; tenantId: string; caCertificate?: string };
  bus: EventBus;
  /** Call state shared by replicas (REDIS_URL); undefined: this process alone. */
  shared: SharedCallStates | undefined;
  logger: Logger;
  metrics: GatewayMetrics | undefined;
  accepting: () => boolean;
}

export interface CallbackEndpoint {
  handle: CallbackHandler['handle'];
  liveCalls: LiveCalls;
  /** Waits for accepted callbacks to be applied, then stops timers and closes the key server's connections. */
  close(): Promise<void>;
}

export function createCallbackEndpoint(options: CallbackEndpointOptions): CallbackEndpoint {
  const { settings, app } = options;
  const logger = options.logger.child({ component: 'callbacks' });
  const verifier =
    options.openIdConfigUrl === undefined
      ? undefined
      : createCallbackTokenVerifier({
          openIdConfigUrl: options.openIdConfigUrl,
          audience: app.clientId,
          tenantId: app.tenantId,
          ...(app.caCertificate !== undefined ? { caCertificate: app.caCertificate } : {}),
          clockSkewSeconds: settings.clockSkewSeconds,
          refreshIntervalMs: settings.keysRefreshMs,
          refetchCooldownMs: settings.keysRefetchCooldownMs,
          logger,
        });
  if (verifier !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(app.tenantId)) {
    // Graph's callback tokens carry the tenant GUID in `tid`: a domain never matches it.
    logger.warn(
      { tenantId: app.tenantId },
      'the tenant is not a GUID: every call notification will be refused (set AZURE_TENANT_ID to the tenant GUID)',
    );
  }
  if (verifier === undefined) {
    logger.warn('no OpenID configuration for callback tokens (GRAPH_CALLBACK_OPENID_CONFIG_URL): every call notification is refused');
  }
  const liveCalls = createLiveCalls({
    bus: options.bus,
    logger,
    maxCalls: settings.maxCalls,
    maxOperationsPerCall: settings.maxOperationsPerCall,
    endedRetentionMs: settings.endedRetentionMs,
    shared: options.shared,
  });
  const handler = createCallbackHandler({
    verifier,
    liveCalls,
    settings,
    logger: options.logger,
    metrics: options.metrics,
    accepting: options.accepting,
  });
  return {
    handle: handler.handle,
    liveCalls,
    async close() {
      await handler.idle();
      liveCalls.close();
      await verifier?.close();
    },
  };
}
