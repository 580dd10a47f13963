/**
 * The explorer bundle's files (dist/explorer/, written by scripts/build-explorer.ts), served from memory under
 * /explorer/. Only files present when the gateway starts are routes: a request names a route, never a path.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * dist/explorer/ under the project root: the nearest folder above this module holding package.json, the same
 * whether it runs from src/explorer (tsx, tests) or dist/src/explorer (npm start).
 */
export function defaultBundleDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'explorer');
}

/** Routes (`/explorer/app.js`, ...) for the bundle in `dir`; empty when it has not been built. */
export function bundleRoutes(dir: string, headers: Readonly<Record<string, string>>): Record<string, http.RequestListener> {
  if (!existsSync(path.join(dir, 'app.js'))) return {};
  const routes: Record<string, http.RequestListener> = {};
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (type === undefined) continue;
    let file: { body: Buffer; etag: string } | undefined;
    routes[`/explorer/${name}`] = (req, res) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-length': '0' }).end();
        return;
      }
      // Read on first use and kept: the files change only with a new build, which means a restart.
      if (file === undefined) {
        const body = readFileSync(path.join(dir, name));
        file = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
      }
      // Fixed names: the browser revalidates each time and gets 304 while the build is the same.
      const common = { ...headers, etag: file.etag, 'cache-control': 'no-cache' };
      if (req.headers['if-none-match'] === file.etag) {
        res.writeHead(304, common).end();
        return;
      }
      res.writeHead(200, { ...common, 'content-type': type, 'content-length': String(file.body.length) });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    };
  }
  return routes;
}
