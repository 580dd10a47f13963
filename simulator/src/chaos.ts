/**
 * Seeded fault injection. Every decision consumes the same four draws whatever its outcome, so a given
 * seed yields the same fault sequence for the same sequence of requests. Setting chaos (again) restarts
 * the sequence from its seed.
 */
import type { ChaosOptions } from './options.js';
import { seededRandom } from './random.js';
import type { Random } from './random.js';

/** `lost504` and `lostDrop` happen after the request was served: Graph acted, the client never hears of it. */
export type Fault = '429' | '503' | '504' | 'drop' | 'lost504' | 'lostDrop';

export interface ChaosDecision {
  fault?: Fault;
  /** Retry-After for 429 and 503, in seconds: within `retryAfterMs` (default 1 to 5 s), to the millisecond. */
  retryAfterSeconds: number;
  /** Injected latency before the request is served. */
  delayMs: number;
}

const NO_FAULT: ChaosDecision = Object.freeze({ retryAfterSeconds: 0, delayMs: 0 });

export class Chaos {
  private options: ChaosOptions | null = null;
  private random: Random = Math.random;

  constructor(options: ChaosOptions | null) {
    this.set(options);
  }

  set(options: ChaosOptions | null): void {
    this.options = options === null ? null : Object.freeze({ ...options });
    this.random = seededRandom(options?.seed ?? 0);
  }

  get(): ChaosOptions | null {
    return this.options;
  }

  /** Restarts the fault sequence from the seed. */
  restart(): void {
    this.set(this.options);
  }

  /** Decides the fate of one request; drops apply only to top-level requests (a `$batch` item cannot drop). */
  decide(topLevel: boolean): ChaosDecision {
    const o = this.options;
    if (o === null) return NO_FAULT;
    const [faultDraw, retryDraw, latencyDraw, delayDraw] = [this.random(), this.random(), this.random(), this.random()];
    let fault: Fault | undefined;
    let edge = o.p429;
    if (faultDraw < edge) fault = '429';
    else if (faultDraw < (edge += o.p503)) fault = '503';
    else if (faultDraw < (edge += o.p504)) fault = '504';
    else if (faultDraw < (edge += o.pDrop)) fault = topLevel ? 'drop' : undefined;
    else if (faultDraw < (edge += o.pLost504 ?? 0)) fault = 'lost504';
    else if (faultDraw < (edge += o.pLostDrop ?? 0) && topLevel) fault = 'lostDrop';
    const { min: retryMin, max: retryMax } = o.retryAfterMs ?? { min: 1000, max: 5000 };
    const latency = o.latency;
    const delayMs =
      latency !== undefined && latencyDraw < latency.p ? Math.round(latency.minMs + delayDraw * (latency.maxMs - latency.minMs)) : 0;
    return {
      ...(fault !== undefined ? { fault } : {}),
      retryAfterSeconds: Math.round(retryMin + retryDraw * (retryMax - retryMin)) / 1000,
      delayMs,
    };
  }
}
