/**
 * Looks after the gateway's one Graph subscription on `/communications/callRecords` (CALLS-LIVE.md 3) while this
 * replica owns it: creates it (Graph validates the notification URLs meanwhile), reads it back every check
 * interval (404: Graph lost it, so it is recreated), renews it (PATCH) once less than half its lifetime is left,
 * reauthorizes on `reauthorizationRequired`, recreates on `subscriptionRemoved`, and removes strays pointing at
 * this gateway (a create whose answer was lost, an owner that died mid-create). At stop, the last replica deletes
 * it; otherwise ownership is handed over.
 */
import { randomBytes } from 'node:crypto';
import type { CallRecordNotificationSettings } from '../config/callRecordNotifications.js';
import { GatewayError, GatewayErrorCode } from '../errors/index.js';
import type { GraphClient } from '../graph/index.js';
import type { Logger } from '../observability/logger.js';
import { createOperationGraph, type OperationGraph } from '../upstream/operationGraph.js';
import type { OwnershipStore, SubscriptionRecord } from './ownership.js';

export const CALL_RECORDS_RESOURCE = '/communications/callRecords';

export interface KeeperOptions {
  graph: GraphClient;
  settings: CallRecordNotificationSettings;
  store: OwnershipStore;
  /** `${PUBLIC_URL}/callbacks/callRecords` and its lifecycle sibling. */
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  /** Bound on each Graph request's work. */
  requestTimeoutMs: number;
  logger: Logger;
}

export interface SubscriptionKeeper {
  /** Joins (idempotent): from now on this replica heartbeats and may own the subscription. */
  start(): void;
  /** The clientState notifications must carry, as the owner stored it (reread at most once a second on a miss). */
  clientState(refresh: boolean): Promise<string | undefined>;
  /** A lifecycle event (from any replica, through the bus); the owner acts on it. */
  lifecycle(event: string, subscriptionId: string): void;
  /** What this replica knows now, for tests and logs. */
  status(): { started: boolean; owner: boolean; subscriptionId: string | undefined };
  /** Stops; the last replica deletes the Graph subscription, another one leaves it to the next owner. */
  stop(): Promise<void>;
}

interface SubscriptionBody {
  id: string;
  expirationDateTime: string;
}

