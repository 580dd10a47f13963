/**
 * A second subgraph for federation tests (the company's users service, in miniature): it owns `User.department`
 * and knows some call records by id, and serves its SDL at `_service` like any subgraph.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { expect } from 'vitest';

export const USERS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type User @key(fields: "id") {
    id: ID!
    department: String
  }
  type CallRecord @key(fields: "id", resolvable: false) {
    id: ID!
  }
  type Query {
    "Call records this subgraph knows only by id: the router fetches them from the comms subgraph's _entities."
    recentCallRecords: [CallRecord!]!
  }
`;

/** The users subgraph's answer for any user id: deterministic, so the test knows it. */
export const departmentOf = (id: string): string => `department-${id.slice(0, 4)}`;

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

export type UsersSubgraph = RunningServer & { setRecent: (ids: string[]) => void };

/** The SDL a subgraph serves at `_service`, as composition reads it. */
export async function serviceSdl(url: string, token?: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await response.json()) as { data?: { _service: { sdl: string } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data!._service.sdl;
}

export async function startUsersSubgraph(): Promise<UsersSubgraph> {
  let recent: string[] = [];
  const server = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse(USERS_SDL),
      resolvers: {
        Query: { recentCallRecords: () => recent.map((id) => ({ id })) },
        User: {
          __resolveReference: ({ id }: { id: string }) => ({ id, department: departmentOf(id) }),
        },
      },
    }),
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop(), setRecent: (ids) => (recent = ids) };
}
