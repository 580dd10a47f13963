import type { GraphVersion } from '../types.js';
import { badRequest, describe } from './errors.js';
import type { Json } from './store.js';

/** Validation of request bodies against Graph's call types; every failure is a 400 naming the path and the value. */

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function invalid(path: string, expected: string, got: unknown): never {
  throw badRequest(`Invalid request body: '${path}' must be ${expected}, got ${describe(got)}.`);
}

export function requireObject(value: unknown, path: string): Json {
  if (!isObject(value)) invalid(path, 'an object', value);
  return value;
}

export function optionalObject(value: unknown, path: string): Json | undefined {
  if (value === undefined || value === null) return undefined;
  return requireObject(value, path);
}

export function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '') invalid(path, 'a non-empty string', value);
  return value;
}

export function optionalString(value: unknown, path: string): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') invalid(path, 'a string', value);
  return value;
}

export function optionalBoolean(value: unknown, path: string): void {
  if (value !== undefined && value !== null && typeof value !== 'boolean') invalid(path, 'true or false', value);
}

export function optionalInteger(value: unknown, path: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(path, `an integer between ${min} and ${max}`, value);
  }
  return value;
}

/** The body of an action or create: a JSON object (an absent body counts as `{}`). */
export function requireBody(body: unknown, operation: string): Json {
  if (body === undefined || body === null) return {};
  if (!isObject(body)) throw badRequest(`Invalid request body for ${operation}: expected a JSON object, got ${describe(body)}.`);
  return body;
}

/** OData actions refuse parameters they do not declare. */
export function onlyParameters(body: Json, allowed: readonly string[], operation: string): void {
  for (const key of Object.keys(body)) {
    if (key.startsWith('@odata.')) continue;
    if (!allowed.includes(key)) {
      throw badRequest(
        `The parameter '${key}' in the request payload is not a valid parameter for the operation '${operation}'; expected one of: ${allowed.join(', ')}.`,
      );
    }
  }
}

export function httpsUrl(value: unknown, path: string): string {
  const text = requireString(value, path);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    invalid(path, 'an absolute https URL', value);
  }
  if (url.protocol !== 'https:') invalid(path, 'an absolute https URL', value);
  return text;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A callback URL: https as Graph demands, or (a simulator-only allowance for test receivers) http on a
 * loopback host.
 */
export function callbackUrl(value: unknown, path: string): string {
  const text = requireString(value, path);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    invalid(path, 'an absolute https URL', value);
  }
  const loopbackHttp = url.protocol === 'http:' && (LOOPBACK_HOSTS.has(url.hostname) || /^127\./.test(url.hostname));
  if (url.protocol !== 'https:' && !loopbackHttp) invalid(path, 'an absolute https URL', value);
  return text;
}

export function absoluteUrl(value: unknown, path: string): string {
  const text = requireString(value, path);
  try {
    new URL(text);
  } catch {
    invalid(path, 'an absolute URL', value);
  }
  return text;
}

/** `@odata.type` of a polymorphic value: required for abstract types, one of `allowed` when present. */
export function odataType(value: Json, path: string, allowed: readonly string[], required: boolean): string | undefined {
  const type = value['@odata.type'];
  if (type === undefined) {
    if (required) invalid(`${path}.@odata.type`, `one of ${allowed.join(', ')}`, type);
    return undefined;
  }
  if (typeof type !== 'string' || !allowed.includes(type)) invalid(`${path}.@odata.type`, `one of ${allowed.join(', ')}`, type);
  return type;
}

export function clientContext(value: unknown, path = 'clientContext'): string | null {
  const text = optionalString(value, path);
  if (text && text.length > 256) invalid(path, 'at most 256 characters', `${text.length} characters`);
  return text ?? null;
}

const E164 = /^\+[1-9]\d{1,14}$/;
const IDENTITY_KINDS = [
  'user',
  'application',
  'applicationInstance',
  'device',
  'phone',
  'guest',
  'encrypted',
  'onPremises',
  'azureCommunicationServicesUser',
  'assertedIdentity',
];
const IDENTITY_SET_TYPES = ['#microsoft.graph.identitySet', '#microsoft.graph.communicationsIdentitySet'];