export function createSubscriptionKeeper(options: KeeperOptions): SubscriptionKeeper {
  const { settings, store } = options;
  const logger = options.logger.child({ component: 'callRecordSubscription' });
  const lifetimeMs = settings.lifetimeMinutes * 60_000;
  // The lease is renewed three times per lease; the owner's work runs as often, or at its check interval if sooner.
  const leaseEveryMs = Math.max(100, Math.floor(settings.leaseMs / 3));
  const tickMs = Math.min(settings.checkIntervalMs, leaseEveryMs);
  let started = false;
  let stopped = false;
  let owner = false;
  let known: SubscriptionRecord | undefined;
  let lastCheck = 0;
  let lastRefresh = 0;
  let reconcile = false;
  let pending: 'reauthorize' | 'recreate' | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let leaseTimer: ReturnType<typeof setTimeout> | undefined;
  let leasing: Promise<void> = Promise.resolve();
  let running: Promise<void> = Promise.resolve();

  const view = (): OperationGraph => createOperationGraph(options.graph, Date.now() + options.requestTimeoutMs);
  const isNotFound = (error: unknown): boolean => error instanceof GatewayError && error.code === GatewayErrorCode.NotFound;
  const expiration = (): string => new Date(Date.now() + lifetimeMs).toISOString();

  async function create(): Promise<SubscriptionRecord> {
    // Kept across recreations, so a notification in flight from the lost subscription still verifies.
    const clientState = known?.clientState ?? randomBytes(32).toString('base64url');
    const body = {
      changeType: 'created,updated',
      notificationUrl: options.notificationUrl,
      lifecycleNotificationUrl: options.lifecycleNotificationUrl,
      resource: CALL_RECORDS_RESOURCE,
      expirationDateTime: expiration(),
      clientState,
    };
    // Only the lease holder creates: checked again right before, as the lease may have lapsed during slow work.
    if (!(await store.hold(settings.leaseMs))) throw new Error('the call-record subscription lease was lost before creating');
    // Not idempotent: never retried blindly; a lost answer leaves a stray that the reconcile step removes.
    reconcile = true;
    const created = await view().request<SubscriptionBody>({ method: 'POST', path: '/subscriptions', body });
    const record = { id: created.body.id, clientState, expirationDateTime: created.body.expirationDateTime };
    await store.write(record);
    known = record;
    lastCheck = Date.now();
    logger.info({ subscriptionId: record.id, expirationDateTime: record.expirationDateTime }, 'call-record subscription created');
    return record;
  }

  async function renew(record: SubscriptionRecord): Promise<void> {
    const renewed = await view().request<SubscriptionBody>(
      { method: 'PATCH', path: `/subscriptions/${encodeURIComponent(record.id)}`, body: { expirationDateTime: expiration() } },
      { idempotent: true },
    );
    known = { ...record, expirationDateTime: renewed.body.expirationDateTime };
    await store.write(known);
    logger.info({ subscriptionId: record.id, expirationDateTime: known.expirationDateTime }, 'call-record subscription renewed');
  }

  /** Deletes subscriptions of this app that point at this gateway's URL but are not the current one. */
  async function removeStrays(current: SubscriptionRecord): Promise<void> {
    const all = await view().collect<{ id: string; notificationUrl?: string; resource?: string }>('/subscriptions');
    for (const stray of all.filter((s) => s.id !== current.id && s.notificationUrl === options.notificationUrl)) {
      await view()
        .request({ method: 'DELETE', path: `/subscriptions/${encodeURIComponent(stray.id)}` })
        .catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
      logger.warn({ subscriptionId: stray.id }, 'a stray call-record subscription was deleted');
    }
  }

  /**
   * The lease, on its own timer so that slow Graph work never lets it lapse: heartbeat, then take or keep
   * ownership. A replica that becomes owner looks after the subscription at once.
   */
  async function holdLease(): Promise<void> {
    let holds = false;
    try {
      await store.heartbeat(settings.leaseMs * 2);
      holds = await store.hold(settings.leaseMs);
    } catch (error) {
      logger.warn({ err: error }, 'the call-record subscription lease could not be read: not acting as owner');
    }
    if (holds && !owner) {
      logger.info('owner of the call-record subscription');
      reconcile = true;
      lastCheck = 0;
      owner = true;
      schedule(0);
    } else if (!holds && owner) {
      logger.info('no longer the owner of the call-record subscription');
      owner = false;
    }
    if (!holds) known = (await store.read().catch(() => known)) ?? known;
  }

  /** One round of the owner's duties; a failure is logged and retried at the next tick. */
  async function look(): Promise<void> {
    if (!owner) return;
    let record = await store.read();
    known = record ?? known;
    const due = pending;
    pending = undefined;
    try {
      if (!record || due === 'recreate') {
        record = await create();
      } else if (due === 'reauthorize') {
        await view().request(
          { method: 'POST', path: `/subscriptions/${encodeURIComponent(record.id)}/reauthorize`, body: {} },
          { idempotent: true },
        );
        logger.info({ subscriptionId: record.id }, 'call-record subscription reauthorized');
      } else if (Date.now() - lastCheck >= settings.checkIntervalMs) {
        const current = await view().request<SubscriptionBody>({ method: 'GET', path: `/subscriptions/${encodeURIComponent(record.id)}` });
        lastCheck = Date.now();
        record = { ...record, expirationDateTime: current.body.expirationDateTime };
        if (Date.parse(record.expirationDateTime) - Date.now() < lifetimeMs / 2) await renew(record);
      }
      if (reconcile) {
        await removeStrays(record);
        reconcile = false;
      }
    } catch (error) {
      if (isNotFound(error)) {
        logger.warn({ subscriptionId: record?.id }, 'Graph no longer has the call-record subscription: recreating it');
        await create();
        return;
      }
      if (due) pending = due;
      throw error;
    }
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      running = running
        .then(look)
        .catch((error: unknown) => logger.error({ err: error }, 'looking after the call-record subscription failed; retrying'))
        .finally(() => schedule(tickMs));
    }, delayMs);
    timer.unref?.();
  }

  function leaseSoon(delayMs: number): void {
    if (stopped) return;
    leaseTimer = setTimeout(() => {
      leasing = holdLease().finally(() => leaseSoon(leaseEveryMs));
    }, delayMs);
    leaseTimer.unref?.();
  }

  return {
    start() {
      if (started || stopped) return;
      started = true;
      leaseSoon(0);
      schedule(tickMs);
    },
    async clientState(refresh) {
      if ((refresh || !known) && Date.now() - lastRefresh >= 1000) {
        lastRefresh = Date.now();
        known = (await store.read().catch(() => known)) ?? known;
      }
      return known?.clientState;
    },
    lifecycle(event, subscriptionId) {
      if (!owner || (known && known.id !== subscriptionId)) return;
      if (event === 'reauthorizationRequired') pending = 'reauthorize';
      else if (event === 'subscriptionRemoved') pending = 'recreate';
      else {
        // `missed`: Graph dropped notifications; call records can be listed by start time to catch up.
        logger.warn({ subscriptionId, lifecycleEvent: event }, 'Graph reports missed call-record notifications');
        return;
      }
      schedule(0);
    },
    status: () => ({ started, owner, subscriptionId: known?.id }),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      if (leaseTimer) clearTimeout(leaseTimer);
      await leasing.catch(() => undefined);
      await running.catch(() => undefined);
      if (!started) return;
      try {
        if (owner && (await store.othersAlive()) === 0) {
          const record = await store.read();
          if (record) {
            await view()
              .request({ method: 'DELETE', path: `/subscriptions/${encodeURIComponent(record.id)}` })
              .catch((error: unknown) => {
                if (!isNotFound(error)) throw error;
              });
            logger.info({ subscriptionId: record.id }, 'call-record subscription deleted: the last replica stopped');
          }
          await store.clear();
        }
        if (owner) await store.release();
        await store.leave();
      } catch (error) {
        logger.warn({ err: error }, 'the call-record subscription could not be handed over or deleted at stop');
      }
      owner = false;
    },
  };
}
