/**
 * The simulator alone: the Graph requests the gateway made for one operation (recorded at its HTTP
 * client), sent straight to the simulator with a bearer token, in the same stages: requests that
 * overlapped in the recording go out together, a stage starts when the previous one has answered.
 * Same client library as the gateway (undici, keep-alive, HTTPS).
 */
import { Agent, request } from 'undici';
import type { RecordedRequest } from '../servers/instrument.js';

export type Stage = RecordedRequest[];

/** Groups recorded requests into sequential stages of concurrent requests. */
export function stagesOf(recorded: readonly RecordedRequest[]): Stage[] {
  const sorted = recorded.filter((r) => r.method !== 'SERVER').sort((a, b) => a.startMs - b.startMs);
  const stages: Stage[] = [];
  let current: Stage = [];
  let currentEnd = -Infinity;
  for (const r of sorted) {
    if (current.length > 0 && r.startMs >= currentEnd) {
      stages.push(current);
      current = [];
    }
    current.push(r);
    currentEnd = Math.max(currentEnd, r.endMs);
  }
  if (current.length > 0) stages.push(current);
  return stages;
}

/** `parse`: each answer is also parsed as JSON, as a client using it would (the bare-Graph baseline). */
export function createReplayer(options: { origin: string; caCertificate: string; token: string; parse?: boolean }): {
  run(stages: readonly Stage[]): Promise<number>;
  close(): Promise<void>;
} {
  const dispatcher = new Agent({ connect: { ca: options.caCertificate }, connections: 256 });
  const send = async (r: RecordedRequest): Promise<number> => {
    const res = await request(`${options.origin}${r.path}`, {
      method: r.method as 'GET' | 'POST',
      headers: { ...r.headers, authorization: `Bearer ${options.token}` },
      ...(r.body !== undefined ? { body: r.body } : {}),
      dispatcher,
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`simulator answered ${res.statusCode} to ${r.method} ${r.path}: ${text.slice(0, 200)}`);
    if (options.parse) JSON.parse(text);
    return text.length;
  };
  return {
    /** Replays one operation; resolves with the response bytes. */
    async run(stages) {
      let bytes = 0;
      for (const stage of stages) for (const n of await Promise.all(stage.map(send))) bytes += n;
      return bytes;
    },
    close: () => dispatcher.close(),
  };
}

/** Where one recorded operation spent its time at the server: before the first Graph request, in Graph, after. */
export function breakdownOf(recorded: readonly RecordedRequest[]): { beforeMs: number; graphMs: number; afterMs: number } | undefined {
  const start = recorded.find((r) => r.method === 'SERVER' && r.path === 'request start')?.startMs;
  const finish = recorded.find((r) => r.method === 'SERVER' && r.path === 'response finish')?.startMs;
  const graph = recorded.filter((r) => r.method !== 'SERVER');
  if (start === undefined || finish === undefined || graph.length === 0) return undefined;
  const first = Math.min(...graph.map((r) => r.startMs));
  const last = Math.max(...graph.map((r) => r.endMs));
  return { beforeMs: first - start, graphMs: last - first, afterMs: finish - last };
}
