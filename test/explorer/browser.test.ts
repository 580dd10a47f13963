import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureChromium, launchChromium } from '../helpers/browser.js';
import { startStack, type Stack } from '../helpers/stack.js';

/** Kept after the run (git-ignored): what the explorer looked like with a subscription's event on screen. */
const ARTIFACTS = path.resolve('test-artifacts');
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const executablePath = ensureChromium();
// A loaded machine may take seconds to draw the editor or answer; conditions are awaited, never timed.
vi.setConfig({ testTimeout: 120_000 });
const WAIT = { timeout: 60_000, interval: 100 };

/** A page of the explorer in a fresh browser context, and what it did. */
interface Session {
  page: Page;
  /** Every request the page tried to send off loopback (each was aborted). */
  offLoopback: string[];
  webSockets: string[];
  workers: string[];
  /** Console errors (a CSP refusal is one) and uncaught exceptions. */
  problems: string[];
  /** JSON answers to the page's POSTs, to check what the UI shows against what the gateway said. */
  answers: Array<Record<string, unknown>>;
}

/**
 * Switches to a tab and waits until its operation is in the editor: on a busy machine the run button, clicked at
 * once, would still run the previous tab's operation.
 */
async function openTab(page: Page, name: string): Promise<void> {
  await page.locator('.graphiql-tab', { hasText: name }).click();
  await expect.poll(() => page.locator('.graphiql-query-editor').innerText(), WAIT).toContain(name);
}

async function openExplorer(browser: Browser, stack: Stack): Promise<Session> {
  const session: Omit<Session, 'page'> = { offLoopback: [], webSockets: [], workers: [], problems: [], answers: [] };
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (LOOPBACK.has(url.hostname)) return route.continue();
    session.offLoopback.push(url.href);
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket(/.*/, (ws) => {
    session.webSockets.push(ws.url());
    if (LOOPBACK.has(new URL(ws.url()).hostname)) ws.connectToServer();
    else session.offLoopback.push(ws.url());
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') session.problems.push(message.text());
  });
  page.on('pageerror', (error) => session.problems.push(`uncaught: ${error.message}`));
  page.on('worker', (worker) => session.workers.push(worker.url()));
  page.on('response', async (response) => {
    if (response.request().method() !== 'POST' || !response.url().startsWith(stack.gateway.url)) return;
    session.answers.push((await response.json().catch(() => ({}))) as Record<string, unknown>);
  });
  const response = await page.goto(stack.gateway.url);
  expect(response?.status()).toBe(200);
  return { ...session, page };
}

