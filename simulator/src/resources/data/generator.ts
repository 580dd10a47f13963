import type { Json, StoredCallRecord } from '../store.js';
import { buildDirectory, type Directory, type Person } from './directory.js';
import { Random } from './random.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * Every `LARGE_MEETING_PERIOD`-th record (starting at generation index `LARGE_MEETING_OFFSET`) is a town-hall
 * sized group call with more than 60 sessions, and most of them more than 130 participants, so that the inline
 * `sessions@odata.nextLink` / `participants_v2@odata.nextLink` paging is exercised by any data set of 8+ records.
 */
export const LARGE_MEETING_PERIOD = 150;
export const LARGE_MEETING_OFFSET = 7;

export interface GeneratorOptions {
  seed: number;
  count: number;
  /** Records end before this instant and start within the 30 days before it. */
  now: Date;
}

/** A participant of a generated call together with the device it used. */
interface Attendee {
  person: Person;
  platform: string;
  productFamily: string;
}

const IDENTITY_SLOTS = [
  'user',
  'acsUser',
  'spoolUser',
  'phone',
  'guest',
  'encrypted',
  'onPremises',
  'acsApplicationInstance',
  'spoolApplicationInstance',
  'applicationInstance',
  'application',
  'device',
  'azureCommunicationServicesUser',
] as const;

const PLATFORMS: readonly (readonly [string, number])[] = [
  ['windows', 45],
  ['macOS', 15],
  ['web', 12],
  ['iOS', 10],
  ['android', 10],
  ['ipPhone', 3],
  ['roomSystem', 4],
  ['surfaceHub', 1],
];
const CPUS = ['Intel(R) Core(TM) i7-1185G7 @ 3.00GHz', 'Apple M2', 'AMD Ryzen 7 PRO 5850U', 'Intel(R) Core(TM) i5-10310U @ 1.70GHz'];
const FAILURE_REASONS = ['Unexpected network error', 'Media timeout', 'Call setup failed: callee unreachable', 'Unknown'];

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** An ISO-8601 duration such as `PT0.012S`, the wire format of jitter and round-trip times. */
function seconds(value: number): string {
  return `PT${Number(value.toFixed(3))}S`;
}

export function identitySet(person: Person): Json {
  const set: Json = { '@odata.type': '#microsoft.graph.communicationsIdentitySet' };
  const slot = person.kind === 'bot' ? 'application' : person.kind;
  for (const name of IDENTITY_SLOTS) set[name] = null;
  const identity: Json = { id: person.id, displayName: person.displayName, tenantId: person.tenantId };
  if (person.userPrincipalName) {
    identity['@odata.type'] = '#microsoft.graph.userIdentity';
    identity['userPrincipalName'] = person.userPrincipalName;
  }
  set[slot] = identity;
  return set;
}

function associatedIdentity(person: Person): Json {
  const identity: Json = { id: person.id, displayName: person.displayName, tenantId: person.tenantId };
  if (person.userPrincipalName) identity['userPrincipalName'] = person.userPrincipalName;
  return identity;
}

function attendee(rng: Random, person: Person): Attendee {
  const platform = person.kind === 'bot' ? 'unknown' : rng.weighted(PLATFORMS);
  return { person, platform, productFamily: person.kind === 'bot' ? 'unknown' : 'teams' };
}

function clientEndpoint(rng: Random, a: Attendee): Json {
  const version = `1415/24.${rng.int(1, 30)}.${rng.int(100, 999)}.${rng.int(1000, 9999)}`;
  return {
    '@odata.type': '#microsoft.graph.callRecords.participantEndpoint',
    name: null,
    cpuCoresCount: rng.pick([4, 8, 8, 12, 16]),
    cpuName: rng.pick(CPUS),
    cpuProcessorSpeedInMhz: rng.pick([1700, 2400, 3000, 3200]),
    feedback: rng.chance(0.05) ? { rating: rng.pick(['bad', 'poor', 'fair', 'good', 'excellent']), text: null, tokens: {} } : null,
    associatedIdentity: associatedIdentity(a.person),
    userAgent: {
      '@odata.type': '#microsoft.graph.callRecords.clientUserAgent',
      headerValue: `RTCC/7.0.0.0 (Teams/${version}) ${a.platform}`,
      applicationVersion: version,
      platform: a.platform,
      productFamily: a.productFamily,
      azureADAppId: a.person.kind === 'bot' ? a.person.id : null,
      communicationServiceId: null,
    },
  };
}