/** An identitySet: at least one identity; ids required when `needIds`; phone ids in E.164. */
export function identitySet(value: unknown, path: string, needIds: boolean): Json {
  const set = requireObject(value, path);
  odataType(set, path, IDENTITY_SET_TYPES, false);
  let found = 0;
  for (const kind of IDENTITY_KINDS) {
    const identity = set[kind];
    if (identity === undefined || identity === null) continue;
    const obj = requireObject(identity, `${path}.${kind}`);
    found++;
    if (needIds || obj['id'] !== undefined) requireString(obj['id'], `${path}.${kind}.id`);
    optionalString(obj['displayName'], `${path}.${kind}.displayName`);
    if (kind === 'phone' && !E164.test(String(obj['id']))) {
      invalid(`${path}.phone.id`, 'an E.164 phone number such as +14255550100', obj['id']);
    }
  }
  if (found === 0) invalid(path, `an identity set with one of ${IDENTITY_KINDS.join(', ')}`, value);
  return set;
}

export function participantInfo(value: unknown, path: string, needIds: boolean): Json {
  const info = requireObject(value, path);
  odataType(info, path, ['#microsoft.graph.participantInfo'], false);
  identitySet(info['identity'], `${path}.identity`, needIds);
  return info;
}

export function invitationParticipantInfo(value: unknown, path: string): Json {
  const info = requireObject(value, path);
  odataType(info, path, ['#microsoft.graph.invitationParticipantInfo'], false);
  identitySet(info['identity'], `${path}.identity`, true);
  optionalString(info['replacesCallId'], `${path}.replacesCallId`);
  optionalBoolean(info['hidden'], `${path}.hidden`);
  return info;
}

export const MEDIA_CONFIG_TYPES = ['#microsoft.graph.serviceHostedMediaConfig', '#microsoft.graph.appHostedMediaConfig'];

export function mediaConfig(value: unknown, path: string): Json {
  if (value === undefined || value === null) invalid(path, `a media configuration (${MEDIA_CONFIG_TYPES.join(' or ')})`, value);
  const config = requireObject(value, path);
  const type = odataType(config, path, MEDIA_CONFIG_TYPES, true);
  if (type === '#microsoft.graph.appHostedMediaConfig') {
    requireString(config['blob'], `${path}.blob`);
  } else if (config['preFetchMedia'] !== undefined && config['preFetchMedia'] !== null) {
    const media = config['preFetchMedia'];
    if (!Array.isArray(media)) invalid(`${path}.preFetchMedia`, 'an array of mediaInfo', media);
    media.forEach((m, i) => mediaInfo(m, `${path}.preFetchMedia[${i}]`));
  }
  return config;
}

export function mediaInfo(value: unknown, path: string): Json {
  const info = requireObject(value, path);
  absoluteUrl(info['uri'], `${path}.uri`);
  optionalString(info['resourceId'], `${path}.resourceId`);
  return info;
}

const MODALITIES_V1 = ['audio', 'video', 'videoBasedScreenSharing', 'data'];

/** Modalities a client may request; beta's enum also has `unknown`. */
export function modalities(
  value: unknown,
  path: string,
  version: GraphVersion,
  allowed: readonly string[] = MODALITIES_V1,
): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const values = version === 'beta' && allowed === MODALITIES_V1 ? [...allowed, 'unknown'] : allowed;
  if (!Array.isArray(value) || value.length === 0) invalid(path, `a non-empty array of ${values.join(', ')}`, value);
  value.forEach((m, i) => {
    if (typeof m !== 'string' || !values.includes(m)) invalid(`${path}[${i}]`, `one of ${values.join(', ')}`, m);
  });
  return value as string[];
}

export function enumValue(value: unknown, path: string, values: readonly string[], caseInsensitive = false): string {
  const match =
    typeof value === 'string' ? values.find((v) => (caseInsensitive ? v.toLowerCase() === value.toLowerCase() : v === value)) : undefined;
  if (match === undefined) invalid(path, `one of ${values.join(', ')}`, value);
  return match;
}

export function prompts(value: unknown, path: string, min: number, max: number): Json[] {
  if (value === undefined || value === null) {
    if (min > 0) invalid(path, `an array of 1 to ${max} prompts`, value);
    return [];
  }
  if (!Array.isArray(value) || value.length < min || value.length > max) {
    invalid(path, `an array of ${min} to ${max} prompts`, Array.isArray(value) ? `${value.length} prompts` : value);
  }
  return value.map((p, i) => {
    const prompt = requireObject(p, `${path}[${i}]`);
    odataType(prompt, `${path}[${i}]`, ['#microsoft.graph.mediaPrompt'], true);
    mediaInfo(prompt['mediaInfo'], `${path}[${i}].mediaInfo`);
    return prompt;
  });
}
