/**
 * The explorer's HTML page and the headers that confine it. The page is a shell: it loads app.css and app.js from
 * /explorer/ on this origin and hands them its settings in a JSON data block (not a script CSP would have to allow).
 */
import type http from 'node:http';

/**
 * Everything the page may load or reach, all on this origin:
 * - scripts and Monaco's three web workers (editor, json, graphql) only as files from here: no inline script, no
 *   eval, no `blob:` worker;
 * - styles from here, plus inline `<style>` elements, which Monaco writes at run time for its theme and decorations
 *   (style only: no script runs from them);
 * - fonts from here and `data:` (GraphiQL's stylesheet inlines its fonts; Monaco's codicon font is a file);
 * - requests to this origin only: HTTP POST to /graphql and graphql-ws on ws(s)://<this host>/graphql, which CSP 3
 *   counts as 'self';
 * - no frames of it elsewhere, no forms, no base URL, no plugins.
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on the page and on every file of the bundle (a worker takes its CSP from its own script's response). */
export const EXPLORER_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': EXPLORER_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export interface ExplorerPageSettings {
  tabs: Array<{ query: string }>;
  /** The headers editor's starting JSON. */
  headers: string;
}

/** The page; `built` false says how to build the bundle instead of loading one that is not there. */
export function explorerHtml(settings: ExplorerPageSettings, built: boolean): string {
  if (!built) {
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>comms-graphql explorer</title></head>
<body><h1>The explorer is not built</h1><p>Run <code>npm run build</code> (npm start does it), then reload.
The GraphQL endpoint itself works: POST operations to this URL.</p></body></html>
`;
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>comms-graphql explorer</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="explorer/app.css">
</head>
<body>
<div id="graphiql"><noscript>The explorer needs JavaScript. The GraphQL endpoint itself works: POST operations to this URL.</noscript></div>
<script type="application/json" id="explorer-config">${jsonForHtml(settings)}</script>
<script src="explorer/app.js"></script>
</body>
</html>
`;
}

/** JSON that cannot end the script element it sits in or be read as markup. */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Whether a GET wants the page rather than a GraphQL answer: `text/html` ranked above every JSON type it accepts,
 * the way Apollo Server decides for its own landing page (a browser's `text/html,...,*\/*;q=0.8` does; curl's
 * `*\/*` and clients asking for JSON do not).
 */
export function prefersHtml(req: http.IncomingMessage): boolean {
  if (req.method !== 'GET') return false;
  let html = 0;
  let json = 0;
  for (const part of (req.headers.accept ?? '').split(',')) {
    const [type = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const qParam = params.find((param) => param.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q)) continue;
    if (type === 'text/html') html = Math.max(html, q);
    if (['application/json', 'application/graphql-response+json', 'application/*', '*/*'].includes(type)) json = Math.max(json, q);
  }
  return html > 0 && html > json;
}
