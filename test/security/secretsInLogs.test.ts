import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationStream } from 'pino';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { createLogger, registerSecret } from '../../src/observability/logger.js';
import { startStack, type Stack } from '../helpers/stack.js';

/** Every line any logger of the stack writes, at trace level. */
class MemoryLog implements DestinationStream {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  get text(): string {
    return this.lines.join('');
  }
}

const CURSOR_SECRET = 'cursor-secret-for-the-log-capture-test-0123456789';
const WRONG_CLIENT_SECRET = 'wrong-client-secret-value-9f8e7d6c';
const PAGE = 'query($after: String) { callRecords(first: 2, after: $after) { nodes { id sessions { id } } pageInfo { endCursor } } }';

async function post(stack: Stack, query: string, variables: Record<string, unknown> | undefined, authorization?: string) {
  const response = await fetch(stack.gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, text: await response.text() };
}

describe('secrets never reach a log line or an error', () => {
  const log = new MemoryLog();
  const secrets: string[] = [CURSOR_SECRET, WRONG_CLIENT_SECRET];
  const responses: string[] = [];
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      callerApp: 'caller',
      env: { LOG_LEVEL: 'trace', CURSOR_SECRET, NODE_ENV: 'development' },
      logDestination: log,
      simulator: { callRecordCount: 40 },
    });
    secrets.push(stack.simulator.app('default').clientSecret!);
    const mint = (options: Parameters<Stack['simulator']['control']['mintToken']>[0]) => stack.simulator.control.mintToken(options);
    const good = await mint({ app: 'caller' });
    const tokens = {
      good,
      records: await mint({ app: 'caller-records' }),
      expired: await mint({ app: 'caller', lifetimeSeconds: -600 }),
      graph: await mint({ app: 'default', audience: 'https://graph.microsoft.com' }),
      foreign: await mint({ app: 'caller', issuer: 'https://evil.example/v2.0' }),
    };
    const tampered = `${good.split('.').slice(0, 2).join('.')}.${'A'.repeat(342)}`;
    for (const token of [...Object.values(tokens), tampered]) secrets.push(token, `Bearer ${token}`, token.split('.')[2]!);

    const bearer = `Bearer ${good}`;
    const first = await post(stack, PAGE, {}, bearer);
    const cursor = (JSON.parse(first.text) as { data: { callRecords: { pageInfo: { endCursor: string } } } }).data.callRecords.pageInfo
      .endCursor;
    responses.push(
      first.text,
      (await post(stack, PAGE, { after: cursor }, bearer)).text,
      (await post(stack, PAGE, { after: `${cursor}x` }, bearer)).text,
      (await post(stack, '{ callRecord(id: "3cf3bbc8-b21d-4f2e-bfd0-b13603ae6c65") { id } }', undefined, bearer)).text,
      (await post(stack, '{ call(id: "../../x") { id } }', undefined, bearer)).text,
      (
        await post(
          stack,
          `mutation { createCall(input: { callbackUri: "https://bot.contoso.com/cb", requestedModalities: [AUDIO],
          targets: [{ identity: { user: { id: "8b081ef6-4792-4def-b2c9-c363a1bf41d5" } } }],
          mediaConfig: { serviceHosted: { preFetchMedia: [] } } }) { id } }`,
          undefined,
          bearer,
        )
      ).text,
      (await post(stack, PAGE, {}, `Bearer ${tokens.records}`)).text,
      (await post(stack, '{ calls { id } }', undefined, `Bearer ${tokens.records}`)).text,
      (await post(stack, PAGE, {})).text,
      (await post(stack, PAGE, {}, `Bearer ${tokens.expired}`)).text,
      (await post(stack, PAGE, {}, `Bearer ${tokens.graph}`)).text,
      (await post(stack, PAGE, {}, `Bearer ${tokens.foreign}`)).text,
      (await post(stack, PAGE, {}, `Bearer ${tampered}`)).text,
      (await post(stack, PAGE, {}, 'Basic dXNlcjpwYXNz')).text,
      (await post(stack, '{ callRecords(first: 1) { nodes { nope } } }', undefined, bearer)).text,
    );

    // The gateway's own credentials refused by the token service: UPSTREAM_AUTH_FAILED.
    const refused = await startStack({
      callerApp: 'caller',
      env: { LOG_LEVEL: 'trace', CURSOR_SECRET },
      credential: { clientSecret: WRONG_CLIENT_SECRET },
      logDestination: log,
      simulator: { callRecordCount: 5 },
    });
    try {
      const answer = await refused.query(PAGE);
      expect(answer.errors?.[0]?.extensions?.['code']).toBe('UPSTREAM_AUTH_FAILED');
      responses.push(JSON.stringify(answer));
    } finally {
      await refused.stop();
    }

    // A configuration mistake reported next to a secret, logged as the entry point would.
    try {
      loadConfig({ AZURE_CLIENT_SECRET: WRONG_CLIENT_SECRET, CURSOR_SECRET: 'short', PORT: 'x' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      responses.push((error as Error).message);
      createLogger('trace', log).error({ err: error }, 'configuration refused');
    }
  });
  afterAll(async () => stack?.stop());

  it('logged the operations at trace level, Graph requests and refusals included', () => {
    expect(log.lines.length).toBeGreaterThan(20);
    expect(log.text).toContain('graph request');
    expect(log.text).toContain('configuration refused');
  });

  it('shows no secret in any log line: client secrets, cursor key, caller and Graph tokens, Authorization values', () => {
    for (const secret of secrets) expect(log.text.includes(secret), `log contains ${secret.slice(0, 12)}…`).toBe(false);
    // A JWT: base64url JSON header and payload (Graph's two-part $skiptoken is not one, and may be logged).
    expect(/.{0,200}eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\..{0,40}/.exec(log.text)?.[0]).toBeUndefined();
  });

  it('shows no secret in any response body either', () => {
    const all = responses.join('\n');
    expect(all).toContain('UNAUTHENTICATED');
    expect(all).toContain('FORBIDDEN');
    for (const secret of secrets) expect(all.includes(secret), `response contains ${secret.slice(0, 12)}…`).toBe(false);
  });
});

describe('the logger', () => {
  it('redacts secret keys at any of three levels and headers, and scrubs tokens and known secrets from free text', () => {
    const log = new MemoryLog();
    registerSecret('known-secret-value-42');
    const logger = createLogger('trace', log);
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl';
    logger.info({ headers: { authorization: 'Bearer abc.def' }, config: { graph: { clientSecret: 's1-value' } }, token: jwt }, 'keys');
    logger.error({ err: new Error(`upstream said: Bearer ${jwt} and known-secret-value-42`) }, 'free text');
    expect(log.text).not.toContain('abc.def');
    expect(log.text).not.toContain('s1-value');
    expect(log.text).not.toContain(jwt);
    expect(log.text).not.toContain('known-secret-value-42');
    expect(log.text).toContain('[redacted]');
  });
});
