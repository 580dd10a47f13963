import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { LIST_REQUEST_COST, operationCost } from '../../src/plugins/costLimit.js';
import { resolvers } from '../../src/resolvers/index.js';
import { buildGatewaySchema } from '../../src/schema/index.js';

const schema = buildGatewaySchema(resolvers);
const paging = { defaultFirst: 20, maxFirst: 100 };

function costOf(document: ReturnType<typeof parse>, variables: Record<string, unknown> = {}, options = paging): number {
  return operationCost(schema, document, document.definitions[0] as OperationDefinitionNode, variables, options);
}

describe('operationCost on a document it has costed before', () => {
  it('reads the variables again each time', () => {
    const document = parse('query P($n: Int) { callRecords(first: $n) { nodes { id } } }');
    // A page costs the list request plus, per record, the node and its id: 1 + (1 + 1) per record.
    expect(costOf(document, { n: 1 })).toBe(LIST_REQUEST_COST + 1 * (1 + 2));
    expect(costOf(document, { n: 50 })).toBe(LIST_REQUEST_COST + 50 * (1 + 2));
    expect(costOf(document, {})).toBe(LIST_REQUEST_COST + 20 * (1 + 2));
  });

  it('reads a variable inside a list of ids each time', () => {
    const document = parse('query B($more: ID!) { callsByIds(ids: ["a", $more]) { id } }');
    const withTwo = costOf(document, { more: 'b' });
    expect(costOf(document, { more: 'c' })).toBe(withTwo);
    const literal = parse('{ callsByIds(ids: ["a"]) { id } }');
    expect(withTwo).toBe(2 * costOf(literal));
  });

  it('answers a document without variables the same way under the same settings, and anew under others', () => {
    const document = parse('{ callRecords { nodes { id } } }');
    expect(costOf(document)).toBe(LIST_REQUEST_COST + 20 * 3);
    expect(costOf(document)).toBe(LIST_REQUEST_COST + 20 * 3);
    expect(costOf(document, {}, { defaultFirst: 10, maxFirst: 100 })).toBe(LIST_REQUEST_COST + 10 * 3);
  });
});
