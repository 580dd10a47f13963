import type { CursorCodec, CursorPosition } from './cursor.js';

/** A page of a forward-only Relay connection as the schema's `*Connection` types answer it. */
export interface RelayPage<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/**
 * The page of `nodes`, each with the signed cursor of the position after it; `next` is where the following page
 * starts (`path: null` when nothing follows).
 */
export function relayPage<T>(
  nodes: T[],
  positions: readonly CursorPosition[],
  next: CursorPosition,
  codec: CursorCodec,
  digest: string,
): RelayPage<T> {
  const edges = nodes.map((node, i) => ({ node, cursor: codec.encode(positions[i] as CursorPosition, digest) }));
  return {
    edges,
    nodes,
    pageInfo: {
      hasNextPage: next.path !== null,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
