import { badUserInput } from '../errors/index.js';
import type { PlayPromptInput, RecordResponseInput, SendDtmfTonesInput } from '../generated/graphql.js';
import { clientContextOf } from './clientContext.js';
import { checkCount, checkNotSentinel, checkOptionalInt } from './inputChecks.js';
import { toPrompts } from './mediaBodies.js';

/** Graph's bodies for the media actions: playPrompt, recordResponse, sendDtmfTones (Graph docs: call playPrompt/record/sendDtmfTones). */

export const PLAY_PROMPT_MAX_PROMPTS = 20;
/** recordResponse's three timeouts, in seconds. */
export const RECORD_TIMEOUT_SECONDS = { min: 1, max: 120 } as const;
const STOP_TONES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D'];
/** Graph documents no limits for sendDtmfTones; these bound what one request may ask. */
export const DTMF_MAX_TONES = 64;
export const DTMF_MAX_DELAY_MS = 10_000;

export function toPlayPromptBody(input: PlayPromptInput): Record<string, unknown> {
  return {
    prompts: toPrompts(input.prompts, 1, PLAY_PROMPT_MAX_PROMPTS, 'input.prompts'),
    clientContext: clientContextOf(input.clientContext),
  };
}

export function toRecordResponseBody(input: RecordResponseInput | null | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (input?.prompts !== null && input?.prompts !== undefined) body['prompts'] = toPrompts(input.prompts, 0, 1, 'input.prompts');
  for (const name of ['bargeInAllowed', 'playBeep'] as const) {
    const value = input?.[name];
    if (typeof value === 'boolean') body[name] = value;
  }
  for (const name of ['initialSilenceTimeoutInSeconds', 'maxSilenceTimeoutInSeconds', 'maxRecordDurationInSeconds'] as const) {
    const value = input?.[name];
    checkOptionalInt(value, RECORD_TIMEOUT_SECONDS.min, RECORD_TIMEOUT_SECONDS.max, `input.${name}`);
    if (typeof value === 'number') body[name] = value;
  }
  const stopTones = input?.stopTones;
  if (stopTones !== null && stopTones !== undefined) {
    stopTones.forEach((tone, i) => {
      if (!STOP_TONES.includes(tone)) {
        throw badUserInput(
          `input.stopTones[${i}] must be one of ${STOP_TONES.join(' ')}, got ${JSON.stringify(tone.slice(0, 8))}`,
          `input.stopTones[${i}]`,
        );
      }
    });
    body['stopTones'] = stopTones;
  }
  body['clientContext'] = clientContextOf(input?.clientContext);
  return body;
}

export function toSendDtmfTonesBody(input: SendDtmfTonesInput): Record<string, unknown> {
  checkCount(input.tones, 1, DTMF_MAX_TONES, 'input.tones', 'tones');
  input.tones.forEach((tone, i) => checkNotSentinel(tone, `input.tones[${i}]`));
  checkOptionalInt(input.delayBetweenTonesMs, 0, DTMF_MAX_DELAY_MS, 'input.delayBetweenTonesMs');
  return {
    tones: input.tones,
    ...(typeof input.delayBetweenTonesMs === 'number' ? { delayBetweenTonesMs: input.delayBetweenTonesMs } : {}),
    clientContext: clientContextOf(input.clientContext),
  };
}
