/**
 * The gateway schema: a Federation 2 subgraph built from schema/*.graphql, the resolvers, and Graph's wire enums.
 *
 * Apollo Server: `new ApolloServer({ schema: buildGatewaySchema(resolvers, { logger }) })`. The schema answers
 * `_service { sdl }` and `_entities(representations:)` for the router; `printSubgraphSdl()` is what a router or
 * a schema registry composes (and what `npm run schema:print` publishes).
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { assertValidSchema, graphqlSync, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { attachResolvers, type ResolverMap } from './attachResolvers.js';
import { applyWireEnums, type WireEnumOptions } from './enums.js';
import { typeDefs } from './typeDefs.js';

export { typeDefs, loadTypeDefs, findSchemaDir } from './typeDefs.js';
export { applyWireEnums, wireValueOf, conventionalWireValue, UNKNOWN_FUTURE_VALUE, WIRE_VALUE_OVERRIDES } from './enums.js';
export type { EnumWarningLogger, WireEnumOptions } from './enums.js';
export { attachResolvers, type ResolverMap } from './attachResolvers.js';
export { DateTimeScalar, DurationScalar, normalizeDateTime, isDuration } from './scalars.js';

/**
 * Builds the executable subgraph schema: the SDL with its federation directives (`@link`, `@key`), `resolvers`
 * (the codegen `Resolvers` map from src/resolvers) attached, enums mapped to Graph's wire values (unknown values
 * reported to `options.logger`). Throws when the schema is invalid or a resolver names a type or field the schema
 * lacks.
 */
export function buildGatewaySchema(resolvers: object, options: WireEnumOptions = {}): GraphQLSchema {
  const map = resolvers as ResolverMap;
  // @apollo/subgraph owns `_service`, `_entities` and where reference resolvers live; attachResolvers does the
  // rest, with its checks (misspelt types and fields throw, enums take no resolvers).
  const schema = buildSubgraphSchema({ typeDefs, resolvers: referenceResolvers(map) });
  attachResolvers(schema, map);
  applyWireEnums(schema, options);
  assertValidSchema(schema);
  return schema;
}

/** The SDL the router composes: `_service { sdl }` of the built schema, federation directives included. */
export function printSubgraphSdl(schema: GraphQLSchema = buildSubgraphSchema({ typeDefs })): string {
  const result = graphqlSync({ schema, source: '{ _service { sdl } }' });
  const sdl = (result.data?.['_service'] as { sdl?: unknown } | undefined)?.sdl;
  if (typeof sdl !== 'string') throw new Error('the schema has no _service { sdl }: it was not built by buildSubgraphSchema');
  return sdl;
}

/** `{ Type: { __resolveReference } }` for every type of `resolvers` that has one. */
function referenceResolvers(resolvers: ResolverMap): Record<string, { __resolveReference: GraphQLFieldResolver<unknown, unknown> }> {
  const out: Record<string, { __resolveReference: GraphQLFieldResolver<unknown, unknown> }> = {};
  for (const [typeName, typeResolvers] of Object.entries(resolvers)) {
    const reference = (typeResolvers as { __resolveReference?: unknown } | undefined)?.__resolveReference;
    // @apollo/subgraph calls it as (reference, context, info), not as a field resolver.
    if (typeof reference === 'function') out[typeName] = { __resolveReference: reference as GraphQLFieldResolver<unknown, unknown> };
  }
  return out;
}
