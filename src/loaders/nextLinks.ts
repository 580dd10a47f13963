import type { GatewayError } from '../errors/index.js';
import type { OperationGraph } from '../upstream/operationGraph.js';

type Json = Record<string, unknown>;

/**
 * Graph pages expanded collections inline (`sessions@odata.nextLink`, `participants_v2@odata.nextLink`,
 * `segments@odata.nextLink` inside a session). Follows those links through the operation's Graph view (host
 * check and page cap included) and returns the record with complete collections, or the error that stopped it.
 */
export async function drainExpandedCollections<T>(graph: OperationGraph, record: T): Promise<T | GatewayError> {
  try {
    const out = { ...(record as Json) };
    for (const property of ['sessions', 'participants_v2']) await drain(graph, out, property);
    if (Array.isArray(out['sessions'])) {
      out['sessions'] = await Promise.all(
        (out['sessions'] as Json[]).map(async (session) => {
          if (typeof session?.['segments@odata.nextLink'] !== 'string') return session;
          const copy = { ...session };
          await drain(graph, copy, 'segments');
          return copy;
        }),
      );
    }
    return out as T;
  } catch (error) {
    // The view raises only GatewayErrors; a DataLoader slot holds it as a value.
    return error as GatewayError;
  }
}

async function drain(graph: OperationGraph, entity: Json, property: string): Promise<void> {
  const linkKey = `${property}@odata.nextLink`;
  const link = entity[linkKey];
  if (typeof link !== 'string') return;
  const first = Array.isArray(entity[property]) ? (entity[property] as unknown[]) : [];
  entity[property] = [...first, ...(await graph.collect(graph.toRelative(link)))];
  delete entity[linkKey];
}
