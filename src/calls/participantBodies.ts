import { badUserInput } from '../errors/index.js';
import type { IdentitySetInput, InvitationParticipantInfoInput } from '../generated/graphql.js';
import { checkGuid, checkLength } from './inputChecks.js';

/** Identities and invitees as inputs (checked) and as Graph's JSON (built), shared by createCall and the call-control actions. */

const SLOTS = ['user', 'application', 'applicationInstance', 'phone', 'guest'] as const;
type Slot = (typeof SLOTS)[number];

export function setSlots(identity: IdentitySetInput): Slot[] {
  return SLOTS.filter((slot) => identity[slot] !== null && identity[slot] !== undefined);
}

/** An invitee: exactly one identity slot, each id well formed. */
export function checkTarget(target: InvitationParticipantInfoInput, field: string): void {
  const slots = setSlots(target.identity);
  if (slots.length !== 1) throw badUserInput(`${field}.identity must set exactly one of ${SLOTS.join(', ')}`, `${field}.identity`);
  checkIdentitySet(target.identity, `${field}.identity`);
  if (target.replacesCallId !== null && target.replacesCallId !== undefined) checkGuid(target.replacesCallId, `${field}.replacesCallId`);
}

export function checkIdentitySet(identity: IdentitySetInput, field: string): void {
  if (setSlots(identity).length === 0) throw badUserInput(`${field} must set one identity`, field);
  for (const slot of ['user', 'application', 'applicationInstance'] as const) {
    const value = identity[slot];
    if (!value) continue;
    checkGuid(value.id, `${field}.${slot}.id`);
    if (value.tenantId !== null && value.tenantId !== undefined) checkGuid(value.tenantId, `${field}.${slot}.tenantId`);
    if (value.displayName !== null && value.displayName !== undefined)
      checkLength(value.displayName, 1, 256, `${field}.${slot}.displayName`);
  }
  if (identity.phone && !/^\+[1-9][0-9]{6,14}$/.test(identity.phone.id)) {
    throw badUserInput(
      `${field}.phone.id must be an E.164 phone number like +14255550100, got ${JSON.stringify(identity.phone.id.slice(0, 40))}`,
      `${field}.phone.id`,
    );
  }
  if (identity.guest) {
    checkLength(identity.guest.displayName, 1, 256, `${field}.guest.displayName`);
    if (identity.guest.id !== null && identity.guest.id !== undefined) checkGuid(identity.guest.id, `${field}.guest.id`);
  }
}

export function identitySet(identity: IdentitySetInput): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.type': '#microsoft.graph.identitySet' };
  for (const slot of SLOTS) {
    const value = identity[slot];
    if (!value) continue;
    const entry: Record<string, unknown> = { '@odata.type': '#microsoft.graph.identity' };
    for (const [key, v] of Object.entries(value)) if (v !== null && v !== undefined) entry[key] = v;
    out[slot] = entry;
  }
  return out;
}

export function invitation(target: InvitationParticipantInfoInput): Record<string, unknown> {
  const out: Record<string, unknown> = {
    '@odata.type': '#microsoft.graph.invitationParticipantInfo',
    identity: identitySet(target.identity),
  };
  if (target.replacesCallId) out['replacesCallId'] = target.replacesCallId;
  if (typeof target.hidden === 'boolean') out['hidden'] = target.hidden;
  if (typeof target.removeFromDefaultAudioRoutingGroup === 'boolean')
    out['removeFromDefaultAudioRoutingGroup'] = target.removeFromDefaultAudioRoutingGroup;
  return out;
}
