/**
 * Execution of a validated operation: graphql-jit's compiled query by default, graphql-js where jit cannot
 * compile the operation, or everywhere with GRAPHQL_EXECUTOR=graphql-js.
 *
 * graphql-js interprets the document on every operation (collecting fields, coercing arguments, completing each
 * value through its type). graphql-jit does that work once per document and emits a function for it; the
 * resolvers, their `info` and the response are the same (test/execution/equivalence.test.ts compares the two
 * byte for byte over the README's and the bench's operations). A compiled document is kept in a bounded cache
 * keyed by Apollo's hash of the query text and the operation name, so a client sending its usual operations pays
 * compilation once per document and process.
 */
import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Logger } from '../observability/logger.js';

/** `jit`: graphql-jit, falling back to graphql-js per operation; `graphql-js`: graphql-js for every operation. */
export type ExecutorKind = 'jit' | 'graphql-js';

export interface ExecutionRequest {
  document: DocumentNode;
  /** Apollo's SHA-256 of the query text (the compiled-query cache key, with the operation name). */
  queryHash: string;
  operationName: string | undefined;
  variables: Record<string, unknown> | undefined;
  contextValue: unknown;
  /** The operation type, from the resolved operation: only queries and mutations are compiled. */
  operationType: 'query' | 'mutation' | 'subscription';
  /**
   * A federated trace (ftv1) was asked for: Apollo then times every field through hooks around the schema's
   * resolvers, which a document compiled before those hooks existed would bypass; graphql-js looks them up each time.
   */
  traced?: boolean;
}

export interface OperationExecutor {
  (request: ExecutionRequest): Promise<ExecutionResult>;
  /** Documents compiled and held now (0 with graphql-js). */
  compiledDocuments(): number;
}

/** Compiled documents kept per process; beyond this the least recently used is dropped (and compiled again if seen). */
export const COMPILED_QUERY_CACHE_SIZE = 1_000;

export function createExecutor(schema: GraphQLSchema, kind: ExecutorKind, logger: Logger): OperationExecutor {
  const viaGraphqlJs = (request: ExecutionRequest): Promise<ExecutionResult> =>
    Promise.resolve(
      execute({
        schema,
        document: request.document,
        contextValue: request.contextValue,
        variableValues: request.variables,
        operationName: request.operationName,
      }),
    );
  if (kind === 'graphql-js') return Object.assign(viaGraphqlJs, { compiledDocuments: () => 0 });

  // `false`: jit could not compile this document; it runs on graphql-js without trying again.
  const compiled = new Map<string, CompiledQuery | false>();
  const compiledFor = (request: ExecutionRequest): CompiledQuery | false => {
    const key = `${request.queryHash}\u0000${request.operationName ?? ''}`;
    const hit = compiled.get(key);
    if (hit !== undefined) {
      // Map keeps insertion order: moving a hit to the end makes the first key the least recently used.
      compiled.delete(key);
      compiled.set(key, hit);
      return hit;
    }
    let entry: CompiledQuery | false = false;
    try {
      const result = compileQuery(schema, request.document, request.operationName, {
        // The spec's @skip/@include on fragment spreads (jit's older behaviour differs from graphql-js there).
        useExperimentalPathBasedSkipInclude: true,
      });
      if (isCompiledQuery(result)) entry = result;
      else logger.debug({ component: 'executor', errors: result.errors?.map((e) => e.message) }, 'graphql-jit refused a document');
    } catch (error) {
      logger.debug({ component: 'executor', err: error }, 'graphql-jit could not compile a document');
    }
    compiled.set(key, entry);
    if (compiled.size > COMPILED_QUERY_CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
    return entry;
  };

  const executeOperation = (request: ExecutionRequest): Promise<ExecutionResult> => {
    // Subscriptions are served over graphql-ws, not here; anything else unusual stays with graphql-js.
    if (request.operationType === 'subscription' || request.traced === true) return viaGraphqlJs(request);
    const query = compiledFor(request);
    if (query === false) return viaGraphqlJs(request);
    return Promise.resolve(query.query(undefined, request.contextValue, request.variables ?? {})).then((result) =>
      // No `data`: the operation did not start (variables that do not coerce). graphql-js stops at the same point
      // without running a resolver, and its errors keep the AST nodes Apollo reads to answer BAD_USER_INPUT.
      'data' in result ? withGraphqlJsErrors(result) : viaGraphqlJs(request),
    );
  };
  return Object.assign(executeOperation, {
    compiledDocuments: () => [...compiled.values()].filter((entry) => entry !== false).length,
  });
}

/**
 * graphql-jit reports errors with a GraphQLError look-alike of its own that has no `extensions` unless the thrown
 * error had some, where graphql-js always has an object. Error masking and Apollo's formatting expect graphql-js
 * errors, so each is rebuilt as graphql-js would have built it (extensions from the original error), keeping
 * jit's locations and path.
 */
function withGraphqlJsErrors(result: ExecutionResult): ExecutionResult {
  if (result.errors === undefined) return result;
  const errors = result.errors.map((error) => {
    const rebuilt = new GraphQLError(error.message, {
      ...(error.path !== undefined ? { path: error.path } : {}),
      ...(error.originalError ? { originalError: error.originalError } : {}),
    });
    // graphql-js computes `locations` from AST nodes, which jit does not keep; its own are the same positions.
    if (error.locations !== undefined) Object.defineProperty(rebuilt, 'locations', { value: error.locations, enumerable: true });
    return rebuilt;
  });
  return { ...result, errors };
}
