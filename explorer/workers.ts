/**
 * Where Monaco (GraphiQL 5's editor) finds its web workers: files of this bundle, next to app.js, from the page's
 * own origin. The build emits them as classic scripts, so the page's CSP needs only `worker-src 'self'` (no `blob:`,
 * no CDN). Must run before Monaco loads, hence its own module imported first.
 */
const WORKER_FILES: Record<string, string> = {
  json: 'json.worker.js',
  graphql: 'graphql.worker.js',
};

// Evaluated while app.js itself runs, the one moment `document.currentScript` names it.
const bundleBase = (document.currentScript as HTMLScriptElement | null)?.src ?? document.baseURI;

(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return new Worker(new URL(WORKER_FILES[label] ?? 'editor.worker.js', bundleBase), { name: label });
  },
};
