import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/context.js';
import { GatewayError } from '../../src/errors/index.js';
import type { GraphRequest } from '../../src/graph/index.js';
import { actionPath, postOperation, sendAction } from '../../src/resolvers/callActions.js';

interface Sent {
  req: GraphRequest;
  options: unknown;
}

/** A context whose Graph view answers `answer` and remembers what it was asked. */
function context(answer: { status: number; body: unknown; location?: string }): { ctx: GatewayContext; sent: Sent[] } {
  const sent: Sent[] = [];
  const graph = {
    request: async (req: GraphRequest, options: unknown) => {
      sent.push({ req, options });
      return {
        status: answer.status,
        headers: new Headers(answer.location ? { location: answer.location } : {}),
        body: answer.body,
        clientRequestId: 'crid-1',
      };
    },
  };
  return { ctx: { graph, logger: { info: () => undefined } } as unknown as GatewayContext, sent };
}

describe('call actions', () => {
  it("POSTs an action as the caller's body, leaving retries to the view's non-idempotent default", async () => {
    const { ctx, sent } = context({
      status: 200,
      body: { '@odata.type': '#microsoft.graph.playPromptOperation', id: 'op-1', status: 'running' },
    });
    const operation = await postOperation(
      ctx,
      '/communications/calls/c1/playPrompt',
      { prompts: [], clientContext: 'cc' },
      'playPromptOperation',
    );
    expect(sent).toEqual([
      {
        req: { method: 'POST', path: '/communications/calls/c1/playPrompt', body: { prompts: [], clientContext: 'cc' } },
        options: { userSuppliedBody: true },
      },
    ]);
    expect(operation).toMatchObject({ id: 'op-1', status: 'running', clientContext: 'cc' });
  });

  it('completes an answer without a body from the Location header, the action and the clientContext sent', async () => {
    const { ctx } = context({
      status: 202,
      body: '',
      location: 'https://graph.microsoft.com/v1.0/communications/calls/c1/operations/op%202',
    });
    expect(
      await postOperation(
        ctx,
        '/communications/calls/c1/participants/p1/startHoldMusic',
        { clientContext: 'cc' },
        'startHoldMusicOperation',
      ),
    ).toEqual({
      '@odata.type': '#microsoft.graph.startHoldMusicOperation',
      id: 'op 2',
      clientContext: 'cc',
    });
  });

  it('sends a DELETE without a body and without marking it non-idempotent, so it is retried like a read', async () => {
    const { ctx, sent } = context({ status: 204, body: '' });
    expect(await sendAction(ctx, 'c1', 'DELETE', '/communications/calls/c1')).toEqual({ callId: 'c1', clientRequestId: 'crid-1' });
    expect(sent).toEqual([{ req: { method: 'DELETE', path: '/communications/calls/c1' }, options: {} }]);
  });

  it('builds paths from checked ids only', () => {
    expect(actionPath('c1', 'mute', 'p-1')).toBe('/communications/calls/c1/participants/p-1/mute');
    expect(actionPath('c1')).toBe('/communications/calls/c1');
    expect(() => actionPath('c1/../x', 'mute')).toThrow(GatewayError);
    expect(() => actionPath('c1', 'mute', 'p?1')).toThrow(/participantId must be a Graph id/);
  });
});
