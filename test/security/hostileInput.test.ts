import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closingChecks, codeOf, startHostileStack, type HostileStack } from './hostileHarness.js';

let h: HostileStack;
let realCursor = '';
const PAGE = `query($filter: CallRecordFilter, $first: Int, $after: String) {
  callRecords(filter: $filter, first: $first, after: $after) { nodes { id } pageInfo { endCursor } }
}`;

beforeAll(async () => {
  h = await startHostileStack();
  const first = await h.op(PAGE, { first: 2 });
  realCursor = (first.json!.data!['callRecords'] as { pageInfo: { endCursor: string } }).pageInfo.endCursor;
});
afterAll(async () => h?.stop());

/** A field-level refusal: HTTP 200, no records (the non-null connection nulls `data`), BAD_USER_INPUT. */
function expectFieldRefusal(answer: Awaited<ReturnType<HostileStack['op']>>) {
  expect(answer.status).toBe(200);
  expect(codeOf(answer)).toBe('BAD_USER_INPUT');
  expect(answer.json?.data?.['callRecords'] ?? null).toBeNull();
}

const seeded = <T>(arb: fc.Arbitrary<T>, n: number, seed: number): T[] => fc.sample(arb, { numRuns: n, seed });

describe('forged and fuzzed cursors', () => {
  const random = seeded(fc.string({ minLength: 0, maxLength: 300 }), 30, 11);
  const base64ish = seeded(
    fc.base64String({ minLength: 4, maxLength: 200 }).map((s) => s.replace(/=+$/, '')),
    20,
    12,
  );
  it.each([...random, ...base64ish].map((s, i) => [i, s] as const))('refuses random cursor #%i with BAD_USER_INPUT', async (_i, after) => {
    expectFieldRefusal(await h.op(PAGE, { after }));
  });

  const mutations = seeded(
    fc.tuple(fc.nat(), fc.constantFrom('flip', 'drop', 'append', 'swap-signature'), fc.string({ minLength: 1, maxLength: 1 })),
    30,
    13,
  );
  it.each(mutations.map((m, i) => [i, m] as const))('refuses a mutated real cursor #%i', async (_i, [position, kind, ch]) => {
    const at = position % realCursor.length;
    const replacement = realCursor[at] === 'A' ? 'B' : 'A';
    const after =
      kind === 'flip'
        ? realCursor.slice(0, at) + replacement + realCursor.slice(at + 1)
        : kind === 'drop'
          ? realCursor.slice(0, at) + realCursor.slice(at + 1)
          : kind === 'append'
            ? realCursor + (ch === '' ? 'x' : ch)
            : `${realCursor.split('.')[0]}.${'A'.repeat(43)}`;
    expectFieldRefusal(await h.op(PAGE, { after }));
  });

  it.each([
    { startDateTime: { gte: '2020-01-01T00:00:00Z' } },
    { participantId: 'someone-else' },
    { startDateTime: { lt: '2099-01-01T00:00:00Z' } },
  ])('refuses a cursor used with another filter %#', async (filter) => {
    expectFieldRefusal(await h.op(PAGE, { after: realCursor, filter }));
  });

  it.each(['https://evil.example/steal', '/v1.0/users', '//evil.example/x', 'http://127.0.0.1:1/'])(
    'refuses a cursor whose payload path was rewritten to %s',
    async (path) => {
      const [body, signature] = realCursor.split('.');
      const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
      const forged = `${Buffer.from(JSON.stringify({ ...payload, path })).toString('base64url')}.${signature}`;
      expectFieldRefusal(await h.op(PAGE, { after: forged }));
    },
  );
});

