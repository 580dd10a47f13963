import { describe, expect, it } from 'vitest';
import { IdentitySet, present } from '../../src/resolvers/IdentitySet.js';
import type { GraphIdentity } from '../../src/graph/types.js';

describe('IdentitySet: an identity counts only when it carries data', () => {
  it('reads null, undefined and non-objects as no identity', () => {
    expect(present(null)).toBeNull();
    expect(present(undefined)).toBeNull();
    expect(present('user' as unknown as GraphIdentity)).toBeNull();
  });

  it('reads an identity with only OData annotations or empty values as no identity', () => {
    expect(present({ '@odata.type': '#microsoft.graph.identity' } as GraphIdentity)).toBeNull();
    expect(present({ '@odata.type': '#microsoft.graph.identity', id: null, displayName: undefined } as GraphIdentity)).toBeNull();
    expect(present({} as GraphIdentity)).toBeNull();
  });

  it('returns the identity itself when any property other than an annotation has a value', () => {
    const user = { '@odata.type': '#microsoft.graph.identity', id: null, displayName: 'Ann' } as GraphIdentity;
    expect(present(user)).toBe(user);
    const tenantOnly = { tenantId: 't' } as GraphIdentity;
    expect(present(tenantOnly)).toBe(tenantOnly);
    // Falsy values are data: an empty display name was answered, not left out.
    const empty = { displayName: '' } as GraphIdentity;
    expect(present(empty)).toBe(empty);
  });

  it('applies to every slot of an identity set', () => {
    const set = { user: { id: 'u' }, phone: { '@odata.type': '#microsoft.graph.identity' }, guest: null };
    const resolve = (field: keyof typeof IdentitySet): unknown => (IdentitySet[field] as unknown as (parent: unknown) => unknown)(set);
    expect(resolve('user')).toEqual({ id: 'u' });
    expect(resolve('phone')).toBeNull();
    expect(resolve('guest')).toBeNull();
    expect(resolve('application')).toBeNull();
  });
});
