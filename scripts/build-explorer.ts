/**
 * Bundles the explorer (explorer/app.tsx: GraphiQL 5, its explorer plugin, React) and Monaco's three web workers
 * with esbuild into dist/explorer/, which the gateway serves at /explorer/* (src/explorer/). Run by `npm run build`,
 * so by `npm start`; the output is not committed. Classic scripts with fixed names: the page loads them by URL
 * from its own origin, so its CSP needs no inline script, no `blob:` worker and no other host.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const EXPLORER_OUT_DIR = path.join(ROOT, 'dist', 'explorer');

/** The workers GraphiQL's own setup-workers files start, resolved from GraphiQL's copy of Monaco and monaco-graphql. */
function workerEntries(): Record<string, string> {
  const fromGraphiQL = createRequire(createRequire(import.meta.url).resolve('@graphiql/react'));
  const monaco = path.dirname(fromGraphiQL.resolve('monaco-editor/package.json'));
  const monacoGraphQL = path.dirname(fromGraphiQL.resolve('monaco-graphql/package.json'));
  return {
    'editor.worker': path.join(monaco, 'esm/vs/editor/editor.worker.js'),
    'json.worker': path.join(monaco, 'esm/vs/language/json/json.worker.js'),
    'graphql.worker': path.join(monacoGraphQL, 'esm/graphql.worker.js'),
  };
}

export async function buildExplorer(outdir = EXPLORER_OUT_DIR): Promise<{ outdir: string; files: string[]; ms: number }> {
  const started = performance.now();
  await rm(outdir, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: { app: path.join(ROOT, 'explorer/app.tsx'), ...workerEntries() },
    outdir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    minify: true,
    // Monaco's CSS names its icon font (codicon.ttf) by URL: copy it beside app.css.
    loader: { '.ttf': 'file' },
    assetNames: '[name]-[hash]',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const files = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  await Promise.all(files.filter((file) => COMPRESSED.test(file)).map((file) => precompress(path.join(outdir, file))));
  return { outdir, files, ms: Math.round(performance.now() - started) };
}

/** What is worth compressing: scripts, styles and the icon font (7.5 MB together; 2.0 MB as brotli). */
const COMPRESSED = /\.(js|css|ttf)$/;
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * Writes `<file>.br` and `<file>.gz` beside the file, made once here rather than per request: the gateway sends
 * whichever the browser accepts (src/explorer/assets.ts). Brotli quality 9, not 11: a second for app.js instead of
 * about ten, for 10% more bytes.
 */
async function precompress(file: string): Promise<void> {
  const body = await readFile(file);
  const [br, gz] = await Promise.all([
    brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    gzipped(body, { level: 9 }),
  ]);
  await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gz)]);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outdir, files, ms } = await buildExplorer();
  console.log(`explorer: ${files.length} files in ${path.relative(ROOT, outdir)} (${ms} ms)`);
}
