import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface GatewayProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Its exit code, once it exits. */
  exited: Promise<number | null>;
}

/**
 * `src/main.ts` in a process of its own, as people run it (embedded simulator unless `env` names Azure). The
 * condition resolves @comms-graphql/simulator to its sources, as `npm run dev` does: no build needed. `env` is the
 * whole environment of the child.
 */
export function spawnGateway(env: NodeJS.ProcessEnv): GatewayProcess {
  const child = spawn(process.execPath, ['--conditions=comms-graphql-source', '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The `/graphql` URL the process printed, on 127.0.0.1; undefined until it did. */
export function printedUrl(output: string): string | undefined {
  return /comms-graphql gateway: (http:\/\/\S+\/graphql)/.exec(output)?.[1]?.replace('localhost', '127.0.0.1');
}
