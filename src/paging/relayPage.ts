import type { CursorCodec, CursorPosition } from './cursor.js';

/** A page of a forward-only Relay connection as the schema's `*Connection` types answer it. */
export interface RelayPage<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/**
 * An edge whose cursor is signed when it is first read: an operation that selects only `nodes` (the usual
 * list view) signs none, and one that selects `pageInfo { endCursor }` signs one.
 */
class Edge<T> {
  #cursor: string | undefined;

  constructor(
    readonly node: T,
    private readonly position: CursorPosition,
    private readonly sign: (position: CursorPosition) => string,
  ) {}

  get cursor(): string {
    return (this.#cursor ??= this.sign(this.position));
  }
}

/**
 * The page of `nodes`, each with the signed cursor of the position after it; `next` is where the following page
 * starts (`path: null` when nothing follows). Edges and cursors are made on first read.
 */
export function relayPage<T>(
  nodes: T[],
  positions: readonly CursorPosition[],
  next: CursorPosition,
  codec: CursorCodec,
  digest: string,
): RelayPage<T> {
  const sign = (position: CursorPosition): string => codec.encode(position, digest);
  let edges: Edge<T>[] | undefined;
  const edgesOf = (): Edge<T>[] => (edges ??= nodes.map((node, i) => new Edge(node, positions[i] as CursorPosition, sign)));
  return {
    get edges() {
      return edgesOf();
    },
    nodes,
    pageInfo: {
      hasNextPage: next.path !== null,
      hasPreviousPage: false,
      get startCursor() {
        return edgesOf()[0]?.cursor ?? null;
      },
      get endCursor() {
        return edgesOf().at(-1)?.cursor ?? null;
      },
    },
  };
}
