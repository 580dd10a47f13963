import { GraphHttpError } from '../types.js';
import type { GraphResources, IncomingCallInput, ResourceOptions, Route } from '../types.js';
import { createCallActionRoutes } from './callActions.js';
import { newId, RecordingStore } from './callModel.js';
import { liveOf, notifyCall } from './callNotifications.js';
import { createParticipantRoutes } from './participants.js';
import { createCallRecordRoutes } from './callRecords.js';
import { bumpCallRecordVersion } from './callRecordVersions.js';
import { createReportRoutes } from './reports.js';
import { callRecordOfCall } from './callRecordOfCall.js';
import { createCallRoutes } from './calls.js';
import { generateCalls } from './data/calls.js';
import { readFixtures } from './data/fixtures.js';
import { generateCallRecords } from './data/generator.js';
import { generateReportRows, type ReportRows } from './data/reports.js';
import { SkipTokens } from './odata/paging.js';
import { CallRecordStore, CallStore } from './store.js';
import type { Json, StoredCall } from './store.js';
import { JsonDecimal } from '../wire.js';

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

/** How long an injected incoming call waits for answer, reject or redirect (Graph: 15 s). */
export const INCOMING_TIMEOUT_MS = 15_000;

/** Graph's `tone` enum. */
const TONES = [...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => `tone${d}`), 'star', 'pound', 'a', 'b', 'c', 'd', 'flash'];

function incomingCall(input: IncomingCallInput): StoredCall {
  const id = newId();
  // The caller as an identitySet (`{user: {...}}`) or already as the participantInfo the call carries.
  const given = input.source;
  const wrapped: Json | undefined =
    given === undefined
      ? undefined
      : 'identity' in given
        ? given
        : { '@odata.type': '#microsoft.graph.participantInfo', identity: given, region: null, languageId: null };
  const source: Json = wrapped ?? {
    '@odata.type': '#microsoft.graph.participantInfo',
    identity: {
      '@odata.type': '#microsoft.graph.identitySet',
      user: { '@odata.type': '#microsoft.graph.identity', id: newId(), displayName: 'Simulated Caller' },
    },
    region: 'westus',
    languageId: 'en-US',
  };
  const resource: Json = {
    '@odata.type': '#microsoft.graph.call',
    id,
    state: 'incoming',
    direction: 'incoming',
    callbackUri: input.callbackUri,
    subject: null,
    source,
    targets: [
      {
        '@odata.type': '#microsoft.graph.invitationParticipantInfo',
        identity: {
          '@odata.type': '#microsoft.graph.identitySet',
          application: { '@odata.type': '#microsoft.graph.identity', id: input.appId, displayName: null },
        },
      },
    ],
    requestedModalities: input.requestedModalities ? [...input.requestedModalities] : ['audio'],
    mediaConfig: null,
    chatInfo: null,
    meetingInfo: null,
    tenantId: input.tenantId,
    callOptions: null,
    myParticipantId: newId(),
    callChainId: newId(),
    mediaState: null,
    resultInfo: null,
    toneInfo: null,
    transcription: null,
    incomingContext: null,
    callRoutes: [],
  };
  return {
    id,
    ownerAppId: input.appId,
    resource,
    hosting: 'none',
    muted: false,
    recordingStatus: 'notRecording',
    operations: new Map(),
    timers: new Set(),
  };
}

function withDecimalDigits(row: Json): Json {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof JsonDecimal ? value.digits : value]));
}

