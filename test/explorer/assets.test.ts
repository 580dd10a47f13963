import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedEncodings, bundleRoutes } from '../../src/explorer/assets.js';

const APP = Buffer.from('console.log("explorer");\n'.repeat(2000));
const CSS = Buffer.from('body { margin: 0 }\n');
let dir: string;
let server: Server;
let origin: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'explorer-assets-'));
  writeFileSync(path.join(dir, 'app.js'), APP);
  writeFileSync(path.join(dir, 'app.js.br'), brotliCompressSync(APP));
  writeFileSync(path.join(dir, 'app.js.gz'), gzipSync(APP));
  // A file the build left uncompressed is served as it is.
  writeFileSync(path.join(dir, 'app.css'), CSS);
  const routes = bundleRoutes(dir, { 'x-test': 'yes' });
  server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (route) route(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** A raw GET (undici's request does not decode): status, headers and the bytes as sent. */
async function get(file: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
  const res = await request(`${origin}/explorer/${file}`, { method, headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body };
}

describe('explorer bundle files', () => {
  it('sends brotli to a browser that accepts it, gzip to one that accepts only gzip, the file itself otherwise', async () => {
    const br = await get('app.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-length']).toBe(String(br.body.length));
    expect(br.body.length).toBeLessThan(APP.length / 10);
    expect(brotliDecompressSync(br.body).equals(APP)).toBe(true);

    const gz = await get('app.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(APP)).toBe(true);

    for (const accept of [undefined, 'identity', 'br;q=0, gzip;q=0', 'deflate']) {
      const plain = await get('app.js', accept === undefined ? {} : { 'accept-encoding': accept });
      expect(plain.headers['content-encoding'], accept).toBeUndefined();
      expect(plain.body.equals(APP), accept).toBe(true);
    }
    // Every form says it varies by Accept-Encoding, and keeps the headers given to the routes.
    for (const res of [br, gz]) {
      expect(res.headers['vary']).toBe('accept-encoding');
      expect(res.headers['x-test']).toBe('yes');
    }
  });

  it('gives each form its own validator, and answers 304 to the one the browser holds', async () => {
    const br = await get('app.js', { 'accept-encoding': 'br' });
    const gz = await get('app.js', { 'accept-encoding': 'gzip' });
    const plain = await get('app.js');
    const tags = [br, gz, plain].map((r) => r.headers['etag']);
    expect(new Set(tags).size).toBe(3);
    const again = await get('app.js', { 'accept-encoding': 'br', 'if-none-match': String(br.headers['etag']) });
    expect(again.status).toBe(304);
    expect(again.headers['vary']).toBe('accept-encoding');
    // A validator of another form is not a match: the browser gets the form it now asks for.
    const changed = await get('app.js', { 'accept-encoding': 'gzip', 'if-none-match': String(br.headers['etag']) });
    expect(changed.status).toBe(200);
    expect(changed.headers['content-encoding']).toBe('gzip');
  });

  it('answers HEAD with the headers of the form it would send, and serves a file without compressed forms as it is', async () => {
    const head = await get('app.js', { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.body.length).toBe(0);
    const css = await get('app.css', { 'accept-encoding': 'gzip, br' });
    expect(css.headers['content-encoding']).toBeUndefined();
    expect(css.headers['vary']).toBeUndefined();
    expect(css.body.equals(CSS)).toBe(true);
    // The compressed files are forms of a route, never routes of their own.
    expect((await get('app.js.br')).status).toBe(404);
  });
});

describe('acceptedEncodings', () => {
  it('reads codings, q-values and the wildcard', () => {
    expect([...acceptedEncodings('gzip, deflate, br')].sort()).toEqual(['br', 'gzip']);
    expect([...acceptedEncodings('BR;q=0.5')]).toEqual(['br']);
    expect([...acceptedEncodings('*')].sort()).toEqual(['br', 'gzip']);
    expect([...acceptedEncodings('*, br;q=0')]).toEqual(['gzip']);
    expect([...acceptedEncodings('gzip;q=0')]).toEqual([]);
    expect([...acceptedEncodings('gzip;q=abc')]).toEqual([]);
    expect([...acceptedEncodings(undefined)]).toEqual([]);
    expect([...acceptedEncodings('')]).toEqual([]);
  });
});
