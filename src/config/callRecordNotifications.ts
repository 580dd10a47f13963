import type { EnvReader } from './reader.js';

/** The longest Graph lets a call-record subscription live (CALLS-LIVE.md 3). */
export const MAX_CALL_RECORD_SUBSCRIPTION_MINUTES = 4230;

/**
 * The gateway's one Graph change-notification subscription on `/communications/callRecords` (behind the
 * `callRecordCreated` and `callRecordUpdated` GraphQL subscriptions): its lifetime, how often its owner looks
 * after it, and, with Redis, how long the ownership lease lasts.
 */
export interface CallRecordNotificationSettings {
  /** Lifetime asked for on create and renewal (`CALL_RECORD_SUBSCRIPTION_MINUTES`). Default and maximum 4230. */
  lifetimeMinutes: number;
  /**
   * How often the owner reads the subscription back from Graph (`CALL_RECORD_SUBSCRIPTION_CHECK_MS`): a 404
   * means Graph lost it (recreated at once), and less than half the lifetime left means renew. Default 10 minutes.
   */
  checkIntervalMs: number;
  /**
   * With REDIS_URL: how long ownership lasts unless renewed (`CALL_RECORD_OWNER_LEASE_MS`); the owner renews it
   * every third of that, and another replica takes over when it lapses. Default 30 s.
   */
  leaseMs: number;
}

export function readCallRecordNotifications(read: EnvReader): CallRecordNotificationSettings {
  return {
    lifetimeMinutes: read.int(
      'CALL_RECORD_SUBSCRIPTION_MINUTES',
      MAX_CALL_RECORD_SUBSCRIPTION_MINUTES,
      5,
      MAX_CALL_RECORD_SUBSCRIPTION_MINUTES,
    ),
    checkIntervalMs: read.int('CALL_RECORD_SUBSCRIPTION_CHECK_MS', 600_000, 100, 86_400_000),
    leaseMs: read.int('CALL_RECORD_OWNER_LEASE_MS', 30_000, 300, 600_000),
  };
}
