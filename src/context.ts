import type { CallRecordCache } from './callRecordCache/cache.js';
import { callerKey, type Caller } from './auth/caller.js';
import type { GraphClient } from './graph/index.js';
import { createLoaders, type Loaders } from './loaders/index.js';
import type { Logger } from './observability/logger.js';
import type { CursorCodec } from './paging/cursor.js';
import type { LiveFeed } from './live/events.js';
import { createOperationGraph, type OperationGraph } from './upstream/operationGraph.js';

/** Everything a resolver may use; built fresh for each GraphQL operation by `createOperationContext`. */
export interface GatewayContext {
  /** Per-operation DataLoaders: never shared between operations. */
  loaders: Loaders;
  /** The operation's view of Graph: its deadline bound, its requests counted, every failure a GatewayError. */
  graph: OperationGraph;
  codec: CursorCodec;
  paging: { defaultFirst: number; maxFirst: number };
  /** Correlates the operation's log lines and upstream requests. */
  requestId: string;
  logger: Logger;
  /** Who is calling: authenticated before the operation is parsed, authorized before it runs. */
  caller: Caller;
  /**
   * Where Graph should POST a call's notifications so the gateway sees them: `${PUBLIC_URL}/callbacks/calls`
   * (the default `callbackUri` of createCall and answerCall). Undefined with real Graph and no PUBLIC_URL.
   */
  callbackUrl: string | undefined;
  /** Live calls: the events applied from Graph's notifications, and each followed call's current state. */
  live: LiveFeed;
  /**
   * A new Graph view and loaders, with a new deadline: each event of a long-lived subscription that reads Graph
   * is its own unit of work (the operation's deadline has long passed, and its loaders must not cache forever).
   */
  freshUpstream(): Pick<GatewayContext, 'graph' | 'loaders'>;
}

/** What the server knows when an operation starts. */
export interface OperationInputs {
  graph: GraphClient;
  codec: CursorCodec;
  paging: GatewayContext['paging'];
  requestId: string;
  logger: Logger;
  caller: Caller;
  /** Upper bound on the operation's upstream work, from now. */
  operationTimeoutMs: number;
  callbackUrl: string | undefined;
  live: LiveFeed;
  /** The process's call-record cache, behind the call-record loaders. */
  callRecordCache: CallRecordCache;
}

/**
 * One operation's context. Apollo hands resolvers a shallow copy of it (own enumerable properties, same
 * prototype), so what is made on first use is reached through getters on the prototype and cached in own
 * properties: a copy neither triggers nor loses them.
 */
class OperationContext implements GatewayContext {
  /** Replaced, with `loaders`, by a long-lived subscription for each event it reads (`freshUpstream`). */
  graph: OperationGraph;
  readonly codec: CursorCodec;
  readonly paging: GatewayContext['paging'];
  readonly requestId: string;
  readonly caller: Caller;
  readonly callbackUrl: string | undefined;
  readonly live: LiveFeed;
  private readonly inputs: OperationInputs;
  private madeLoaders: Loaders | undefined = undefined;
  private madeLogger: Logger | undefined = undefined;

  constructor(inputs: OperationInputs) {
    this.inputs = inputs;
    this.graph = this.newGraphView();
    this.codec = inputs.codec;
    this.paging = inputs.paging;
    this.requestId = inputs.requestId;
    this.caller = inputs.caller;
    this.callbackUrl = inputs.callbackUrl;
    this.live = inputs.live;
  }

  /** Made on first use: an operation that reads no entity by id (a list, a mutation) needs no DataLoaders. */
  get loaders(): Loaders {
    return (this.madeLoaders ??= createLoaders(this.graph, this.inputs.callRecordCache));
  }

  set loaders(loaders: Loaders) {
    this.madeLoaders = loaders;
  }

  /** Made on first use: most operations never log through it, and a pino child (with redaction) is costly. */
  get logger(): Logger {
    return (this.madeLogger ??= this.inputs.logger.child({ requestId: this.inputs.requestId }));
  }

  freshUpstream(): Pick<GatewayContext, 'graph' | 'loaders'> {
    const view = this.newGraphView();
    return { graph: view, loaders: createLoaders(view, this.inputs.callRecordCache) };
  }

  /** A view of Graph whose deadline starts now. */
  private newGraphView(): OperationGraph {
    const { inputs } = this;
    return createOperationGraph(inputs.graph, Date.now() + inputs.operationTimeoutMs, callerKey(inputs.caller));
  }
}

/** A fresh context: its own loaders and Graph view, and the deadline every Graph request of the operation shares. */
export function createOperationContext(inputs: OperationInputs): GatewayContext {
  return new OperationContext(inputs);
}
