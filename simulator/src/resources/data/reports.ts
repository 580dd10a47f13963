/**
 * Seeded rows of the two call-log reports (`getPstnCalls`, `getDirectRoutingCalls`), relative to the data clock:
 * Calling Plan and Operator Connect PSTN calls, audio-conferencing dial-in and dial-out, bots (`ucap_*`, whose user
 * fields Graph leaves null), masked numbers, and Direct Routing calls through a few SBCs, some of them failed with
 * a SIP code. Some Direct Routing `correlationId`s are the ids of generated call records (the call went through
 * Teams and left a record), the others resolve to nothing, as for calls that never reached a record.
 */
import { JsonDecimal } from '../../wire.js';
import type { Json, StoredCallRecord } from '../store.js';
import { buildDirectory, type Person } from './directory.js';
import { Random } from './random.js';

const DAY_MS = 86_400_000;

/** Days before the clock that rows start in: more than Graph's 90-day window, so a range can leave some out. */
export const REPORT_SPAN_DAYS = 100;
/** Rows per report across REPORT_SPAN_DAYS: well over Graph's 1,000-row page within any 90 days. */
export const PSTN_CALL_COUNT = 2600;
export const DIRECT_ROUTING_CALL_COUNT = 1800;

/** Graph's "no value" for a date-time that does not apply to the row (a failed call's end, a successful call's failure). */
export const NO_DATE_TIME = '0001-01-01T00:00:00Z';

/** One row of a report, with what ordering and range filtering need. */
export interface StoredReportRow {
  id: string;
  startMs: number;
  /** The row as v1.0 returns it; decimals are JsonDecimal. */
  row: Json;
  /** Properties beta adds to the row type. */
  beta: Json;
}

export interface ReportRows {
  pstn: StoredReportRow[];
  directRouting: StoredReportRow[];
}

export interface ReportGeneratorOptions {
  seed: number;
  now: Date;
  /** Call records whose ids some Direct Routing rows carry as `correlationId`. */
  records: readonly StoredCallRecord[];
  pstnCount?: number;
  directRoutingCount?: number;
}

export function generateReportRows(options: ReportGeneratorOptions): ReportRows {
  const { users } = buildDirectory(options.seed);
  const now = options.now.getTime();
  const pstn: StoredReportRow[] = [];
  for (let i = 0; i < (options.pstnCount ?? PSTN_CALL_COUNT); i++) pstn.push(pstnRow(new Random(options.seed, 0x9575, i), users, now));
  const directRouting: StoredReportRow[] = [];
  for (let i = 0; i < (options.directRoutingCount ?? DIRECT_ROUTING_CALL_COUNT); i++) {
    directRouting.push(directRoutingRow(new Random(options.seed, 0xd12, i), users, options.records, now));
  }
  return { pstn: pstn.sort(byStart), directRouting: directRouting.sort(byStart) };
}