function serviceEndpoint(rng: Random, role: string): Json {
  const version = `${rng.int(1, 9)}.${rng.int(0, 9)}.${rng.int(100, 999)}`;
  return {
    '@odata.type': '#microsoft.graph.callRecords.serviceEndpoint',
    userAgent: {
      '@odata.type': '#microsoft.graph.callRecords.serviceUserAgent',
      headerValue: `${role}/${version}`,
      applicationVersion: version,
      role,
    },
  };
}

function network(rng: Random): Json {
  const wifi = rng.chance(0.45);
  return {
    connectionType: wifi
      ? 'wifi'
      : rng.weighted([
          ['wired', 8],
          ['mobile', 1],
          ['tunnel', 1],
        ]),
    ipAddress: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    subnet: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.0`,
    reflexiveIPAddress: `${rng.int(20, 220)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    relayIPAddress: `52.${rng.int(112, 115)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    relayPort: 3478,
    port: rng.int(50000, 50059),
    networkTransportProtocol: rng.weighted([
      ['udp', 9],
      ['tcp', 1],
    ]),
    linkSpeed: wifi ? rng.pick([144_000_000, 300_000_000, 866_000_000]) : 1_000_000_000,
    wifiBand: wifi ? rng.pick(['frequency24GHz', 'frequency50GHz']) : 'unknown',
    wifiSignalStrength: wifi ? rng.int(40, 99) : null,
    bandwidthLowEventRatio: rng.float(0, 0.05),
    delayEventRatio: rng.float(0, 0.05),
    receivedQualityEventRatio: rng.float(0, 0.08),
    sentQualityEventRatio: rng.float(0, 0.08),
  };
}

function device(rng: Random): Json {
  return {
    captureDeviceName: rng.pick([
      'Microphone Array (Realtek(R) Audio)',
      'Jabra Evolve2 65',
      'MacBook Pro Microphone',
      'Headset Microphone',
    ]),
    renderDeviceName: rng.pick(['Speakers (Realtek(R) Audio)', 'Jabra Evolve2 65', 'MacBook Pro Speakers', 'Headset Earphone']),
    lowSpeechLevelEventRatio: rng.float(0, 0.1),
    lowSpeechToNoiseEventRatio: rng.float(0, 0.1),
    micGlitchRate: rng.float(0, 0.02),
    speakerGlitchRate: rng.float(0, 0.02),
    receivedNoiseLevel: -rng.int(60, 90),
    receivedSignalLevel: -rng.int(10, 35),
    sentNoiseLevel: -rng.int(60, 90),
    sentSignalLevel: -rng.int(10, 35),
    howlingEventCount: rng.chance(0.03) ? rng.int(1, 3) : 0,
  };
}

function stream(rng: Random, direction: string, startMs: number, endMs: number, video: boolean): Json {
  const poor = rng.chance(0.08);
  const jitter = poor ? rng.float(0.03, 0.12, 3) : rng.float(0.002, 0.02, 3);
  const rtt = poor ? rng.float(0.15, 0.6, 3) : rng.float(0.01, 0.09, 3);
  const loss = poor ? rng.float(0.02, 0.12) : rng.float(0, 0.01);
  const out: Json = {
    streamId: String(rng.int(1000, 999_999)),
    streamDirection: direction,
    startDateTime: iso(startMs),
    endDateTime: iso(endMs),
    averageJitter: seconds(jitter),
    maxJitter: seconds(jitter * rng.float(1.5, 4, 2)),
    averagePacketLossRate: loss,
    maxPacketLossRate: Math.min(1, Number((loss * rng.float(1.5, 5, 2)).toFixed(4))),
    averageRoundTripTime: seconds(rtt),
    maxRoundTripTime: seconds(rtt * rng.float(1.2, 3, 2)),
    packetUtilization: rng.int(500, 90_000),
    averageBandwidthEstimate: rng.int(500_000, 90_000_000),
    wasMediaBypassed: false,
    postForwardErrorCorrectionPacketLossRate: Number((loss / 3).toFixed(4)),
  };
  if (video) {
    out['averageVideoFrameRate'] = rng.float(12, 30, 2);
    out['averageReceivedFrameRate'] = rng.float(12, 30, 2);
    out['averageVideoPacketLossRate'] = loss;
    out['lowFrameRateRatio'] = rng.float(0, 0.2);
  } else {
    out['averageAudioDegradation'] = poor ? rng.float(0.8, 2.5, 2) : rng.float(0, 0.6, 2);
    out['averageAudioNetworkJitter'] = seconds(jitter * 0.8);
    out['maxAudioNetworkJitter'] = seconds(jitter * 2);
    out['averageRatioOfConcealedSamples'] = rng.float(0, poor ? 0.08 : 0.02);
    out['isAudioForwardErrorCorrectionUsed'] = rng.chance(0.2);
  }
  return out;
}

function media(rng: Random, label: string, startMs: number, endMs: number): Json {
  const video = label !== 'main-audio';
  return {
    label,
    callerNetwork: network(rng),
    calleeNetwork: network(rng),
    callerDevice: device(rng),
    calleeDevice: device(rng),
    streams: [stream(rng, 'callerToCallee', startMs, endMs, video), stream(rng, 'calleeToCaller', startMs, endMs, video)],
  };
}

function segment(
  rng: Random,
  caller: Json,
  callee: Json,
  startMs: number,
  endMs: number,
  modalities: readonly string[],
  failed: boolean,
): Json {
  const labels = ['main-audio'];
  if (modalities.includes('video')) labels.push('main-video');
  if (modalities.includes('screenSharing')) labels.push('applicationsharing-video');
  return {
    id: rng.guid(),
    startDateTime: iso(startMs),
    endDateTime: iso(endMs),
    caller,
    callee,
    failureInfo: failed ? { stage: rng.pick(['callSetup', 'midcall']), reason: rng.pick(FAILURE_REASONS) } : null,
    media: labels.map((label) => media(rng, label, startMs, endMs)),
  };
}

function session(
  rng: Random,
  caller: Json,
  callee: Json,
  startMs: number,
  endMs: number,
  modalities: readonly string[],
  segments: number,
): Json {
  const failed = rng.chance(0.03);
  const segs: Json[] = [];
  const span = (endMs - startMs) / segments;
  for (let i = 0; i < segments; i++) {
    const s = Math.round(startMs + i * span);
    const e = Math.round(i === segments - 1 ? endMs : startMs + (i + 1) * span);
    segs.push(segment(rng, caller, callee, s, e, modalities, failed && i === segments - 1));
  }
  return {
    id: rng.guid(),
    modalities: [...modalities],
    startDateTime: iso(startMs),
    endDateTime: iso(endMs),
    isTest: false,
    caller,
    callee,
    failureInfo: failed ? (segs[segs.length - 1]?.['failureInfo'] ?? null) : null,
    segments: segs,
  };
}

interface Plan {
  id: string;
  type: 'peerToPeer' | 'groupCall';
  startMs: number;
  endMs: number;
  modalities: string[];
  organizer: Person;
  attendees: Person[];
  joinWebUrl: string | null;
}

function plan(rng: Random, dir: Directory, index: number, now: number): Plan {
  const large = index % LARGE_MEETING_PERIOD === LARGE_MEETING_OFFSET;
  const group = large || rng.chance(0.32);
  let attendees: Person[];
  let organizer: Person;
  let durationMs: number;
  if (large) {
    // Alternate large meetings: one too big for a participants page (130), the next only for a sessions page (60).
    const n = Math.floor(index / LARGE_MEETING_PERIOD) % 2 === 0 ? rng.int(131, 220) : rng.int(61, 130);
    attendees = [...rng.sample(dir.users, Math.min(n - 8, dir.users.length)), ...rng.sample(dir.guests, 4), ...rng.sample(dir.phones, 4)];
    organizer = attendees[0] as Person;
    durationMs = rng.int(45, 90) * MINUTE_MS;
  } else if (group) {
    const n = rng.int(3, 12);
    attendees = rng.sample(dir.users, n);
    if (rng.chance(0.3)) attendees.push(rng.pick(dir.guests));
    if (rng.chance(0.2)) attendees.push(rng.pick(dir.phones));
    if (rng.chance(0.1)) attendees.push(rng.pick(dir.bots));
    organizer = attendees[0] as Person;
    durationMs = rng.int(5, 120) * MINUTE_MS;
  } else {
    const caller = rng.chance(0.12) ? rng.pick(dir.bots) : rng.pick(dir.users);
    const callee = rng.weighted<Person>([
      [rng.pick(dir.users), 70],
      [rng.pick(dir.phones), 20],
      [rng.pick(dir.guests), 10],
    ]);
    attendees = caller.id === callee.id ? [caller] : [caller, callee];
    organizer = caller;
    durationMs = rng.int(20, 40 * 60) * 1000;
  }
  // Calls start within the retention window and end before `now`, leaving room for the longest duration.
  const windowStart = now - 30 * DAY_MS + 10 * MINUTE_MS;
  const startMs = Math.floor(windowStart + rng.next() * (30 * DAY_MS - 3 * 60 * MINUTE_MS - 10 * MINUTE_MS));
  const modalities = ['audio'];
  if (rng.chance(group ? 0.6 : 0.25)) modalities.push('video');
  if (group && rng.chance(0.35)) modalities.push('screenSharing');
  const threadId = `19:meeting_${Buffer.from(rng.guid()).toString('base64url').slice(0, 38)}@thread.v2`;
  const joinWebUrl = group
    ? `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(threadId)}/0?context=${encodeURIComponent(
        JSON.stringify({ Tid: dir.tenantId, Oid: organizer.id }),
      )}`
    : null;
  return {
    id: rng.guid(),
    type: group ? 'groupCall' : 'peerToPeer',
    startMs,
    endMs: startMs + durationMs,
    modalities,
    organizer,
    attendees,
    joinWebUrl,
  };
}

function participant(person: Person): Json {
  return { id: person.id, identity: identitySet(person), administrativeUnitInfos: [] };
}

function buildSessions(seed: number, index: number, p: Plan): Json[] {
  const rng = new Random(seed, index, 0x5e55);
  const attendees = p.attendees.map((person) => attendee(rng, person));
  if (p.type === 'peerToPeer') {
    const [a, b] = attendees as [Attendee, Attendee | undefined];
    const caller = clientEndpoint(rng, a);
    const callee = !b
      ? serviceEndpoint(rng, 'voicemail')
      : b.person.kind === 'phone'
        ? serviceEndpoint(rng, 'mediationServer')
        : clientEndpoint(rng, b);
    // PSTN legs cross a mediation server, which shows up as extra segments.
    return [session(rng, caller, callee, p.startMs, p.endMs, p.modalities, b?.person.kind === 'phone' ? 2 : 1)];
  }
  const mcu = serviceEndpoint(rng, 'skypeForBusinessAudioVideoMcu');
  return attendees.map((a) => {
    const join = p.startMs + rng.int(0, Math.floor((p.endMs - p.startMs) / 4));
    const leave = p.endMs - rng.int(0, Math.floor((p.endMs - join) / 4));
    const modalities = a.person.kind === 'phone' ? ['audio'] : p.modalities.filter((m) => m === 'audio' || rng.chance(0.7));
    return session(rng, clientEndpoint(rng, a), mcu, join, leave, modalities, 1);
  });
}

function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

/**
 * Generates `count` call records over the 30 days before `now`, deterministically from `seed`: the same seed and
 * clock always give byte-identical records. Sessions (with segments and media) are built on first access.
 */
export function generateCallRecords(options: GeneratorOptions): StoredCallRecord[] {
  const dir = buildDirectory(options.seed);
  const now = options.now.getTime();
  const records: StoredCallRecord[] = [];
  for (let index = 0; index < options.count; index++) {
    const rng = new Random(options.seed, index);
    const p = plan(rng, dir, index, now);
    const version = rng.int(1, 3);
    const lastModifiedMs = p.endMs + rng.int(2, 45) * MINUTE_MS;
    const record: Json = {
      id: p.id,
      version,
      type: p.type,
      modalities: p.modalities,
      lastModifiedDateTime: iso(lastModifiedMs),
      startDateTime: iso(p.startMs),
      endDateTime: iso(p.endMs),
      joinWebUrl: p.joinWebUrl,
      'organizer_v2@odata.context': null,
      organizer_v2: { id: p.organizer.id, identity: identitySet(p.organizer) },
    };
    const participantIds = new Set(p.attendees.map((a) => a.id));
    participantIds.add(p.organizer.id);
    records.push({
      id: p.id,
      startMs: p.startMs,
      endMs: p.endMs,
      record,
      participantIds,
      participants: once(() => p.attendees.map(participant)),
      sessions: once(() => buildSessions(options.seed, index, p)),
    });
  }
  return records;
}