describe.skipIf(executablePath === undefined)('the explorer in a real browser (chromium, nothing off loopback)', () => {
  let stack: Stack;
  let browser: Browser;
  let session: Session;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ simulator: { callRecordCount: 5 }, env: { NODE_ENV: 'development' } });
    browser = await launchChromium(executablePath as string);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('loads GraphiQL from the gateway with every example operation as a tab and introspects the schema', async () => {
    session = await openExplorer(browser, stack);
    page = session.page;
    const { answers } = session;
    for (const name of ['RecentCallRecords', 'NextCallRecords', 'OneCall', 'PlaceCall', 'WatchCall', 'IncomingCalls']) {
      await expect.poll(() => page.locator('.graphiql-tab', { hasText: name }).count(), WAIT).toBe(1);
    }
    await expect.poll(() => answers.some((answer) => hasPath(answer, ['data', '__schema', 'queryType', 'name'], 'Query')), WAIT).toBe(true);
    // The schema reached the UI: the documentation explorer lists the root types.
    await page.getByRole('button', { name: /documentation explorer/i }).click();
    await expect.poll(() => page.locator('.graphiql-doc-explorer').innerText(), WAIT).toMatch(/Subscription/);
  });

  it('runs the preloaded RecentCallRecords and shows the records the gateway answered', async () => {
    const { answers } = session;
    await openTab(page, 'RecentCallRecords');
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => answers.find((answer) => hasPath(answer, ['data', 'callRecords'])), WAIT).toBeTruthy();
    const answer = answers.find((a) => hasPath(a, ['data', 'callRecords'])) as {
      data: { callRecords: { edges: Array<{ node: { id: string } }> } };
    };
    const firstId = answer.data.callRecords.edges[0]?.node.id;
    expect(firstId).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => resultText(page), WAIT).toContain(firstId);
  });

  it('runs IncomingCalls over graphql-ws on the same origin and shows each event as it arrives', async () => {
    await openTab(page, 'IncomingCalls');
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => stack.gateway.subscriptions().subscriptions, WAIT).toBe(1);
    expect(session.webSockets).toEqual([stack.gateway.url.replace(/^http/, 'ws')]);

    const callbackUri = stack.gateway.callbackUrl as string;
    const first = stack.simulator.control.injectIncomingCall({ callbackUri });
    await expect.poll(() => resultText(page), WAIT).toContain(first);
    const second = stack.simulator.control.injectIncomingCall({
      callbackUri,
      source: { user: { id: '6f1c7a52-0000-4000-8000-00000000beef', displayName: 'Grace Hopper' } },
    });
    await expect.poll(() => resultText(page), WAIT).toContain(second);
    expect(await resultText(page)).toContain('GraceHopper');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'explorer.png') });
  });

  it('sent nothing off loopback, ran its editor workers from its own origin, and broke no CSP rule', () => {
    const { offLoopback, workers, problems } = session;
    expect(offLoopback).toEqual([]);
    const origin = new URL(stack.gateway.url).origin;
    expect(workers.some((url) => url === `${origin}/explorer/graphql.worker.js`)).toBe(true);
    expect(workers.every((url) => url.startsWith(`${origin}/explorer/`))).toBe(true);
    expect(problems).toEqual([]);
  });
});

describe.skipIf(executablePath === undefined)('the explorer with AUTH_MODE=jwt (chromium)', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack({ simulator: { callRecordCount: 5 }, env: { NODE_ENV: 'development' }, callerApp: 'caller' });
    browser = await launchChromium(executablePath as string);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('is refused until a caller token is pasted into the headers editor, then introspects and subscribes with it', async () => {
    const { page, answers, offLoopback, webSockets } = await openExplorer(browser, stack);
    const unauthenticated = (answer: Record<string, unknown>) =>
      (answer['errors'] as Array<{ extensions?: { code?: string } }> | undefined)?.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
    await expect.poll(() => answers.some(unauthenticated), WAIT).toBe(true);

    // Headers belong to a tab: paste the token where the subscription runs, as the README says.
    await openTab(page, 'IncomingCalls');
    const headers = page.locator('section.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden)');
    await expect.poll(() => headers.innerText(), WAIT).toMatch(/Bearer/);
    await headers.click();
    // Pasted, as a person would (typed, Monaco would close the brackets and quotes itself).
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(stack.gateway.url).origin });
    await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify({ authorization: `Bearer ${stack.callerToken}` }));
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('ControlOrMeta+V');
    await page.getByRole('button', { name: /re-fetch graphql schema/i }).click();
    await expect.poll(() => answers.some((answer) => hasPath(answer, ['data', '__schema', 'queryType', 'name'], 'Query')), WAIT).toBe(true);

    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => stack.gateway.subscriptions().subscriptions, WAIT).toBe(1);
    const id = stack.simulator.control.injectIncomingCall({ callbackUri: stack.gateway.callbackUrl as string });
    await expect.poll(() => resultText(page), WAIT).toContain(id);
    expect(webSockets).toEqual([stack.gateway.url.replace(/^http/, 'ws')]);
    expect(offLoopback).toEqual([]);
  });
});

/**
 * The response pane's text without white space: Monaco draws only the lines in view (the viewport keeps these in
 * view), wraps long ones and spaces with no-break spaces.
 */
async function resultText(page: Page): Promise<string> {
  return (await page.locator('.result-window').innerText()).replace(/\s+/g, '');
}

function hasPath(value: unknown, keys: string[], expected?: unknown): boolean {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return false;
    current = (current as Record<string, unknown>)[key];
  }
  return expected === undefined ? current !== undefined && current !== null : current === expected;
}
