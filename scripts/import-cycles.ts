/**
 * Fails when the relative imports under a folder form a loop. Type-only imports count: a loop of types is
 * still a loop a reader has to untangle. Usage: `tsx scripts/import-cycles.ts src [more folders]`.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [resolve(path)] : [];
  });
}

/** The files a module imports or re-exports from, by relative specifier (`./x.js` is `./x.ts` on disk). */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, false);
  return importedFiles
    .filter(({ fileName }) => fileName.startsWith('.'))
    .map(({ fileName }) => resolve(dirname(file), fileName.replace(/\.js$/, '.ts')))
    .filter((target) => known.has(target));
}

/** Every elementary loop found by a depth-first search, each reported once from its first file. */
function findCycles(graph: ReadonlyMap<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

const roots = process.argv.slice(2);
if (roots.length === 0) {
  console.error('usage: tsx scripts/import-cycles.ts <folder> [folder ...]');
  process.exit(2);
}
const files = roots.flatMap((root) => sourceFiles(root));
const known = new Set(files);
const graph = new Map(files.map((file) => [file, importsOf(file, known)]));
const cycles = findCycles(graph);
if (cycles.length > 0) {
  console.error(`${cycles.length} import cycle(s):`);
  for (const cycle of cycles) console.error(`  ${cycle.map((f) => relative(process.cwd(), f)).join(' -> ')}`);
  process.exit(1);
}
console.log(`no import cycles in ${roots.join(', ')} (${files.length} files)`);
