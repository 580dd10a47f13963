/**
 * Attaches a resolver map (the shape Apollo Server and graphql-tools take) to a schema built from SDL, without
 * depending on graphql-tools. Misspelt type or field names throw instead of being silently ignored.
 */
import {
  GraphQLScalarType,
  isEnumType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLFieldResolver,
  type GraphQLIsTypeOfFn,
  type GraphQLSchema,
  type GraphQLTypeResolver,
} from 'graphql';

/** A resolver map: type name → field name → resolver, `__resolveType`, `__isTypeOf`; or a scalar type. */
export type ResolverMap = Record<string, unknown>;

type FieldResolverConfig = { resolve?: GraphQLFieldResolver<unknown, unknown>; subscribe?: GraphQLFieldResolver<unknown, unknown> };

export function attachResolvers(schema: GraphQLSchema, resolvers: ResolverMap): GraphQLSchema {
  for (const [typeName, typeResolvers] of Object.entries(resolvers)) {
    if (typeResolvers === undefined) continue;
    const type = schema.getType(typeName);
    if (type === undefined || type === null) {
      throw new Error(`Resolvers were given for type "${typeName}", which the schema does not have`);
    }
    if (isScalarType(type)) {
      if (!(typeResolvers instanceof GraphQLScalarType)) {
        throw new Error(`The resolver of scalar "${typeName}" must be a GraphQLScalarType, got ${typeof typeResolvers}`);
      }
      type.serialize = typeResolvers.serialize;
      type.parseValue = typeResolvers.parseValue;
      type.parseLiteral = typeResolvers.parseLiteral;
      continue;
    }
    if (isEnumType(type)) {
      throw new Error(`Enum "${typeName}" takes no resolvers: wire values come from src/schema/enums.ts`);
    }
    for (const [key, value] of Object.entries(typeResolvers as Record<string, unknown>)) {
      if (value === undefined) continue;
      if ((isInterfaceType(type) || isUnionType(type)) && key === '__resolveType') {
        type.resolveType = value as GraphQLTypeResolver<unknown, unknown>;
      } else if (isObjectType(type) && key === '__isTypeOf') {
        type.isTypeOf = value as GraphQLIsTypeOfFn<unknown, unknown>;
      } else if (key.startsWith('__')) {
        // __resolveReference and friends belong to @apollo/subgraph's buildSubgraphSchema.
        continue;
      } else if (isObjectType(type) || isInterfaceType(type)) {
        const field = type.getFields()[key];
        if (field === undefined) {
          throw new Error(`Resolvers were given for field "${typeName}.${key}", which the schema does not have`);
        }
        if (typeof value === 'function') {
          field.resolve = value as GraphQLFieldResolver<unknown, unknown>;
        } else {
          const config = value as FieldResolverConfig;
          if (config.resolve) field.resolve = config.resolve;
          if (config.subscribe) field.subscribe = config.subscribe;
        }
      } else {
        throw new Error(`Resolver "${typeName}.${key}" does not fit a ${type.constructor.name}`);
      }
    }
  }
  return schema;
}
