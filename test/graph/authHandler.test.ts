import { describe, expect, it } from 'vitest';
import type { TokenProvider } from '../../src/graph/auth/msal.js';
import { systemClock } from '../../src/graph/clock.js';
import { authHandler } from '../../src/graph/handlers/auth.js';
import type { HandlerContext, RawResponse } from '../../src/graph/request.js';
import { handlerContext } from './handlerContext.js';

const ORIGIN = 'https://graph.example';

function context(signal?: AbortSignal): HandlerContext {
  return handlerContext({ signal, deadline: Date.now() + 60_000 }, ORIGIN);
}

/** A token provider that counts what it is asked. */
function provider(held: string | undefined): TokenProvider & { asked: boolean[] } {
  const asked: boolean[] = [];
  return {
    asked,
    heldToken: () => held,
    getToken: ({ forceRefresh }) => {
      asked.push(forceRefresh);
      return Promise.resolve(forceRefresh ? 'fresh' : 'fetched');
    },
  };
}

const answer = (status: number): RawResponse => ({ status, headers: new Headers(), bodyText: '{}' });

describe('auth handler', () => {
  it('sends a held token without asking the provider for one', async () => {
    const tokens = provider('held');
    const sent: Array<string | null> = [];
    await authHandler(
      tokens,
      ORIGIN,
      systemClock,
    )(context(new AbortController().signal), async (ctx) => {
      sent.push(ctx.headers.get('authorization'));
      return answer(200);
    });
    expect(sent).toEqual(['Bearer held']);
    expect(tokens.asked).toEqual([]);
  });

  it('asks the provider when it holds none, and for a fresh token after a 401 even when it holds one', async () => {
    const none = provider(undefined);
    const sentWithout: Array<string | null> = [];
    await authHandler(
      none,
      ORIGIN,
      systemClock,
    )(context(), async (ctx) => {
      sentWithout.push(ctx.headers.get('authorization'));
      return answer(200);
    });
    expect(sentWithout).toEqual(['Bearer fetched']);
    expect(none.asked).toEqual([false]);

    const held = provider('held');
    const sent: Array<string | null> = [];
    const res = await authHandler(
      held,
      ORIGIN,
      systemClock,
    )(context(), async (ctx) => {
      sent.push(ctx.headers.get('authorization'));
      return answer(sent.length === 1 ? 401 : 200);
    });
    expect(res.status).toBe(200);
    expect(sent).toEqual(['Bearer held', 'Bearer fresh']);
    expect(held.asked).toEqual([true]);
  });

  it('sends nothing for a caller that already left, held token or not', async () => {
    const caller = new AbortController();
    const reason = new Error('caller left');
    caller.abort(reason);
    for (const tokens of [provider('held'), provider(undefined)]) {
      let sent = false;
      await expect(
        authHandler(
          tokens,
          ORIGIN,
          systemClock,
        )(context(caller.signal), async () => {
          sent = true;
          return answer(200);
        }),
      ).rejects.toBe(reason);
      expect(sent).toBe(false);
    }
  });

  it('never attaches a token to a request for another origin', async () => {
    const tokens = provider('held');
    const ctx = { ...context(), url: new URL('https://elsewhere.example/x') };
    ctx.headers.set('authorization', 'Bearer leaked');
    let seen: string | null = 'unset';
    await authHandler(
      tokens,
      ORIGIN,
      systemClock,
    )(ctx, async (c) => {
      seen = c.headers.get('authorization');
      return answer(200);
    });
    expect(seen).toBeNull();
  });
});