describe('OData injection attempts in filter values', () => {
  const printable = [
    "x') or true or ('",
    "'",
    "''",
    "x' or startDateTime gt 2000-01-01T00:00:00Z or '1'='1",
    ')',
    '(',
    'a) or (1 eq 1',
    ' or ',
    '%27',
    '%27%20or%201%20eq%201',
    "\\' or 1 eq 1 --",
    "x'); $top=1000&$expand=*",
    '&$filter=id ne null',
    "x' and participants_v2/any(p:p/id ne '')",
    '$skiptoken=abc',
    '#',
    'x'.repeat(256),
  ];
  const refused = [
    '',
    'é',
    '\u202e',
    '𝕏',
    'a\r\nb',
    'a\nHost: evil',
    '\u0000',
    '\t',
    'x'.repeat(257),
    'x'.repeat(10_000),
    "caf\u00e9' or 1 eq 1",
  ];

  it.each(printable.map((v) => [JSON.stringify(v).slice(0, 40), v] as const))(
    'escapes participantId %s into one literal',
    async (_label, participantId) => {
      h.participantIds.add(participantId);
      const answer = await h.op(PAGE, { filter: { participantId }, first: 5 });
      expect(answer.status).toBe(200);
      expect(answer.json?.errors).toBeUndefined();
    },
  );

  it.each(refused.map((v) => [JSON.stringify(v).slice(0, 40), v] as const))(
    'refuses participantId %s with BAD_USER_INPUT',
    async (_label, participantId) => {
      expectFieldRefusal(await h.op(PAGE, { filter: { participantId } }));
    },
  );

  const generated = seeded(fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }), 40, 21);
  it.each(generated.map((v, i) => [i, v] as const))(
    'treats generated participantId #%i as data, never as OData',
    async (_i, participantId) => {
      h.participantIds.add(participantId);
      const answer = await h.op(PAGE, { filter: { participantId }, first: 3 });
      expect(answer.status).toBe(200);
      if (/^[\x20-\x7E]{1,256}$/.test(participantId)) expect(answer.json?.errors).toBeUndefined();
      else expectFieldRefusal(answer);
    },
  );

  it.each(['gt', 'gte', 'lt', 'lte'])('refuses an OData expression smuggled into startDateTime.%s', async (op) => {
    const answer = await h.op(PAGE, { filter: { startDateTime: { [op]: "2023-09-25T00:00:00Z or participants_v2/any(p:p/id ne '')" } } });
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe('BAD_USER_INPUT');
  });
});

describe('invalid DateTimes', () => {
  const fixed = [
    '2023-02-30T00:00:00Z',
    '2023-13-01T00:00:00Z',
    '2023-09-25T24:00:01Z',
    '2023-09-25T00:60:00Z',
    '2023-09-25',
    '2023-09-25T00:00:00',
    'yesterday',
    '1695634000',
    '',
    ' ',
    '2023-09-25T00:00:00Z\r\n',
    '+275760-09-13T00:00:00Z',
    '0000-00-00T00:00:00Z',
    "2023-09-25T00:00:00Z'",
    '9'.repeat(500),
  ];
  const generated = seeded(
    fc.string({ maxLength: 40 }).filter((s) => !/^\d{4}-\d{2}-\d{2}T/.test(s)),
    15,
    31,
  );
  it.each([...fixed, ...generated].map((v) => [JSON.stringify(v).slice(0, 40), v] as const))(
    'refuses startDateTime %s with 400 and BAD_USER_INPUT',
    async (_label, gte) => {
      const answer = await h.op(PAGE, { filter: { startDateTime: { gte } } });
      expect(answer.status).toBe(400);
      expect(codeOf(answer)).toBe('BAD_USER_INPUT');
    },
  );

  it.each(['"not a date"', '12', 'true', 'NOW'])(
    'refuses a literal startDateTime %s in the document with GRAPHQL_VALIDATION_FAILED',
    async (literal) => {
      const answer = await h.op(`{ callRecords(filter: { startDateTime: { gte: ${literal} } }) { nodes { id } } }`);
      expect(answer.status).toBe(400);
      expect(codeOf(answer)).toBe('GRAPHQL_VALIDATION_FAILED');
    },
  );
});

