/**
 * Closed-loop load with autocannon (programmatic API): `connections` clients, each sending its next
 * operation as soon as the previous answer arrives, for a fixed duration. Latencies are taken from
 * autocannon's per-response event at full precision (its histogram keeps whole milliseconds); every
 * answer is checked for GraphQL errors.
 */
import autocannon from 'autocannon';
import { summarize, type LatencySummary } from './stats.js';

export interface ClosedLoopOptions {
  url: string;
  connections: number;
  durationS: number;
  /** The JSON body of the n-th operation (n counts from 0 across all connections). */
  body(n: number): string;
  /** Extra request headers, e.g. a caller's `authorization`. */
  headers?: Readonly<Record<string, string>>;
}

export interface ClosedLoopResult {
  /** Operations answered 2xx without GraphQL errors. */
  ok: number;
  /** Operations sent (answered or not when the run ended). */
  sent: number;
  /** Answers with a non-2xx status or a GraphQL `errors` entry. */
  failed: number;
  firstError?: string;
  durationS: number;
  throughput: number;
  latency: LatencySummary;
}

export async function closedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  let n = 0;
  let failed = 0;
  let firstError: string | undefined;
  const latencies: number[] = [];
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        setupRequest: (req) => ({ ...req, body: options.body(n++) }),
        onResponse: (status, body) => {
          if (status < 200 || status > 299 || body.includes('"errors":[')) {
            failed += 1;
            firstError ??= `${status} ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
  });
  const result = await instance;
  const durationS = result.duration;
  const ok = result.requests.total - failed;
  return {
    ok,
    sent: result.requests.sent,
    failed,
    ...(firstError !== undefined ? { firstError } : {}),
    durationS,
    throughput: ok / durationS,
    latency: summarize(latencies),
  };
}
