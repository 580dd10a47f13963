/**
 * Reads the profiles `npm run bench -- --profile` leaves in bench/.profiles/ (one per gateway run, covering its
 * measured closed-loop run only): `.cpuprofile` files, or `.heapprofile` files with BENCH_PROFILE=heap. Prints what
 * was spent (time or bytes allocated) by area (product folder, package, node internals), the top functions by self
 * and by inclusive weight. Usage: `npx tsx bench/profile.ts [file | dir ...] [--top N]`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROFILE_DIR } from './lib/children.js';
import { formatSummary, summarize, type CpuProfile, type HeapProfile } from './lib/profiles.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
/** A directory stands for the profiles in it. */
const expand = (p: string): string[] =>
  statSync(p).isDirectory()
    ? readdirSync(p)
        .filter((f) => f.endsWith('.cpuprofile') || f.endsWith('.heapprofile'))
        .sort()
        .map((f) => join(p, f))
    : [p];
const files = (positionals.length > 0 ? positionals : [PROFILE_DIR]).flatMap(expand);
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile | HeapProfile;
  console.log(`${formatSummary(file, summarize(profile), Number(values.top))}\n`);
}