describe('negative and huge first', () => {
  it.each([0, -1, -100, 101, 1000, 1_000_000, 2_147_483_647, -2_147_483_648])('refuses first=%i with BAD_USER_INPUT', async (first) => {
    expectFieldRefusal(await h.op(PAGE, { first }));
  });

  it.each([2_147_483_648, 1e20, 1.5, '10', true, -0.5])('refuses first=%s, not an Int, with 400 and BAD_USER_INPUT', async (first) => {
    const answer = await h.op(PAGE, { first });
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe('BAD_USER_INPUT');
  });
});

describe('alias, depth, cost, token and directive bombs', () => {
  const refusedBeforeRunning = async (query: string, variables: Record<string, unknown> | undefined, code: string, mention: RegExp) => {
    const before = h.stack.simulator.control.log().length;
    const answer = await h.op(query, variables);
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe(code);
    expect(answer.json?.errors?.map((e) => e.message).join(' ')).toMatch(mention);
    expect(h.stack.simulator.control.log().length).toBe(before);
  };

  it.each([51, 100, 300, 2000])('refuses %i aliases', async (n) => {
    const query = `{ ${Array.from({ length: n }, (_, i) => `a${i}: call(id: "x${i}") { id }`).join(' ')} }`;
    await refusedBeforeRunning(
      query,
      undefined,
      n > 200 ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED',
      n > 200 ? /tokens/ : /Aliases limit/,
    );
  });

  it.each([13, 30, 1000])('refuses a selection %i deep', async (depth) => {
    const query = `{ callRecords { nodes { ${'sessions { '.repeat(depth)}id${' }'.repeat(depth)} } } }`;
    await refusedBeforeRunning(
      query,
      undefined,
      depth > 500 ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED',
      depth > 500 ? /tokens/ : /depth limit/,
    );
  });

  it('refuses a depth bomb hidden in nested fragments', async () => {
    const fragments = Array.from({ length: 14 }, (_, i) => `fragment F${i} on Session { segments { ...F${i + 1} } }`).join('\n');
    const query = `{ callRecords { nodes { sessions { ...F0 } } } }\n${fragments}\nfragment F14 on Segment { id }`;
    await refusedBeforeRunning(query, undefined, 'GRAPHQL_VALIDATION_FAILED', /./);
  });

  it.each([15, 20, 50])('refuses %i aliased callRecords(first: 100) as too costly', async (n) => {
    const query = `{ ${Array.from({ length: n }, (_, i) => `r${i}: callRecords(first: 100) { nodes { id } }`).join(' ')} }`;
    await refusedBeforeRunning(query, undefined, 'GRAPHQL_VALIDATION_FAILED', /cost limit/);
  });

  it.each([8, 12])('charges first from variables: %i aliased pages of $n = 100 are refused', async (n) => {
    const query = `query($n: Int) { ${Array.from({ length: n }, (_, i) => `r${i}: callRecords(first: $n) { nodes { id sessions { id segments { id media { label } } } participants { identity { user { id displayName } } } } }`).join(' ')} }`;
    await refusedBeforeRunning(query, { n: 100 }, 'GRAPHQL_VALIDATION_FAILED', /cost limit/);
  });

  it('admits the same operation when $n is small', async () => {
    const query = `query($n: Int) { ${Array.from({ length: 8 }, (_, i) => `r${i}: callRecords(first: $n) { nodes { id } }`).join(' ')} }`;
    const answer = await h.op(query, { n: 1 });
    expect(answer.status).toBe(200);
    expect(answer.json?.errors).toBeUndefined();
  });

  it.each([2001, 10_000])('refuses a document of %i tokens while parsing', async (n) => {
    await refusedBeforeRunning(`{ ${'__typename '.repeat(n)}}`, undefined, 'GRAPHQL_PARSE_FAILED', /tokens/);
  });

  it.each([51, 100])('refuses %i directives', async (n) => {
    await refusedBeforeRunning(
      `{ __typename ${'@skip(if: false) '.repeat(n)}}`,
      undefined,
      'GRAPHQL_VALIDATION_FAILED',
      /Directives limit|directive/i,
    );
  });

  it('refuses a fragment cycle', async () => {
    await refusedBeforeRunning(
      '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
      undefined,
      'GRAPHQL_VALIDATION_FAILED',
      /./,
    );
  });
});

