/**
 * The schema's SDL, read at start-up from `schema/*.graphql` at the package root. The root is found by walking
 * up from this file, so the same code works from `src/schema/` under tsx and from `dist/src/schema/` after tsc.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Source, concatAST, parse, type DocumentNode } from 'graphql';

/** The directory holding the `.graphql` files: the nearest `schema/` beside a package.json above this file. */
export function findSchemaDir(start: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'schema');
    if (existsSync(join(dir, 'package.json')) && existsSync(join(candidate, 'common.graphql'))) return candidate;
    if (dirname(dir) === dir) {
      throw new Error(`No schema/common.graphql beside a package.json in ${start} or any directory above it`);
    }
  }
}

/** Parses every `.graphql` file of `dir`, in file-name order; error locations name the file. */
export function loadTypeDefs(dir: string = findSchemaDir()): DocumentNode {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.graphql'))
    .sort();
  if (files.length === 0) throw new Error(`No .graphql files in ${dir}`);
  return concatAST(files.map((name) => parse(new Source(readFileSync(join(dir, name), 'utf8'), join('schema', name)))));
}

/** The gateway's SDL as one document. */
export const typeDefs: DocumentNode = loadTypeDefs();
