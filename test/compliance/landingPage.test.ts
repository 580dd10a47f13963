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
  });
});
