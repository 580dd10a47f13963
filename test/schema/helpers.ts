import { graphql, type GraphQLSchema } from 'graphql';
import { expect } from 'vitest';
import type { GraphCall, GraphCallRecord } from '../../src/graph/types.js';
import { resolvers } from '../../src/resolvers/index.js';
import { buildGatewaySchema, type EnumWarningLogger } from '../../src/schema/index.js';

export interface Warning {
  details: Record<string, unknown>;
  message: string;
}

/** A logger that remembers its warnings. */
export function recordingLogger(): EnumWarningLogger & { warnings: Warning[] } {
  const warnings: Warning[] = [];
  return { warnings, warn: (details, message) => warnings.push({ details, message }) };
}

export interface TestData {
  calls?: Record<string, GraphCall>;
  records?: Record<string, GraphCallRecord>;
  /** Receives the `input` of createCall, as resolvers see it. */
  onCreateCall?: (input: unknown) => void;
}

/** The gateway schema with roots that serve `data` instead of Graph, and CallRecord's renamed navigations. */
export function testSchema(data: TestData = {}, logger: EnumWarningLogger = recordingLogger()): GraphQLSchema {
  return buildGatewaySchema(
    {
      ...resolvers,
      Query: {
        call: (_: unknown, { id }: { id: string }) => data.calls?.[id] ?? null,
        calls: () => Object.values(data.calls ?? {}),
        callRecord: (_: unknown, { id }: { id: string }) => data.records?.[id] ?? null,
      },
      Mutation: {
        createCall: (_: unknown, { input }: { input: unknown }) => {
          data.onCreateCall?.(input);
          return { id: 'new-call', state: 'establishing' };
        },
      },
      CallRecord: {
        organizer: (record: GraphCallRecord) => record.organizer_v2 ?? null,
        participants: (record: GraphCallRecord) => record.participants_v2 ?? null,
      },
    },
    { logger },
  );
}

/** Runs an operation and returns its data, failing the test on any error. */
export async function run(
  schema: GraphQLSchema,
  source: string,
  variableValues?: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const result = await graphql({ schema, source, variableValues, contextValue: {} });
  expect(result.errors).toBeUndefined();
  return result.data as Record<string, unknown>;
}
