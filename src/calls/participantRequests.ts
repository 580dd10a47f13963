import { badUserInput } from '../errors/index.js';
import type { InviteParticipantsInput, StartHoldMusicInput } from '../generated/graphql.js';
import { clientContextOf } from './clientContext.js';
import { checkCount } from './inputChecks.js';
import { toPrompt } from './mediaBodies.js';
import { checkTarget, invitation } from './participantBodies.js';

/** Graph's bodies for the roster actions: invite, startHoldMusic (Graph docs: participant invite/startHoldMusic). */

/** Graph invites up to 5 participants at once, and more than one only into group calls. */
export const INVITE_MAX_PARTICIPANTS = 5;

export function toInviteParticipantsBody(input: InviteParticipantsInput): Record<string, unknown> {
  checkCount(input.participants, 1, INVITE_MAX_PARTICIPANTS, 'input.participants', 'participants');
  input.participants.forEach((p, i) => checkTarget(p, `input.participants[${i}]`));
  if (input.participants.length > 1 && input.participants.some((p) => p.replacesCallId)) {
    // Graph reads only the first invitee of a consultative transfer and ignores the others without saying so.
    throw badUserInput(
      `input.participants must hold exactly one participant when one sets replacesCallId, got ${input.participants.length}`,
      'input.participants',
    );
  }
  if (input.participants.filter((p) => p.identity.application).length > 1) {
    throw badUserInput('input.participants may invite at most one application (bot): Graph refuses several at once', 'input.participants');
  }
  return { participants: input.participants.map(invitation), clientContext: clientContextOf(input.clientContext) };
}

export function toStartHoldMusicBody(input: StartHoldMusicInput | null | undefined): Record<string, unknown> {
  return {
    ...(input?.customPrompt ? { customPrompt: toPrompt(input.customPrompt, 'input.customPrompt') } : {}),
    clientContext: clientContextOf(input?.clientContext),
  };
}
