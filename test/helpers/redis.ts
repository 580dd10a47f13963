/**
 * A real redis-server (Debian's package) for a test, on a free loopback port, with no persistence. Never
 * `--port 0`: to redis that means "no TCP at all". Missing binary: installed with apt when running as root, else
 * the caller skips its Redis tests (`redisAvailable()` says why, loudly).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface RunningRedis {
  port: number;
  url: string;
  /** SIGKILLs the server (a crash, mid-test); `start()` brings it back on the same port. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP: the server keeps its sockets open but answers nothing (a stalled Redis); `resume()` undoes it. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

let availability: string | undefined | null = null;

/** Undefined when redis-server can run; otherwise why not (and the tests that need it skip). */
export function redisUnavailableReason(): string | undefined {
  if (availability !== null) return availability;
  availability = findOrInstall();
  if (availability !== undefined) console.error(`\n!!! Redis tests SKIPPED: ${availability}\n`);
  return availability;
}

function hasBinary(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

function findOrInstall(): string | undefined {
  if (hasBinary()) return undefined;
  const root = process.getuid?.() === 0;
  const apt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!root || !apt) return 'redis-server is not installed (apt-get install -y redis-server), and this process cannot install it';
  const install = (): boolean =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { stdio: 'ignore' }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    install();
  }
  return hasBinary() ? undefined : 'installing redis-server with apt-get failed';
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the server answers PING with PONG. */
async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.write('PING\r\n');
  });
}

export async function startRedis(): Promise<RunningRedis> {
  const reason = redisUnavailableReason();
  if (reason !== undefined) throw new Error(`redis-server unavailable: ${reason}`);
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    child = proc;
    const deadline = Date.now() + 10_000;
    while (!(await ping(port))) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode} on port ${port}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer PING on port ${port} within 10 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function end(signal: NodeJS.Signals): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  }

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    kill: () => end('SIGKILL'),
    stop: async () => {
      child?.kill('SIGCONT');
      await end('SIGTERM');
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
  };
}
