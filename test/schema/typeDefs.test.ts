import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findSchemaDir } from '../../src/schema/index.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

describe('locating schema/*.graphql', () => {
  it('finds it from src/schema (tsx) and from dist/src/schema (after tsc)', () => {
    expect(findSchemaDir(join(root, 'src', 'schema'))).toBe(join(root, 'schema'));
    expect(findSchemaDir(join(root, 'dist', 'src', 'schema'))).toBe(join(root, 'schema'));
  });

  it('names the start directory when there is no schema above it', () => {
    expect(() => findSchemaDir('/')).toThrow('No schema/common.graphql beside a package.json in / or any directory above it');
  });
});
