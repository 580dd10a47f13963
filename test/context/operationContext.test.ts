import { ApolloServer } from '@apollo/server';
import { describe, expect, it, vi } from 'vitest';
import { ANONYMOUS } from '../../src/auth/caller.js';
import { createOperationContext, type GatewayContext, type OperationInputs } from '../../src/context.js';
import type { Logger } from '../../src/observability/logger.js';

/** Inputs whose logger counts the children made from it; nothing else is touched by these tests. */
function inputs(): { inputs: OperationInputs; child: ReturnType<typeof vi.fn> } {
  const childLogger = { info: vi.fn() } as unknown as Logger;
  const child = vi.fn(() => childLogger);
  return {
    child,
    inputs: {
      graph: {} as OperationInputs['graph'],
      codec: {} as OperationInputs['codec'],
      paging: { defaultFirst: 20, maxFirst: 100 },
      requestId: 'req-1',
      logger: { child } as unknown as Logger,
      caller: ANONYMOUS,
      operationTimeoutMs: 1_000,
      callbackUrl: undefined,
      live: {} as OperationInputs['live'],
      callRecordCache: {} as OperationInputs['callRecordCache'],
    },
  };
}

describe('the operation context', () => {
  it("survives Apollo's per-operation copy without making its lazy parts", async () => {
    const { inputs: given, child } = inputs();
    const context = createOperationContext(given);
    const seen: GatewayContext[] = [];
    const apollo = new ApolloServer<GatewayContext>({
      typeDefs: 'type Query { requestId: String, logged: Boolean }',
      resolvers: {
        Query: {
          requestId: (_root, _args, ctx: GatewayContext) => (seen.push(ctx), ctx.requestId),
          logged: (_root, _args, ctx: GatewayContext) => (ctx.logger.info('hello'), true),
        },
      },
    });
    await apollo.start();
    try {
      const quiet = await apollo.executeOperation({ query: '{ requestId }' }, { contextValue: context });
      expect(quiet.body.kind === 'single' && quiet.body.singleResult.data).toEqual({ requestId: 'req-1' });
      // Apollo copied the context, and neither the copy nor the copying made a logger.
      expect(seen[0]).not.toBe(context);
      expect(child).not.toHaveBeenCalled();

      const logging = await apollo.executeOperation({ query: '{ logged }' }, { contextValue: context });
      expect(logging.body.kind === 'single' && logging.body.singleResult.data).toEqual({ logged: true });
      expect(child).toHaveBeenCalledTimes(1);
      expect(child).toHaveBeenCalledWith({ requestId: 'req-1' });
    } finally {
      await apollo.stop();
    }
  });

  it('makes its logger once, on first use', () => {
    const { inputs: given, child } = inputs();
    const context = createOperationContext(given);
    expect(child).not.toHaveBeenCalled();
    expect(context.logger).toBe(context.logger);
    expect(child).toHaveBeenCalledTimes(1);
  });
});
