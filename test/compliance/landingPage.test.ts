import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function browse(env: Record<string, string>): Promise<{ status: number; type: string | null; html: string }> {
  stack = await startStack({ simulator: { callRecordCount: 5 }, env });
  const response = await fetch(stack.gateway.url, { headers: { accept: 'text/html' } });
  return { status: response.status, type: response.headers.get('content-type'), html: await response.text() };
}

describe('the landing page', () => {
  it("serves Apollo Sandbox in development with the README's example operations preloaded", async () => {
    const page = await browse({ NODE_ENV: 'development' });
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.html).toContain('EmbeddedSandbox');
    for (const name of ['RecentCallRecords', 'NextCallRecords', 'OneCall', 'PlaceCall']) expect(page.html).toContain(name);
  });

  it('serves no landing page in production unless asked to', async () => {
    const page = await browse({ NODE_ENV: 'production', CURSOR_SECRET: 'x'.repeat(32) });
    expect(page.html).not.toContain('EmbeddedSandbox');
    expect(page.html).not.toContain('apollo-server-landing-page');
  });

  it("serves Apollo's production landing page in production when LANDING_PAGE=production", async () => {
    const page = await browse({ NODE_ENV: 'production', CURSOR_SECRET: 'x'.repeat(32), LANDING_PAGE: 'production' });
    expect(page.status).toBe(200);
    expect(page.html).toContain('apollo-server-landing-page');
    expect(page.html).not.toContain('RecentCallRecords');
  });

  it('serves nothing to browsers in development when LANDING_PAGE=off', async () => {
    const page = await browse({ NODE_ENV: 'development', LANDING_PAGE: 'off' });
    expect(page.html).not.toContain('apollo-server-landing-page');
  });
});
