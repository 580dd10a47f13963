import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { GatewayErrorCode } from '../src/errors/index.js';
import { EXAMPLE_OPERATIONS } from '../src/schema/examples.js';
import { GRAPH_LIMITS } from '../src/graph/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it("documents exactly the gateway's error codes in its error table", () => {
    const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('## Configuration'));
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual(Object.values(GatewayErrorCode).sort());
  });

  it('documents every environment variable the configuration reads', () => {
    const dir = new URL('../src/config/', import.meta.url);
    const source = readdirSync(dir)
      .map((file) => readFileSync(new URL(file, dir), 'utf8'))
      .join('\n');
    const read = new Set([...source.matchAll(/\b(?:str|int|bool|oneOf|list|httpsOrigin|file)(?:<[^>]+>)?\('([A-Z_]+)'/g)].map((m) => m[1]));
    for (const row of Object.values(GRAPH_LIMITS)) read.add(row.env);
    expect(read.size).toBeGreaterThan(10);
    for (const name of read) expect(readme, name).toContain(`\`${name}\``);
  });

  it('shows the example operations the gateway preloads in Sandbox', () => {
    for (const name of ['RecentCallRecords', 'NextCallRecords', 'OneCall', 'PlaceCall', 'WatchCall', 'IncomingCalls', 'NewCallRecords']) {
      expect(EXAMPLE_OPERATIONS).toContain(`${name}`);
      expect(readme).toContain(name);
    }
  });

  it('gives a newcomer the two commands first', () => {
    const firstScreen = readme.split('\n').slice(0, 20).join('\n');
    expect(firstScreen).toContain('npm ci && npm start');
    expect(firstScreen).toContain('npm ci && npm test');
  });

  it('states defaults that match the configuration', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.paging).toEqual({ defaultFirst: 20, maxFirst: 100 });
    expect(config.operationTimeoutMs).toBe(20_000);
    expect(readme).toContain('| `PORT` | `4000` |');
    expect(readme).toContain('| `OPERATION_TIMEOUT_MS` | `20000` |');
  });
});

describe('README configuration table', () => {
  it('gives every Graph client limit its variable, default and bounds as GRAPH_LIMITS has them', () => {
    for (const row of Object.values(GRAPH_LIMITS)) {
      const line = readme.split('\n').find((l) => l.startsWith(`| \`${row.env}\` |`));
      expect(line, row.env).toBeDefined();
      expect(line, row.env).toContain(`| \`${String(row.default)}\` |`);
      if ('min' in row) expect(line, row.env).toContain(`${row.min} to ${row.max}.`);
    }
  });
});
