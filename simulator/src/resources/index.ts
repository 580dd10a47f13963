import type { GraphResources, ResourceOptions, Route } from '../types.js';
import { createCallActionRoutes } from './callActions.js';
import { createCallRecordRoutes } from './callRecords.js';
import { createCallRoutes } from './calls.js';
import { generateCalls } from './data/calls.js';
import { readFixtures } from './data/fixtures.js';
import { generateCallRecords } from './data/generator.js';
import { SkipTokens } from './odata/paging.js';
import { CallRecordStore, CallStore } from './store.js';

export { BUNDLED_FIXTURES } from './data/fixtures.js';

/** Defaults of `ResourceOptions`, for callers that set only some of them. */
export const DEFAULT_RESOURCE_OPTIONS: Readonly<ResourceOptions> = Object.freeze({
  seed: 1,
  callRecordCount: 3000,
  now: () => new Date(),
  callEstablishDelayMs: 1500,
});

function validate(options: ResourceOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(options.seed)) problems.push(`seed must be an integer, got ${String(options.seed)}`);
  if (!Number.isInteger(options.callRecordCount) || options.callRecordCount < 0 || options.callRecordCount > 1_000_000) {
    problems.push(`callRecordCount must be an integer between 0 and 1000000, got ${String(options.callRecordCount)}`);
  }
  if (!Number.isFinite(options.callEstablishDelayMs) || options.callEstablishDelayMs < 0) {
    problems.push(`callEstablishDelayMs must be a number >= 0, got ${String(options.callEstablishDelayMs)}`);
  }
  if (typeof options.now !== 'function') problems.push('now must be a function returning a Date');
  if (problems.length) throw new RangeError(`Invalid simulator resource options: ${problems.join('; ')}`);
}

/** Builds the calls and call-records resources over a generated, seeded data set. */
export function createGraphResources(options: ResourceOptions): GraphResources {
  validate(options);
  const records = new CallRecordStore();
  const calls = new CallStore();
  const tokens = new SkipTokens(options.seed);

  const generate = (): void => {
    calls.clear();
    for (const call of generateCalls(options.seed)) calls.put(call);
    records.replace(generateCallRecords({ seed: options.seed, count: options.callRecordCount, now: options.now() }));
  };
  generate();

  const callDeps = { calls, delayMs: options.callEstablishDelayMs, now: options.now };
  const routes: Route[] = [
    ...createCallRoutes(callDeps),
    ...createCallActionRoutes(callDeps),
    ...createCallRecordRoutes({ records, tokens, now: options.now }),
  ];

  return {
    routes,
    reset: generate,
    loadFixtures(source, loadOptions) {
      const set = readFixtures(source);
      if (!loadOptions?.merge) {
        calls.clear();
        records.replace([]);
      }
      records.merge(set.callRecords);
      for (const call of set.calls) {
        calls.remove(call.id);
        calls.put(call);
      }
      return set.callRecords.length + set.calls.length;
    },
    snapshot() {
      return {
        calls: calls.all().map((c) => structuredClone(c.resource)),
        callRecords: records.all().map((r) => ({ ...structuredClone(r.record), participants_v2: structuredClone(r.participants()) })),
      };
    },
    close() {
      calls.clear();
    },
  };
}
