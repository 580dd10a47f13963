/**
 * Builds what the bench's child processes run: the simulator package (simulator/dist) and the gateway and bench servers
 * (tsconfig.bench.json into dist/), so each server under test runs tsc's output on plain node as `npm start` does.
 * Under tsx every closure the product creates was also named at run time (its transform keeps function names), a
 * cost the shipped gateway does not pay: 25% of the `$batch` transport's CPU in isolation.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The compiled bench server `name` (`target`, `simulator`). */
export function compiledServer(name: string): string {
  return fileURLToPath(new URL(`../../dist/bench/servers/${name}.js`, import.meta.url));
}

export function compileBench(): void {
  const run = (command: string, args: string[]): void => void execFileSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  run('npm', ['run', '-s', 'build', '-w', '@comms-graphql/simulator']);
  run(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.bench.json']);
}