function byStart(a: StoredReportRow, b: StoredReportRow): number {
  return a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A start instant in the report span, leaving the last hour for the longest call to end. */
function startIn(rng: Random, now: number): number {
  return Math.floor(now - REPORT_SPAN_DAYS * DAY_MS + rng.next() * (REPORT_SPAN_DAYS * DAY_MS - 3_600_000));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Graph's report timestamps carry seven fractional digits (`2019-11-01T00:00:08.2589935Z`). */
function isoTicks(ms: number, rng: Random): string {
  return `${iso(ms).slice(0, 19)}.${String(ms % 1000).padStart(3, '0')}${String(rng.int(0, 9999)).padStart(4, '0')}Z`;
}

interface Country {
  code: string;
  name: string;
  prefix: string;
  /** Per-minute rate of an international call there, in USD, with the digits a price list has. */
  rate: string;
}

const COUNTRIES: readonly Country[] = [
  { code: 'US', name: 'United States', prefix: '+1425', rate: '0.0000' },
  { code: 'GB', name: 'United Kingdom', prefix: '+4420', rate: '0.0230' },
  { code: 'DE', name: 'Germany', prefix: '+4930', rate: '0.0270' },
  { code: 'FR', name: 'France', prefix: '+331', rate: '0.0290' },
  { code: 'JP', name: 'Japan', prefix: '+813', rate: '0.0890' },
  { code: 'IN', name: 'India', prefix: '+9122', rate: '0.1375' },
  { code: 'BR', name: 'Brazil', prefix: '+5511', rate: '0.1460' },
];
const OPERATORS = ['Contoso Telecom', 'Fabrikam Voice'];

function phoneNumber(rng: Random, prefix: string): string {
  let n = prefix;
  while (n.length < 12) n += String(rng.int(0, 9));
  return n;
}

/** Numbers of external parties are masked in the reports for privacy: the last digits become `*`. */
function masked(number: string, digits: number): string {
  return `${number.slice(0, number.length - digits)}${'*'.repeat(digits)}`;
}

/** `minutes * rate` in exact decimal arithmetic (ten-thousandths), written with four decimals. */
function charge(seconds: number, rate: string): string {
  const perMinute = Number(rate.replace('.', ''));
  const tenThousandths = Math.ceil(seconds / 60) * perMinute;
  return `${Math.floor(tenThousandths / 10_000)}.${String(tenThousandths % 10_000).padStart(4, '0')}`;
}

function ipV4(rng: Random): string {
  return `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

type PstnKind = 'callingPlan' | 'operatorConnect' | 'conference' | 'bot';

function pstnRow(rng: Random, users: readonly Person[], now: number): StoredReportRow {
  const kind = rng.weighted<PstnKind>([
    ['callingPlan', 55],
    ['operatorConnect', 25],
    ['conference', 12],
    ['bot', 8],
  ]);
  const inbound = rng.chance(0.45);
  const country = rng.chance(0.7) ? (COUNTRIES[0] as Country) : rng.pick(COUNTRIES.slice(1));
  const international = country.code !== 'US';
  const user = kind === 'bot' ? undefined : rng.pick(users);
  const startMs = startIn(rng, now);
  const duration = rng.chance(0.06) ? 0 : rng.int(4, 3400);
  const ours = phoneNumber(rng, '+1206');
  const theirs = phoneNumber(rng, country.prefix);
  // Graph masks the external party's number for some tenants' privacy settings; a few rows here show it.
  const external = rng.chance(0.2) ? masked(theirs, 4) : theirs;
  const callType =
    kind === 'bot'
      ? inbound
        ? 'ucap_in'
        : 'ucap_out'
      : kind === 'conference'
        ? inbound
          ? 'conf_in'
          : 'conf_out'
        : inbound
          ? 'user_in'
          : international
            ? 'user_out_international'
            : 'user_out';
  const paid = !inbound && international;
  const id = rng.guid();
  const row: Json = {
    id,
    callId: `${rng.int(1_000_000_000, 4_000_000_000)}_${rng.int(100_000_000, 999_999_999)}@61.221.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    userId: user?.id ?? null,
    userPrincipalName: user?.userPrincipalName ?? null,
    userDisplayName: user?.displayName ?? null,
    startDateTime: isoTicks(startMs, rng),
    endDateTime: isoTicks(startMs + duration * 1000, rng),
    duration,
    charge: new JsonDecimal(paid ? charge(duration, country.rate) : '0.00'),
    callType,
    currency: 'USD',
    calleeNumber: inbound ? ours : external,
    usageCountryCode: user ? 'US' : null,
    tenantCountryCode: 'US',
    connectionCharge: new JsonDecimal(paid && rng.chance(0.5) ? '0.0150' : '0.00'),
    callerNumber: inbound ? external : ours,
    destinationContext: inbound ? null : international ? 'International' : 'Domestic',
    destinationName: country.name,
    conferenceId: kind === 'conference' ? String(rng.int(100_000_000, 999_999_999)) : null,
    licenseCapability:
      kind === 'conference' ? 'MCOMEETADV' : kind === 'operatorConnect' ? 'MCOEV' : international ? 'MCOPSTN2' : 'MCOPSTN1',
    inventoryType: kind === 'conference' ? 'Service' : 'Subscriber',
    operator: kind === 'operatorConnect' ? rng.pick(OPERATORS) : 'Microsoft',
    callDurationSource: kind === 'operatorConnect' ? 'operator' : 'microsoft',
  };
  // A Calling Plan bundle price with more digits than a double holds, so a client that parses it as a float shows it.
  if (paid && kind === 'callingPlan' && rng.chance(0.1)) row['charge'] = new JsonDecimal(`${rng.int(1, 40)}.12345678901234567891`);
  const beta: Json = {
    clientLocalIpV4Address: user ? ipV4(rng) : null,
    clientLocalIpV6Address: null,
    clientPublicIpV4Address: user ? `131.107.${rng.int(0, 255)}.${rng.int(1, 254)}` : null,
    clientPublicIpV6Address: null,
  };
  return { id, startMs, row, beta };
}

const SBCS = ['sbc1.contoso.com', 'sbc2.contoso.com', 'tll-audiocodes01.adatum.biz'];
const LOCATIONS = ['USWE', 'USEA', 'EUNO', 'EUWE', 'APSE'];
/** Final SIP responses of failed calls, with Graph's `callEndSubReason` for them. */
const FAILURES: readonly (readonly [number, string, number])[] = [
  [404, 'Not Found', 560404],
  [408, 'Request Timeout', 560408],
  [480, 'Temporarily Unavailable', 560480],
  [486, 'Busy Here', 560486],
  [487, 'Request Terminated', 560487],
  [500, 'Server Internal Error', 560500],
  [503, 'Service Unavailable', 560503],
];

function directRoutingRow(rng: Random, users: readonly Person[], records: readonly StoredCallRecord[], now: number): StoredReportRow {
  const bot = rng.chance(0.08);
  const inbound = rng.chance(0.5);
  const user = bot ? undefined : rng.pick(users);
  // About a third of the calls went through Teams and left a call record: the row carries its id.
  const record = records.length > 0 && rng.chance(0.35) ? rng.pick(records) : undefined;
  const startMs = record ? record.startMs + rng.int(0, 2000) : startIn(rng, now);
  const successful = rng.chance(0.85);
  const inviteMs = startMs - rng.int(800, 6000);
  const duration = successful ? rng.int(2, 3400) : 0;
  const failure = rng.pick(FAILURES);
  const ours = masked(phoneNumber(rng, '+1206'), 3);
  const theirs = masked(phoneNumber(rng, rng.pick(COUNTRIES).prefix), 3);
  const id = rng.guid();
  const row: Json = {
    id,
    correlationId: record?.id ?? rng.guid(),
    userId: user?.id ?? null,
    userPrincipalName: user?.userPrincipalName ?? null,
    userDisplayName: user?.displayName ?? null,
    startDateTime: iso(startMs),
    inviteDateTime: iso(inviteMs),
    failureDateTime: successful ? NO_DATE_TIME : iso(startMs + rng.int(100, 30_000)),
    endDateTime: successful ? iso(startMs + duration * 1000) : NO_DATE_TIME,
    duration,
    callType: bot ? (inbound ? 'ByotInUcap' : 'ByotOutUcap') : inbound ? 'ByotIn' : 'ByotOut',
    successfulCall: successful,
    callerNumber: inbound ? theirs : ours,
    calleeNumber: inbound ? ours : theirs,
    mediaPathLocation: rng.pick(LOCATIONS),
    signalingLocation: rng.pick(LOCATIONS),
    finalSipCode: successful ? 0 : failure[0],
    callEndSubReason: successful ? rng.pick([540000, 560000]) : failure[2],
    finalSipCodePhrase: successful ? 'BYE' : failure[1],
    trunkFullyQualifiedDomainName: rng.pick(SBCS),
    mediaBypassEnabled: rng.chance(0.3),
  };
  const beta: Json = { transferorCorrelationId: rng.chance(0.05) ? rng.guid() : null, userCountryCode: user ? 'US' : null };
  return { id, startMs, row, beta };
}
