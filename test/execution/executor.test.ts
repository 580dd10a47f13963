import { buildSchema, parse, type OperationTypeNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { COMPILED_QUERY_CACHE_SIZE, createExecutor, type ExecutionRequest } from '../../src/execution/executor.js';
import { createLogger } from '../../src/observability/logger.js';

const schema = buildSchema(`
  type Query { record(id: ID!): Record }
  type Record { id: ID! type: String }
  type Subscription { ticks: Int }
`);
schema.getQueryType()!.getFields()['record']!.resolve = (_root, { id }: { id: string }) =>
  id === 'gone' ? null : { id, type: 'groupCall' };
const logger = createLogger('silent');

function request(query: string, variables?: Record<string, unknown>, queryHash = query): ExecutionRequest {
  const document = parse(query);
  const operation = document.definitions[0] as { operation: OperationTypeNode };
  return { document, queryHash, operationName: undefined, variables, contextValue: {}, operationType: operation.operation };
}

describe('createExecutor', () => {
  it('compiles a document once with jit and answers from the compiled query after', async () => {
    const execute = createExecutor(schema, 'jit', logger);
    const query = 'query($id: ID!) { record(id: $id) { id type } }';
    expect(await execute(request(query, { id: 'a' }))).toEqual({ data: { record: { id: 'a', type: 'groupCall' } } });
    expect(await execute(request(query, { id: 'gone' }))).toEqual({ data: { record: null } });
    expect(execute.compiledDocuments()).toBe(1);
  });

  it('keeps at most COMPILED_QUERY_CACHE_SIZE documents, dropping the least recently used', async () => {
    const execute = createExecutor(schema, 'jit', logger);
    for (let i = 0; i <= COMPILED_QUERY_CACHE_SIZE; i++) await execute(request(`{ a${i}: record(id: "${i}") { id } }`));
    expect(execute.compiledDocuments()).toBe(COMPILED_QUERY_CACHE_SIZE);
  });

  it('answers variables that do not coerce as graphql-js does, with the variable definition as the error node', async () => {
    const result = await createExecutor(schema, 'jit', logger)(request('query($id: ID!) { record(id: $id) { id } }', { id: 4.5 }));
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.nodes?.[0]?.kind).toBe('VariableDefinition');
  });

  it('leaves subscriptions and GRAPHQL_EXECUTOR=graphql-js to graphql-js, compiling nothing', async () => {
    const jit = createExecutor(schema, 'jit', logger);
    await jit(request('subscription { ticks }'));
    expect(jit.compiledDocuments()).toBe(0);
    const graphqlJs = createExecutor(schema, 'graphql-js', logger);
    expect(await graphqlJs(request('{ record(id: "b") { id } }'))).toEqual({ data: { record: { id: 'b' } } });
    expect(graphqlJs.compiledDocuments()).toBe(0);
  });
});
