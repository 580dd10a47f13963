import { ApolloClient, HttpLink, InMemoryCache, gql, type TypedDocumentNode } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

/**
 * A frontend client nobody on this team wrote: Apollo Client's own Relay pagination policy pages through
 * `callRecords` with `fetchMore`, over HTTP, and must end with exactly the simulator's records.
 */

interface RecordsData {
  callRecords: {
    edges: Array<{ cursor: string; node: { id: string; startDateTime: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
interface RecordsVariables {
  filter?: { startDateTime?: { gte?: string; lt?: string } };
  first?: number;
  after?: string | null;
}

const RECORDS: TypedDocumentNode<RecordsData, RecordsVariables> = gql`
  query Records($filter: CallRecordFilter, $first: Int, $after: String) {
    callRecords(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          startDateTime
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

const NOW = '2026-11-20T12:00:00Z';
let stack: Stack;
let records: Array<{ id: string; startDateTime: string }>;

beforeAll(async () => {
  stack = await startStack({
    simulator: { callRecordCount: 300, now: NOW, throttle: { callRecordsList: { limit: 10_000, windowMs: 20_000 } } },
  });
  records = stack.simulator.resources.snapshot().callRecords as Array<{ id: string; startDateTime: string }>;
});
afterAll(async () => stack?.stop());

function newClient(): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: stack.gateway.url, fetch }),
    cache: new InMemoryCache({ typePolicies: { Query: { fields: { callRecords: relayStylePagination(['filter']) } } } }),
  });
}

describe('@apollo/client with relayStylePagination', () => {
  it.each([7, 20])(
    "pages through a filtered callRecords list with fetchMore (first=%i) to exactly the simulator's records, in order",
    async (first) => {
      const from = new Date(Date.parse(NOW) - 10 * 24 * 3600 * 1000).toISOString();
      const to = new Date(Date.parse(NOW) - 3 * 24 * 3600 * 1000).toISOString();
      const expected = records
        .filter((r) => r.startDateTime >= from && r.startDateTime < to)
        .sort((a, b) => Date.parse(a.startDateTime) - Date.parse(b.startDateTime) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((r) => r.id);
      expect(expected.length).toBeGreaterThan(first * 3);

      const client = newClient();
      const query = client.watchQuery({ query: RECORDS, variables: { filter: { startDateTime: { gte: from, lt: to } }, first } });
      const subscription = query.subscribe(() => undefined);
      try {
        await firstValueFrom(query.pipe(filter((r) => r.dataState === 'complete')));
        // What a UI renders: the list the cache holds, merged by the Relay policy after each fetchMore.
        const merged = (): RecordsData['callRecords'] => client.readQuery({ query: RECORDS, variables: query.variables })!.callRecords;
        let pages = 1;
        while (merged().pageInfo.hasNextPage) {
          await query.fetchMore({ variables: { after: merged().pageInfo.endCursor } });
          pages += 1;
          expect(pages).toBeLessThan(100);
        }
        const ids = merged().edges.map((e) => e.node.id);
        expect(ids).toEqual(expected);
        expect(pages).toBe(Math.ceil(expected.length / first));
      } finally {
        subscription.unsubscribe();
        client.stop();
      }
    },
  );
});
