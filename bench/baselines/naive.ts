/**
 * The naive baseline: the resolvers a team would write by hand over Graph's REST API. One REST request
 * per entity, no DataLoader, no `$batch`, no `$select`, no `$expand`: a page lists ids, then every record
 * is fetched on its own, then each record's sessions (`/sessions?$expand=segments`) and participants,
 * following their `@odata.nextLink`s (a baseline that dropped records would not answer the same data).
 * Benchmark only, never part of the product. Types other than Query, Mutation and CallRecord keep the
 * product's resolvers (identity sets, polymorphic types), so both answer the same JSON.
 */
import { toCreateCallBody } from '../../src/calls/createCallRequest.js';
import type { CreateCallInput } from '../../src/generated/graphql.js';
import type { GraphCall, GraphCallRecord } from '../../src/graph/types.js';
import { resolvers as productResolvers } from '../../src/resolvers/index.js';
import type { RestClient } from './rest.js';

interface ODataPage<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

function connection(records: GraphCallRecord[], hasNextPage: boolean) {
  const edges = records.map((node) => ({ cursor: String(node.id), node }));
  return {
    edges,
    nodes: records,
    pageInfo: { hasNextPage, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

export function naiveResolvers(rest: RestClient): object {
  return {
    ...productResolvers,
    Query: {
      call: (_root: unknown, { id }: { id: string }) => rest.get<GraphCall>(`/communications/calls/${encodeURIComponent(id)}`),
      async callRecords(_root: unknown, { first }: { first?: number | null }) {
        const wanted = first ?? 20;
        const ids: string[] = [];
        let page = await rest.get<ODataPage<GraphCallRecord>>('/communications/callRecords');
        for (;;) {
          for (const r of page.value ?? []) if (ids.length < wanted) ids.push(String(r.id));
          const next = page['@odata.nextLink'];
          if (ids.length >= wanted || typeof next !== 'string') break;
          page = await rest.getAbsolute<ODataPage<GraphCallRecord>>(next);
        }
        const records = await Promise.all(
          ids.map((id) => rest.get<GraphCallRecord>(`/communications/callRecords/${encodeURIComponent(id)}`)),
        );
        return connection(records, typeof page['@odata.nextLink'] === 'string');
      },
    },
    Mutation: {
      createCall: (_root: unknown, { input }: { input: CreateCallInput }) =>
        rest.post<GraphCall>('/communications/calls', toCreateCallBody(input)),
    },
    CallRecord: {
      organizer: (record: GraphCallRecord) => record.organizer_v2 ?? null,
      participants: (record: GraphCallRecord) =>
        rest.getAll(`/communications/callRecords/${encodeURIComponent(String(record.id))}/participants_v2`),
      sessions: (record: GraphCallRecord) =>
        rest.getAll(`/communications/callRecords/${encodeURIComponent(String(record.id))}/sessions?$expand=segments`),
    },
  };
}
