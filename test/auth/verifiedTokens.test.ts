import { describe, expect, it } from 'vitest';
import type { Caller } from '../../src/auth/caller.js';
import { createVerifiedTokens } from '../../src/auth/verifiedTokens.js';

const caller = (subject: string): Caller => ({ kind: 'token', subject, permissions: new Set() });

describe('verified tokens', () => {
  it('answers a verified token with its caller until its exp, and not at or after it', () => {
    let now = 1_000;
    const tokens = createVerifiedTokens(10, () => now);
    tokens.set('t', caller('a'), 5_000);
    expect(tokens.get('t')).toEqual(caller('a'));
    now = 4_999;
    expect(tokens.get('t')).toEqual(caller('a'));
    now = 5_000;
    expect(tokens.get('t')).toBeUndefined();
    now = 4_000;
    expect(tokens.get('t')).toBeUndefined();
  });

  it('keeps nothing for a token already expired (one accepted within the clock skew is verified every time)', () => {
    const tokens = createVerifiedTokens(10, () => 5_000);
    tokens.set('past', caller('a'), 4_000);
    tokens.set('now', caller('b'), 5_000);
    expect(tokens.get('past')).toBeUndefined();
    expect(tokens.get('now')).toBeUndefined();
  });

  it('holds at most its capacity, forgetting the least recently used token first', () => {
    const tokens = createVerifiedTokens(2, () => 0);
    tokens.set('a', caller('a'), 10);
    tokens.set('b', caller('b'), 10);
    expect(tokens.get('a')).toBeDefined();
    tokens.set('c', caller('c'), 10);
    expect(tokens.get('b')).toBeUndefined();
    expect(tokens.get('a')).toBeDefined();
    expect(tokens.get('c')).toBeDefined();
  });
});
