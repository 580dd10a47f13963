/**
 * A tiny request/response protocol over a forked child's IPC channel: the parent calls named methods,
 * the child serves them. Bench processes only; errors travel back as messages.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { compiledServer } from './compile.js';

type Handlers = Record<string, (arg: unknown) => unknown>;

interface CallMessage {
  id: number;
  method: string;
  arg: unknown;
}

interface ReplyMessage {
  id: number;
  result?: unknown;
  error?: string;
}

/** In a child: answers the parent's calls with `handlers`; the first message sent is `{ ready: info }`. */
export function serve(handlers: Handlers, ready: unknown): void {
  if (!process.send) throw new Error('serve() must run in a forked child with an IPC channel');
  process.on('message', (raw: CallMessage) => {
    void (async () => {
      const reply: ReplyMessage = { id: raw.id };
      try {
        const handler = handlers[raw.method];
        if (!handler) throw new Error(`unknown method ${raw.method}; known: ${Object.keys(handlers).join(', ')}`);
        reply.result = await handler(raw.arg);
      } catch (err) {
        reply.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      }
      process.send?.(reply);
    })();
  });
  process.send({ ready });
  // The parent going away ends the child: nothing is left running.
  process.on('disconnect', () => process.exit(0));
}

export interface Child<Ready> {
  ready: Ready;
  pid: number;
  call<T>(method: string, arg?: unknown): Promise<T>;
  /** Asks the child to stop (`stop` method), then disconnects; kills it after a grace period. */
  stop(): Promise<void>;
}

/**
 * Forks the compiled bench server `script` (`target`, `simulator`) and waits for its ready message.
 * `execArgv` adds node flags.
 */
export async function spawnChild<Ready>(
  script: string,
  options: { env?: Record<string, string>; execArgv?: string[] } = {},
): Promise<Child<Ready>> {
  // Compiled by compileBench (bench/lib/compile.ts): plain node, as the shipped gateway runs.
  const child: ChildProcess = fork(compiledServer(script), [], {
    execArgv: [...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean), ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      for (const p of pending.values()) p.reject(new Error(`${script} exited`));
      resolve();
    }),
  );
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${String(code)} before it was ready`)));
    child.on('message', (msg: { ready?: Ready } & ReplyMessage) => {
      if ('ready' in msg) return resolve(msg.ready as Ready);
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.error !== undefined) p.reject(new Error(`${script}: ${msg.error}`));
      else p.resolve(msg.result);
    });
  });
  const call = <T>(method: string, arg?: unknown): Promise<T> => {
    if (exited) return Promise.reject(new Error(`${script} has exited`));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, method, arg } satisfies CallMessage);
    });
  };
  return {
    ready,
    pid: child.pid ?? -1,
    call,
    async stop() {
      if (exited) return;
      try {
        await Promise.race([call('stop'), new Promise((r) => setTimeout(r, 15_000))]);
      } catch {
        // It may exit while answering.
      }
      if (!exited) child.disconnect();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(killer);
    },
  };
}
