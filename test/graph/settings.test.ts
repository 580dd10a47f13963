import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { graphClientConfig } from '../../src/config/graphClient.js';
import { GRAPH_LIMITS, resolveLimits, type GraphLimitName } from '../../src/graph/settings.js';
import { GraphConfigError, resolveGraphConfig } from '../../src/graph/index.js';

const integerRows = (Object.entries(GRAPH_LIMITS) as Array<[GraphLimitName, (typeof GRAPH_LIMITS)[GraphLimitName]]>).flatMap(
  ([name, row]) => ('min' in row ? [[name, row] as const] : []),
);
const azure = {
  AZURE_TENANT_ID: 'contoso.onmicrosoft.com',
  AZURE_CLIENT_ID: 'app',
  AZURE_CLIENT_SECRET: 'secret',
  AUTH_MODE: 'none',
  AUTH_ALLOW_ANONYMOUS_WITH_REAL_GRAPH: 'true',
};

describe('GRAPH_LIMITS, the one table of Graph client limits', () => {
  it.each(integerRows)('keeps the default of %s within its bounds', (_name, row) => {
    expect(row.default).toBeGreaterThanOrEqual(row.min);
    expect(row.default).toBeLessThanOrEqual(row.max);
  });

  it('fills in every default when nothing is given', () => {
    const limits = resolveLimits({}, []);
    for (const [name, row] of Object.entries(GRAPH_LIMITS)) expect(limits[name as GraphLimitName]).toBe(row.default);
  });

  it.each(integerRows)('bounds %s the same in the environment reader and in the client', (name, row) => {
    // The lowest value both accept, and the value just below it that both refuse.
    const config = loadConfig({ ...azure, [row.env]: String(row.min) });
    expect(config.upstream[name]).toBe(row.min);
    expect(resolveGraphConfig(graphClientConfig(config)).limits[name]).toBe(row.min);

    expect(() => loadConfig({ ...azure, [row.env]: String(row.min - 1) })).toThrow(ConfigError);
    expect(() => loadConfig({ ...azure, [row.env]: String(row.min - 1) })).toThrow(
      `${row.env} must be an integer between ${row.min} and ${row.max}`,
    );
    const problems: string[] = [];
    resolveLimits({ [name]: row.min - 1 }, problems);
    expect(problems).toEqual([`limits.${name} must be an integer between ${row.min} and ${row.max}, got ${row.min - 1}`]);
    expect(() => resolveGraphConfig({ ...graphClientConfig(config), limits: { [name]: row.max + 1 } })).toThrow(GraphConfigError);
  });

  it('turns the circuit breaker off from the environment through to the client', () => {
    const config = loadConfig({ ...azure, GRAPH_BREAKER_ENABLED: 'false' });
    expect(resolveGraphConfig(graphClientConfig(config)).limits.breakerEnabled).toBe(false);
  });
});
