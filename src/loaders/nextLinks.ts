import type { GraphRequestOptions, GraphClient } from '../graph/index.js';
import { toGatewayError } from '../upstreamErrors.js';

interface Page {
  value?: unknown[];
  '@odata.nextLink'?: string;
}

type Json = Record<string, unknown>;

/** Upper bound on pages followed for one expanded collection; Graph caps participants at 130 a page. */
const MAX_PAGES = 50;

/**
 * Graph pages expanded collections inline (`sessions@odata.nextLink`, `participants_v2@odata.nextLink`,
 * `segments@odata.nextLink` inside a session). Follows those links (after the client's host check) and
 * returns the record with complete collections, or the error that stopped it.
 */
export async function drainExpandedCollections<T>(graph: GraphClient, record: T, options: GraphRequestOptions): Promise<T | Error> {
  try {
    const out = { ...(record as Json) };
    for (const property of ['sessions', 'participants_v2']) await drain(graph, out, property, options);
    if (Array.isArray(out['sessions'])) {
      out['sessions'] = await Promise.all(
        (out['sessions'] as Json[]).map(async (session) => {
          if (typeof session?.['segments@odata.nextLink'] !== 'string') return session;
          const copy = { ...session };
          await drain(graph, copy, 'segments', options);
          return copy;
        }),
      );
    }
    return out as T;
  } catch (error) {
    return toGatewayError(error);
  }
}

async function drain(graph: GraphClient, entity: Json, property: string, options: GraphRequestOptions): Promise<void> {
  const linkKey = `${property}@odata.nextLink`;
  let link = entity[linkKey];
  if (typeof link !== 'string') return;
  const items = Array.isArray(entity[property]) ? [...(entity[property] as unknown[])] : [];
  for (let pages = 0; typeof link === 'string'; pages++) {
    if (pages >= MAX_PAGES) throw new Error(`${property} of one record spans more than ${MAX_PAGES} pages`);
    const page: Page = (await graph.followLink<Page>(link, options)).body;
    items.push(...(page.value ?? []));
    link = page['@odata.nextLink'];
  }
  entity[property] = items;
  delete entity[linkKey];
}