/** Builds the calls and call-records resources over a generated, seeded data set. */
export function createGraphResources(options: ResourceOptions): GraphResources {
  validate(options);
  const records = new CallRecordStore();
  const calls = new CallStore();
  const tokens = new SkipTokens(options.seed);
  let reports: ReportRows = { pstn: [], directRouting: [] };

  const generate = (): void => {
    calls.clear();
    for (const call of generateCalls(options.seed)) calls.put(call);
    const now = options.now();
    records.replace(generateCallRecords({ seed: options.seed, count: options.callRecordCount, now }));
    reports = generateReportRows({ seed: options.seed, now, records: records.all() });
  };
  generate();

  const recordings = new RecordingStore();
  // Timers of records still to appear (first versions and later ones); cleared on reset and close.
  const recordTimers = new Set<ReturnType<typeof setTimeout>>();
  const afterDelay = (action: () => void): void => {
    const timer = setTimeout(() => {
      recordTimers.delete(timer);
      action();
    }, options.callRecordDelayMs ?? 3000);
    timer.unref?.();
    recordTimers.add(timer);
  };
  const clearRecordTimers = (): void => {
    for (const timer of recordTimers) clearTimeout(timer);
    recordTimers.clear();
  };
  /** An ended call's record: version 1 after the delay, version 2 (one more session) after the same delay again. */
  const leaveRecord = (call: StoredCall): void => {
    const startMs = call.live?.establishedAtMs ?? options.now().getTime();
    const endMs = Math.max(startMs, options.now().getTime());
    const publish = (version: number, change: 'created' | 'updated'): void => {
      const record = callRecordOfCall(call, { startMs, endMs, modifiedMs: options.now().getTime() }, version);
      records.merge([record]);
      options.recordChanges?.recordChanged(record.id, change, record.participantIds);
    };
    afterDelay(() => {
      publish(1, 'created');
      afterDelay(() => publish(2, 'updated'));
    });
  };
  const callDeps = {
    calls,
    delayMs: options.callEstablishDelayMs,
    now: options.now,
    recordings,
    remoteHangUpMs: options.remoteHangUpMs ?? 0,
    onEnded: leaveRecord,
    ...(options.callbacks ? { callbacks: options.callbacks } : {}),
  };
  const routes: Route[] = [
    ...createCallRoutes(callDeps),
    ...createCallActionRoutes(callDeps),
    ...createParticipantRoutes(callDeps),
    ...createCallRecordRoutes({ records, tokens, now: options.now }),
    ...createReportRoutes({ pstn: () => reports.pstn, directRouting: () => reports.directRouting }),
  ];

  return {
    routes,
    reset() {
      recordings.clear();
      clearRecordTimers();
      generate();
    },
    injectIncomingCall(input) {
      const call = incomingCall(input);
      calls.put(call);
      // Graph gives the bot 15 s to answer, reject or redirect; an unanswered call ends (408, no answer).
      calls.later(call, INCOMING_TIMEOUT_MS, () => {
        if (call.resource['state'] !== 'incoming') return;
        call.resource['state'] = 'terminated';
        call.resource['resultInfo'] = { code: 408, subcode: 0, message: 'The incoming call was not answered in time.' };
        notifyCall(options.callbacks, call, 'deleted', {
          state: 'terminated',
          resultInfo: {
            '@odata.type': '#microsoft.graph.resultInfo',
            code: '408',
            subcode: '0',
            message: 'The incoming call was not answered in time.',
          },
        });
        calls.remove(call.id);
      });
      const { id: _id, ...fields } = call.resource;
      notifyCall(options.callbacks, call, 'created', { id: call.id, ...fields });
      return call.id;
    },
    injectTone(callId, tone) {
      const call = calls.get(callId);
      if (!call || call.resource['state'] !== 'established') {
        throw new GraphHttpError(404, 'itemNotFound', `No established call '${callId}' to send a tone on.`);
      }
      const live = liveOf(call);
      if (!live.toneSubscribed) {
        throw new GraphHttpError(409, 'Conflict', `The call '${callId}' has not subscribed to tones (POST .../subscribeToTone first).`);
      }
      if (!TONES.includes(tone)) throw new GraphHttpError(400, 'BadRequest', `tone must be one of ${TONES.join(', ')}, got '${tone}'.`);
      live.toneSequence += 1;
      const toneInfo = { '@odata.type': '#microsoft.graph.toneInfo', sequenceId: live.toneSequence, tone };
      call.resource['toneInfo'] = toneInfo;
      notifyCall(options.callbacks, call, 'updated', { state: 'established', toneInfo });
      return live.toneSequence;
    },
    recording: (id) => recordings.get(id),
    bumpCallRecordVersion: (id, change) => bumpCallRecordVersion(records, id, options.now(), change),
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
        // As v1.0 serves them (decimals as their digits), ordered as the report functions list them.
        pstnCalls: reports.pstn.map((r) => withDecimalDigits(r.row)),
        directRoutingCalls: reports.directRouting.map((r) => withDecimalDigits(r.row)),
      };
    },
    close() {
      clearRecordTimers();
      calls.clear();
    },
  };
}
