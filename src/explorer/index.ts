/**
 * GraphiQL served by the gateway itself (LANDING_PAGE=graphiql): a browser's GET /graphql gets the page, and
 * /explorer/* the bundle it loads. Nothing on the page comes from, or goes to, another origin.
 */
import type http from 'node:http';
import { bundleRoutes, defaultBundleDir } from './assets.js';
import { EXPLORER_HEADERS, explorerHtml, prefersHtml } from './page.js';
import { operationTabs } from './tabs.js';

export interface ExplorerOptions {
  /** The operations preloaded as tabs, one per operation. */
  examples: string;
  /** With `jwt`, the headers editor starts with a placeholder for the caller's bearer token. */
  authMode: 'jwt' | 'none';
  /** Where the built bundle is. Default dist/explorer/ of this project. */
  bundleDir?: string;
}

export interface Explorer {
  /** Serves the page when the request is a browser's GET asking for HTML; false when it is for GraphQL. */
  page(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** The bundle's files, by path. */
  routes: Record<string, http.RequestListener>;
}

const TOKEN_PLACEHOLDER = JSON.stringify({ authorization: 'Bearer <a caller token: see the README, Tokens in development>' }, null, 2);

export function createExplorer(options: ExplorerOptions): Explorer {
  const routes = bundleRoutes(options.bundleDir ?? defaultBundleDir(), EXPLORER_HEADERS);
  const built = Object.keys(routes).length > 0;
  const html = explorerHtml({ tabs: operationTabs(options.examples), headers: options.authMode === 'jwt' ? TOKEN_PLACEHOLDER : '' }, built);
  return {
    routes,
    page(req, res) {
      if (!prefersHtml(req)) return false;
      res.writeHead(built ? 200 : 503, {
        ...EXPLORER_HEADERS,
        'content-type': 'text/html; charset=utf-8',
        'content-length': String(Buffer.byteLength(html)),
        'cache-control': 'no-store',
      });
      res.end(html);
      return true;
    },
  };
}
