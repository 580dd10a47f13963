#!/usr/bin/env node
// Fails (exit 1) when the files codegen.yml generates differ from the committed ones, e.g. after a schema change
// without `npm run codegen`. Codegen runs in memory; nothing is written.
// Usage: node scripts/codegen-check.mjs [project root, default: the directory above this script]
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
process.chdir(root);

const { config } = await loadCodegenConfig({ configFilePath: join(root, 'codegen.yml') });
const outputs = await generate(
  {
    ...config,
    cwd: root,
    silent: true,
    errorsOnly: true,
    // Plugin packages come from this repository's node_modules, also when checking a copy elsewhere; a local plugin
    // (scripts/codegen-wire-enums.ts), like codegen.yml's `require`, is resolved from the checked project.
    pluginLoader: (name) => import(name),
  },
  false,
);

const stale = [];
for (const { filename, content } of outputs) {
  const path = resolve(root, filename);
  const committed = await readFile(path, 'utf8').catch(() => null);
  if (committed !== content) stale.push(relative(root, path) + (committed === null ? ' (missing)' : ''));
}

if (stale.length > 0) {
  console.error(`Generated code is stale: ${stale.join(', ')}. Run \`npm run codegen\` and commit the result.`);
  process.exit(1);
}
console.log(`Generated code is up to date (${outputs.map((o) => relative(root, resolve(root, o.filename))).join(', ')}).`);