describe('createCall with invalid input', () => {
  const valid = {
    callbackUri: 'https://bot.contoso.com/callback',
    requestedModalities: ['AUDIO'],
    targets: [{ identity: { user: { id: '8b081ef6-4792-4def-b2c9-c363a1bf41d5' } } }],
    mediaConfig: { serviceHosted: { preFetchMedia: [] } },
  };
  const CREATE = 'mutation($input: CreateCallInput!) { createCall(input: $input) { id } }';
  const creates = () =>
    h.stack.simulator.control.log().filter((e) => e.method === 'POST' && e.path.includes('/communications/calls')).length;

  it.each([
    ['an invalid modality', { ...valid, requestedModalities: ['TELEPATHY'] }],
    ['a modality of the wrong type', { ...valid, requestedModalities: [42] }],
    // callbackUri may be absent (the gateway's own endpoint stands in), but never anything but a string.
    ['a number for callbackUri', { ...valid, callbackUri: 42 }],
    ['no mediaConfig', { ...valid, mediaConfig: undefined }],
    ['an unknown input field', { ...valid, bogusField: 'x' }],
    ['a string for targets', { ...valid, targets: 'everyone' }],
    ['null input', null],
  ])('refuses %s with 400 and BAD_USER_INPUT, placing no call', async (_label, input) => {
    const before = creates();
    const answer = await h.op(CREATE, { input });
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe('BAD_USER_INPUT');
    expect(creates()).toBe(before);
  });

  it.each([
    ['no targets or meeting', { ...valid, targets: undefined }],
    ['an http callbackUri', { ...valid, callbackUri: 'http://bot.contoso.com/callback' }],
    ['a callbackUri that is not a URL', { ...valid, callbackUri: 'not a url' }],
    ['empty targets', { ...valid, targets: [] }],
    ['empty requestedModalities', { ...valid, requestedModalities: [] }],
    ['a target without identity', { ...valid, targets: [{}] }],
    ['two media configs', { ...valid, mediaConfig: { serviceHosted: { preFetchMedia: [] }, appHosted: { blob: 'x' } } }],
  ])('refuses %s with BAD_USER_INPUT, placing no call', async (_label, input) => {
    const before = creates();
    const answer = await h.op(CREATE, { input });
    expect([200, 400]).toContain(answer.status);
    expect(codeOf(answer)).toBe('BAD_USER_INPUT');
    expect(creates()).toBe(before);
  });

  it.each(['TELEPATHY', '"AUDIO"', 'audio'])('refuses the literal modality %s with GRAPHQL_VALIDATION_FAILED', async (modality) => {
    const answer = await h.op(`mutation { createCall(input: { callbackUri: "https://x.example/cb", requestedModalities: [${modality}],
      targets: [{ identity: { user: { id: "8b081ef6-4792-4def-b2c9-c363a1bf41d5" } } }], mediaConfig: { serviceHosted: { preFetchMedia: [] } } }) { id } }`);
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('after the hostile inputs', () => {
  const checks = closingChecks(() => h);
  it('still serves a health query', async () => {
    await checks.stillServes();
  });
  it('sent Graph only filters of the allowed forms, with every literal one a test sent', () => {
    expect(
      h.stack.simulator.control.log().filter((e) => new URLSearchParams(e.path.split('?')[1] ?? '').has('$filter')).length,
    ).toBeGreaterThanOrEqual(17);
    expect(checks.filtersProblems()).toEqual([]);
  });
  it('opened connections to Graph (the simulator) only', () => {
    const { undici, net, graphConnections } = checks.foreignConnections();
    expect(graphConnections).toBeGreaterThan(0);
    expect(undici).toEqual([]);
    expect(net).toEqual([]);
  });
});
