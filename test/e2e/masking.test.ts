import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { GatewayError, GatewayErrorCode } from '../../src/errors/index.js';
import { resolvers } from '../../src/resolvers/index.js';
import { startStack, type Stack } from '../helpers/stack.js';

const SECRET_MESSAGE = 'GET /communications/calls/x?$select=secret: connection dropped';

/** What each root field of the test's resolver map throws. */
const thrown: Record<string, () => unknown> = {
  plainError: () => new Error(SECRET_MESSAGE),
  typeError: () => new TypeError("Cannot read properties of undefined (reading 'secret')"),
  codelessGraphQLError: () => new GraphQLError('secret detail of a GraphQLError without a code'),
  plainErrorWithACode: () => Object.assign(new Error('secret detail dressed as user input'), { extensions: { code: 'BAD_USER_INPUT' } }),
  internalGatewayError: () => new GatewayError(GatewayErrorCode.InternalServerError, 'secret detail of an internal GatewayError'),
  gatewayError: () => new GatewayError(GatewayErrorCode.Conflict, 'Graph reports a conflict: the call is already answered.'),
};

/** A resolver map whose `call` field throws what the requested id names; everything else is the gateway's own. */
const throwingResolvers = {
  ...resolvers,
  Query: {
    ...resolvers.Query,
    call: (_root: unknown, { id }: { id: string }) => {
      throw thrown[id]!();
    },
  },
};

/** Captures the gateway's log lines. */
function logSink() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
}

describe.each(['development', 'production'])('unexpected errors with NODE_ENV=%s', (nodeEnv) => {
  let stack: Stack;
  const log = logSink();
  beforeAll(async () => {
    stack = await startStack({ env: { NODE_ENV: nodeEnv, LOG_LEVEL: 'info' }, logDestination: log, resolvers: throwingResolvers });
  });
  afterAll(async () => stack?.stop());

  async function callOver(id: string, requestId: string) {
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ query: 'query ($id: ID!) { call(id: $id) { id } }', variables: { id } }),
    });
    return { text: await response.text(), requestId: response.headers.get('x-request-id') };
  }

  it.each(['plainError', 'typeError', 'codelessGraphQLError', 'plainErrorWithACode', 'internalGatewayError'])(
    'answers a resolver that throws a %s with "Unexpected error." and logs it once with the request id',
    async (kind) => {
      const requestId = `mask-${kind}-${nodeEnv}`;
      const { text, requestId: echoed } = await callOver(kind, requestId);
      expect(echoed).toBe(requestId);
      expect(JSON.parse(text)).toEqual({
        data: { call: null },
        errors: [
          {
            message: 'Unexpected error.',
            locations: [{ line: 1, column: 20 }],
            path: ['call'],
            extensions: { code: 'INTERNAL_SERVER_ERROR' },
          },
        ],
      });
      expect(text).not.toMatch(/secret|stacktrace/i);

      const logged = log.lines.filter((line) => line['requestId'] === requestId && String(line['msg']).startsWith('unexpected error'));
      expect(logged).toHaveLength(1);
      expect(JSON.stringify(logged[0])).toContain(String((thrown[kind]!() as Error).message));
    },
  );

  it('lets a deliberate GatewayError through with its message and code, and logs no unexpected error', async () => {
    const requestId = `mask-deliberate-${nodeEnv}`;
    const { text } = await callOver('gatewayError', requestId);
    const body = JSON.parse(text) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0]!.message).toBe('Graph reports a conflict: the call is already answered.');
    expect(body.errors[0]!.extensions['code']).toBe('CONFLICT');
    // No stack trace in any environment: `npm start` runs as development, and its callers are not the gateway's developers.
    expect(body.errors[0]!.extensions).not.toHaveProperty('stacktrace');
    expect(text).not.toMatch(/stacktrace|\.[jt]s:\d+/);
    expect(log.lines.filter((line) => line['requestId'] === requestId && String(line['msg']).startsWith('unexpected error'))).toEqual([]);
  });

  it.each([
    ['a parse error', '{ call(id: "x") { id }', 'GRAPHQL_PARSE_FAILED'],
    ['a validation error', '{ call(id: "x") { noSuchField } }', 'GRAPHQL_VALIDATION_FAILED'],
  ])('answers %s without a stack trace', async (_kind, query, code) => {
    const response = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { errors: Array<{ extensions: Record<string, unknown> }> };
    expect(body.errors[0]!.extensions['code']).toBe(code);
    expect(body.errors[0]!.extensions).not.toHaveProperty('stacktrace');
    expect(text).not.toMatch(/stacktrace|\.[jt]s:\d+/);
  });
});
