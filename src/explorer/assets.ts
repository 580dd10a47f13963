/**
 * The explorer bundle's files (dist/explorer/, written by scripts/build-explorer.ts), served from memory under
 * /explorer/, brotli- or gzip-compressed when the browser accepts it (the build writes both beside each file). Only
 * files present when the gateway starts are routes: a request names a route, never a path.
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

/** One stored form of a file: as built, or compressed at build time (`app.js.br`, `app.js.gz`). */
interface Representation {
  /** `content-encoding`, or undefined for the file as built. */
  encoding: 'br' | 'gzip' | undefined;
  body: Buffer;
  /** Differs between the forms of one file, as HTTP asks of strong validators. */
  etag: string;
}

/** The forms of a file this process has, best first: brotli, gzip, then the file itself. */
function representations(dir: string, name: string): Representation[] {
  const body = readFileSync(path.join(dir, name));
  const tag = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  const forms: Representation[] = [];
  for (const [encoding, suffix] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ] as const) {
    const file = path.join(dir, name + suffix);
    if (existsSync(file)) forms.push({ encoding, body: readFileSync(file), etag: `"${tag}-${encoding}"` });
  }
  forms.push({ encoding: undefined, body, etag: `"${tag}"` });
  return forms;
}

/**
 * The codings an `Accept-Encoding` header allows (RFC 9110 12.5.3): listed with a q above 0, or covered by a `*`
 * with a q above 0 when not listed. Without the header only the file as built is sent.
 */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  if (header === undefined) return accepted;
  const listed = new Map<string, number>();
  for (const part of header.split(',')) {
    const [token = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (token === '') continue;
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    listed.set(token, Number.isFinite(weight) ? weight : 0);
  }
  for (const coding of ['br', 'gzip']) {
    const weight = listed.get(coding) ?? listed.get('*');
    if (weight !== undefined && weight > 0) accepted.add(coding);
  }
  return accepted;
}

/** Routes (`/explorer/app.js`, ...) for the bundle in `dir`; empty when it has not been built. */
export function bundleRoutes(dir: string, headers: Readonly<Record<string, string>>): Record<string, http.RequestListener> {
  if (!existsSync(path.join(dir, 'app.js'))) return {};
  const routes: Record<string, http.RequestListener> = {};
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (type === undefined) continue;
    let forms: Representation[] | undefined;
    routes[`/explorer/${name}`] = (req, res) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-length': '0' }).end();
        return;
      }
      // Read on first use and kept: the files change only with a new build, which means a restart.
      forms ??= representations(dir, name);
      const accepted = acceptedEncodings(req.headers['accept-encoding']);
      const form = forms.find((f) => f.encoding === undefined || accepted.has(f.encoding)) as Representation;
      // Fixed names: the browser revalidates each time and gets 304 while the build is the same.
      const common = {
        ...headers,
        etag: form.etag,
        'cache-control': 'no-cache',
        ...(forms.length > 1 ? { vary: 'accept-encoding' } : {}),
      };
      if (req.headers['if-none-match'] === form.etag) {
        res.writeHead(304, common).end();
        return;
      }
      res.writeHead(200, {
        ...common,
        'content-type': type,
        ...(form.encoding !== undefined ? { 'content-encoding': form.encoding } : {}),
        'content-length': String(form.body.length),
      });
      res.end(req.method === 'HEAD' ? undefined : form.body);
    };
  }
  return routes;
}
