import type { Caller } from './auth/caller.js';
import type { Loaders } from './loaders/index.js';
import type { GraphClient } from './graph/index.js';
import type { Logger } from './logger.js';
import type { UpstreamCount } from './observability/upstreamCount.js';
import type { CursorCodec } from './paging/cursor.js';

/** Everything a resolver may use; built fresh for each GraphQL operation. */
export interface GatewayContext {
  /** Per-operation DataLoaders: never shared between operations. */
  loaders: Loaders;
  graph: GraphClient;
  codec: CursorCodec;
  paging: { defaultFirst: number; maxFirst: number };
  /** Correlates the operation's log lines and upstream requests. */
  requestId: string;
  /** Epoch ms by which every upstream attempt and retry must be done. */
  deadline: number;
  logger: Logger;
  /** Who is calling: authenticated before the operation is parsed, authorized before it runs. */
  caller: Caller;
  /** The Graph requests this operation asked for, for its log line (`graph` and `loaders` count into it). */
  upstream: UpstreamCount;
}
