import { badUserInput } from '../errors/index.js';
import type { AnswerCallInput, RedirectCallInput, RejectCallInput } from '../generated/graphql.js';
import { callbackUriOrDefault } from './callbackUri.js';
import { checkCount, checkNotSentinel, checkOptionalInt } from './inputChecks.js';
import { toMediaConfig } from './mediaBodies.js';
import { checkTarget, invitation } from './participantBodies.js';

/** Graph's bodies for what can be done with an incoming call: answer, reject, redirect (Graph docs: call answer/reject/redirect). */

/** Redirect rings at most 25 targets, for 15 to 90 seconds. */
export const REDIRECT_MAX_TARGETS = 25;
export const REDIRECT_TIMEOUT_SECONDS = { min: 15, max: 90 } as const;
const ANSWER_MODALITIES = ['audio', 'video', 'videoBasedScreenSharing'];

export function toAnswerBody(input: AnswerCallInput, defaultCallbackUrl: string | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {
    callbackUri: callbackUriOrDefault(input.callbackUri, defaultCallbackUrl, 'input.callbackUri'),
    mediaConfig: toMediaConfig(input.mediaConfig, 'input.mediaConfig'),
  };
  const modalities = input.acceptedModalities;
  if (modalities !== null && modalities !== undefined) {
    if (modalities.length === 0)
      throw badUserInput('input.acceptedModalities must name at least one modality, got none', 'input.acceptedModalities');
    for (const m of modalities) {
      if (!ANSWER_MODALITIES.includes(m)) {
        throw badUserInput(
          `input.acceptedModalities can hold AUDIO, VIDEO and VIDEO_BASED_SCREEN_SHARING, got ${JSON.stringify(m)}`,
          'input.acceptedModalities',
        );
      }
    }
    if (new Set(modalities).size !== modalities.length)
      throw badUserInput('input.acceptedModalities has duplicates', 'input.acceptedModalities');
    body['acceptedModalities'] = modalities;
  }
  checkOptionalInt(input.participantCapacity, 1, 2_147_483_647, 'input.participantCapacity');
  if (typeof input.participantCapacity === 'number') body['participantCapacity'] = input.participantCapacity;
  if (input.callOptions) {
    const options = Object.fromEntries(Object.entries(input.callOptions).filter(([, v]) => typeof v === 'boolean'));
    body['callOptions'] = { '@odata.type': '#microsoft.graph.incomingCallOptions', ...options };
  }
  return body;
}

export function toRejectBody(input: RejectCallInput | null | undefined): Record<string, unknown> {
  const reason = input?.reason ?? 'none';
  checkNotSentinel(reason, 'input.reason');
  const body: Record<string, unknown> = { reason };
  // Only the caller's own: a rejected call sends nothing the gateway would want to see.
  if (input?.callbackUri !== null && input?.callbackUri !== undefined)
    body['callbackUri'] = callbackUriOrDefault(input.callbackUri, undefined, 'input.callbackUri');
  return body;
}

export function toRedirectBody(input: RedirectCallInput): Record<string, unknown> {
  checkCount(input.targets, 1, REDIRECT_MAX_TARGETS, 'input.targets', 'targets');
  input.targets.forEach((target, i) => checkTarget(target, `input.targets[${i}]`));
  checkOptionalInt(input.timeout, REDIRECT_TIMEOUT_SECONDS.min, REDIRECT_TIMEOUT_SECONDS.max, 'input.timeout');
  const body: Record<string, unknown> = { targets: input.targets.map(invitation) };
  if (typeof input.timeout === 'number') body['timeout'] = input.timeout;
  if (input.callbackUri !== null && input.callbackUri !== undefined)
    body['callbackUri'] = callbackUriOrDefault(input.callbackUri, undefined, 'input.callbackUri');
  return body;
}
