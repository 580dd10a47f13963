/**
 * The ceiling: the same schema answering from data held in memory, no I/O at all. What is left is
 * graphql-js parsing, validation and execution with Apollo Server on this machine. Benchmark only.
 */
import { randomUUID } from 'node:crypto';
import type { GraphCall, GraphCallRecord } from '../../src/graph/types.js';
import { resolvers as productResolvers } from '../../src/resolvers/index.js';
import type { RestClient } from './rest.js';

export interface MemoryData {
  /** The first records of the list, with organizer_v2, participants_v2 and sessions (with segments). */
  records: GraphCallRecord[];
  calls: Map<string, GraphCall>;
}

/** Loads `recordCount` fully expanded records and the given calls from the simulator, once. */
export async function loadMemoryData(rest: RestClient, recordCount: number, callIds: readonly string[]): Promise<MemoryData> {
  const page = await rest.get<{ value?: GraphCallRecord[] }>('/communications/callRecords');
  const ids = (page.value ?? []).slice(0, recordCount).map((r) => String(r.id));
  const records = await Promise.all(
    ids.map(async (id) => {
      const path = `/communications/callRecords/${encodeURIComponent(id)}`;
      const [record, sessions, participants] = await Promise.all([
        rest.get<GraphCallRecord>(path),
        rest.getAll(`${path}/sessions?$expand=segments`),
        rest.getAll(`${path}/participants_v2`),
      ]);
      return { ...record, sessions, participants_v2: participants } as GraphCallRecord;
    }),
  );
  const calls = new Map<string, GraphCall>();
  for (const id of callIds) calls.set(id, await rest.get<GraphCall>(`/communications/calls/${encodeURIComponent(id)}`));
  return { records, calls };
}

export function memoryResolvers(data: MemoryData): object {
  const template = [...data.calls.values()][0];
  return {
    ...productResolvers,
    Query: {
      call: (_root: unknown, { id }: { id: string }) => data.calls.get(id) ?? null,
      callRecords(_root: unknown, { first }: { first?: number | null }) {
        const nodes = data.records.slice(0, first ?? 20);
        const edges = nodes.map((node, i) => ({ cursor: Buffer.from(String(i)).toString('base64'), node }));
        return {
          edges,
          nodes,
          pageInfo: {
            hasNextPage: true,
            hasPreviousPage: false,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
    },
    Mutation: {
      createCall: () => ({ ...template, id: randomUUID(), state: 'establishing', myParticipantId: randomUUID() }),
    },
    CallRecord: {
      organizer: (record: GraphCallRecord) => record.organizer_v2 ?? null,
      participants: (record: GraphCallRecord) => record.participants_v2 ?? [],
      sessions: (record: GraphCallRecord) => record.sessions ?? [],
    },
  };
}
