import { randomUUID } from 'node:crypto';
import { checkLength } from './inputChecks.js';

/** Graph's limit on `clientContext` (Graph docs: every action taking one). */
export const CLIENT_CONTEXT_MAX_LENGTH = 256;

/**
 * The caller's `clientContext`, checked, or a fresh UUID: every operation-creating action carries one, so its
 * outcome can be matched with the operation's notifications even when the caller did not think of it.
 */
export function clientContextOf(given: string | null | undefined, field = 'input.clientContext'): string {
  if (given === null || given === undefined) return randomUUID();
  checkLength(given, 1, CLIENT_CONTEXT_MAX_LENGTH, field);
  return given;
}

/** The body of the actions whose only parameter is `clientContext`. */
export function toClientContextBody(input: { clientContext?: string | null } | null | undefined): { clientContext: string } {
  return { clientContext: clientContextOf(input?.clientContext) };
}
