/**
 * The gateway schema: SDL from schema/*.graphql, the resolvers, and Graph's wire enums.
 *
 * Apollo Server: `new ApolloServer({ schema: buildGatewaySchema(resolvers, { logger }) })`.
 * Federation later: `applyWireEnums(buildSubgraphSchema({ typeDefs, resolvers }), { logger })`: the enum and
 * scalar handling works on any built schema.
 */
import { assertValidSchema, buildASTSchema, type GraphQLSchema } from 'graphql';
import { attachResolvers, type ResolverMap } from './attachResolvers.js';
import { applyWireEnums, type WireEnumOptions } from './enums.js';
import { typeDefs } from './typeDefs.js';

export { typeDefs, loadTypeDefs, findSchemaDir } from './typeDefs.js';
export { applyWireEnums, wireValueOf, conventionalWireValue, UNKNOWN_FUTURE_VALUE, WIRE_VALUE_OVERRIDES } from './enums.js';
export type { EnumWarningLogger, WireEnumOptions } from './enums.js';
export { attachResolvers, type ResolverMap } from './attachResolvers.js';
export { DateTimeScalar, DurationScalar, normalizeDateTime, isDuration } from './scalars.js';

/**
 * Builds the executable schema: the SDL, `resolvers` (the codegen `Resolvers` map from src/resolvers) attached,
 * enums mapped to Graph's wire values (unknown values reported to `options.logger`). Throws when the schema is
 * invalid or a resolver names a type or field the schema lacks.
 */
export function buildGatewaySchema(resolvers: object, options: WireEnumOptions = {}): GraphQLSchema {
  const schema = buildASTSchema(typeDefs);
  attachResolvers(schema, resolvers as ResolverMap);
  applyWireEnums(schema, options);
  assertValidSchema(schema);
  return schema;
}
