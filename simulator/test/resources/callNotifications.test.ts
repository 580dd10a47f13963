import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphResources } from '../../src/resources/index.js';
import type { CallbackTarget, GraphResources } from '../../src/types.js';
import { P2P } from './callBodies.js';
import { send, sleep } from './routeKit.js';

type Rec = Record<string, unknown>;
const APP = '3f9a6c2e-1b4d-4e8f-a7c5-0d2e9b1f6a38';
const TENANT = 'b7c1e0d4-5a3f-4e2b-9c8d-6f1a2b3c4d5e';
const prompt = { '@odata.type': '#microsoft.graph.mediaPrompt', mediaInfo: { uri: 'https://cdn.contoso.com/beep.wav', resourceId: '1' } };

/** Resources whose notifications land in an array instead of on the network. */
function withSink(delayMs = 5): { resources: GraphResources; sent: Array<{ target: CallbackTarget; n: Rec }> } {
  const sent: Array<{ target: CallbackTarget; n: Rec }> = [];
  const resources = createGraphResources({
    seed: 3,
    callRecordCount: 1,
    now: () => new Date('2026-11-20T12:00:00Z'),
    callEstablishDelayMs: delayMs,
    callbacks: { notify: (target, n) => sent.push({ target, n }) },
  });
  open.push(resources);
  return { resources, sent };
}

let open: GraphResources[] = [];
afterEach(() => {
  for (const r of open) r.close();
  open = [];
  vi.useRealTimers();
});

const data = (n: Rec): Rec => n['resourceData'] as Rec;

describe('call notifications', () => {
  it('address the owning app in its tenant at the call’s callbackUri, with increasing etags', async () => {
    const { resources, sent } = withSink();
    const created = await send(resources.routes, 'POST', '/communications/calls', { body: P2P, appId: APP });
    const id = created.body['id'] as string;
    await sleep(30);
    expect(sent.map((s) => s.target)).toEqual(
      Array(3).fill({ callId: id, callbackUri: P2P['callbackUri'], tenantId: created.body['tenantId'], audience: APP }),
    );
    const etags = sent.filter((s) => !Array.isArray(data(s.n))).map((s) => data(s.n)['@odata.etag']);
    expect(etags).toEqual(['W/"1"', 'W/"2"']);
  });

  it('end an unanswered incoming call after 15 s with a deleted notification (408)', () => {
    vi.useFakeTimers();
    const { resources, sent } = withSink();
    const id = resources.injectIncomingCall({ callbackUri: 'http://127.0.0.1:9/cb', appId: APP, tenantId: TENANT });
    expect(sent.map((s) => s.n['changeType'])).toEqual(['created']);
    vi.advanceTimersByTime(14_999);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent[1]?.n).toMatchObject({
      changeType: 'deleted',
      resourceUrl: `/communications/calls/${id}`,
      resourceData: { state: 'terminated', resultInfo: { code: '408', subcode: '0' } },
    });
    expect(resources.snapshot().calls.some((c) => (c as Rec)['id'] === id)).toBe(false);
  });

  it('report operations cancelled by cancelMediaProcessing as failed', async () => {
    const { resources, sent } = withSink(20);
    const id = (await send(resources.routes, 'POST', '/communications/calls', { body: P2P, appId: APP })).body['id'] as string;
    await sleep(60);
    const play = await send(resources.routes, 'POST', `/communications/calls/${id}/playPrompt`, {
      body: { prompts: [prompt] },
      appId: APP,
    });
    await send(resources.routes, 'POST', `/communications/calls/${id}/cancelMediaProcessing`, { body: {}, appId: APP });
    const done = sent.find((s) => String(s.n['resourceUrl']).endsWith(play.body['id'] as string));
    expect(done?.n).toMatchObject({ changeType: 'deleted', resourceData: { status: 'failed', resultInfo: { code: 400, subcode: 8508 } } });
    await sleep(60);
    expect(sent.filter((s) => String(s.n['resourceUrl']).endsWith(play.body['id'] as string))).toHaveLength(1);
  });

  it('are not sent for calls without an owner or callback', async () => {
    const { resources, sent } = withSink();
    const list = await send(resources.routes, 'GET', '/communications/calls');
    const generated = (list.body.value ?? []).find((c) => c['state'] === 'incoming');
    expect(generated).toBeDefined();
    expect(() => resources.injectTone(String(generated?.['id']), 'tone1')).toThrow(/established/);
    expect(sent).toHaveLength(0);
  });
});
