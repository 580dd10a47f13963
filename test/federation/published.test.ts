import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_SDL, publishedSdl } from '../../scripts/schema-print.js';

describe('the published subgraph SDL', () => {
  it('is what schema:print writes from schema/*.graphql today (run `npm run schema:print` when this fails)', () => {
    expect(readFileSync(PUBLISHED_SDL, 'utf8')).toBe(publishedSdl());
  });

  it('composes into a supergraph on its own', () => {
    const result = composeServices([
      { name: 'comms', url: 'http://comms.invalid/graphql', typeDefs: parse(readFileSync(PUBLISHED_SDL, 'utf8')) },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.supergraphSdl).toContain('join__type(graph: COMMS, key: "id")');
  });
});
