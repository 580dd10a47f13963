/**
 * `Decimal`: Graph's `Edm.Decimal` as a string of its exact digits. Money read as a JS number would lose trailing
 * zeros (`0.00` → `0`) and digits past a double's 15-17 (`12.12345678901234567891`), so the value travels as text
 * from Graph's bytes (src/graph/decimalJson.ts) to the caller.
 */
import { GraphQLError, GraphQLScalarType, Kind, print } from 'graphql';

/** Digits as Graph may write them, an exponent included (`1.5E-05`), kept as written. */
const DECIMAL = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}

function checked(value: unknown): string {
  if (typeof value === 'string' && DECIMAL.test(value)) return value;
  throw new GraphQLError(`Decimal must be a string of digits such as "12.50", got ${describe(value)}`);
}

export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  // A number here would already have lost digits upstream: refuse it rather than print a rounded amount.
  serialize: (value) => checked(value),
  parseValue: (value) => checked(value),
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING)
      throw new GraphQLError(`Decimal must be a string literal such as "12.50", got ${print(node)}`, { nodes: node });
    return checked(node.value);
  },
});
