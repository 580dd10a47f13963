import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE_OPERATIONS } from '../../src/schema/examples.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { README_OPERATION_NAMES } from '../helpers/examples.js';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

interface Page {
  status: number;
  type: string | null;
  csp: string | null;
  html: string;
}

async function browse(env: Record<string, string>, path = ''): Promise<Page> {
  stack ??= await startStack({ simulator: { callRecordCount: 5 }, env });
  const response = await fetch(stack.gateway.url + path, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    csp: response.headers.get('content-security-policy'),
    html: await response.text(),
  };
}

/** The settings the page hands the bundle (its JSON data block). */
function explorerSettings(html: string): { tabs: Array<{ query: string }>; headers: string } {
  const block = /<script type="application\/json" id="explorer-config">([^<]*)<\/script>/.exec(html)?.[1];
  if (block === undefined) throw new Error('no explorer-config block in the page');
  return JSON.parse(block);
}

describe('the landing page', () => {
  it('serves GraphiQL from its own files by default in development, one tab per README operation, under a strict CSP', async () => {
    const page = await browse({ NODE_ENV: 'development' });
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.html).toContain('<script src="explorer/app.js"></script>');
    // Nothing on the page names another origin, and the only executable script is the bundle's file.
    expect(page.html).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]/i);
    expect(page.html.match(/<script(?![^>]*type="application\/json")[^>]*>/g)).toEqual(['<script src="explorer/app.js">']);
    expect(page.csp).toMatch(/default-src 'none'/);
    expect(page.csp).toMatch(/script-src 'self'(;|$)/);
    expect(page.csp).toMatch(/worker-src 'self'(;|$)/);
    expect(page.csp).toMatch(/connect-src 'self'(;|$)/);
    expect(page.csp).not.toMatch(/unsafe-eval|blob:|https?:/);

    const tabs = explorerSettings(page.html).tabs.map((tab) => /^(query|mutation|subscription) (\w+)/m.exec(tab.query)?.[2]);
    expect(tabs).toEqual(README_OPERATION_NAMES);
    expect(
      explorerSettings(page.html)
        .tabs.map((tab) => tab.query)
        .join('\n\n'),
    ).toBe(EXAMPLE_OPERATIONS.trim());
    expect(explorerSettings(page.html).headers).toBe('');
  });

  it('serves the bundle it loads from the same origin, with the same CSP (a worker takes its own)', async () => {
    await browse({ NODE_ENV: 'development' });
    for (const [file, type] of [
      ['app.js', 'text/javascript'],
      ['app.css', 'text/css'],
      ['graphql.worker.js', 'text/javascript'],
      ['json.worker.js', 'text/javascript'],
      ['editor.worker.js', 'text/javascript'],
    ] as const) {
      const response = await fetch(new URL(`/explorer/${file}`, stack!.gateway.url));
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type')).toMatch(new RegExp(`^${type}`));
      expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      const etag = response.headers.get('etag') as string;
      await response.arrayBuffer();
      const again = await fetch(new URL(`/explorer/${file}`, stack!.gateway.url), { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
    }
    // The build compresses the bundle once; a browser that accepts brotli or gzip gets that, byte-equal when decoded.
    const raw = async (encoding: string): Promise<{ coding: unknown; body: Buffer }> => {
      const res = await request(new URL('/explorer/app.js', stack!.gateway.url), { headers: { 'accept-encoding': encoding } });
      return { coding: res.headers['content-encoding'], body: Buffer.from(await res.body.arrayBuffer()) };
    };
    const [plain, br, gz] = [await raw('identity'), await raw('br'), await raw('gzip')];
    expect([plain.coding, br.coding, gz.coding]).toEqual([undefined, 'br', 'gzip']);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect((await fetch(new URL('/explorer/../package.json', stack!.gateway.url))).status).toBe(404);
    expect((await fetch(new URL('/explorer/%2e%2e%2fpackage.json', stack!.gateway.url))).status).toBe(404);
  });

  it('starts the headers editor with a bearer token placeholder when callers must authenticate (AUTH_MODE=jwt)', async () => {
    const page = await browse({ NODE_ENV: 'development', AUTH_MODE: 'jwt' });
    expect(JSON.parse(explorerSettings(page.html).headers)).toEqual({ authorization: expect.stringMatching(/^Bearer /) });
  });

  it('answers GraphQL, not the page, to a GET that prefers JSON (curl, clients)', async () => {
    stack = await startStack({ simulator: { callRecordCount: 5 }, env: { NODE_ENV: 'development' } });
    const response = await fetch(`${stack.gateway.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/graphql-response+json, application/json', 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it("serves Apollo Sandbox with the README's example operations preloaded when LANDING_PAGE=sandbox", async () => {
    const page = await browse({ NODE_ENV: 'development', LANDING_PAGE: 'sandbox' });
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.html).toContain('EmbeddedSandbox');
    for (const name of ['RecentCallRecords', 'NextCallRecords', 'OneCall', 'PlaceCall']) expect(page.html).toContain(name);
  });

  it('serves no landing page in production unless asked to', async () => {
    const page = await browse({ NODE_ENV: 'production', CURSOR_SECRET: 'x'.repeat(32) });
    expect(page.html).not.toContain('EmbeddedSandbox');
    expect(page.html).not.toContain('apollo-server-landing-page');
    expect(page.html).not.toContain('explorer/app.js');
    expect((await fetch(new URL('/explorer/app.js', stack!.gateway.url))).status).toBe(404);
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
    expect(page.html).not.toContain('explorer/app.js');
  });
});
