import { describe, expect, it } from 'vitest';
import { formatSummary, summarize, type CallFrame, type CpuProfile, type HeapProfile } from '../../bench/lib/profiles.js';

const frame = (functionName: string, url: string): CallFrame => ({ functionName, url, lineNumber: 9 });
const ROOT = frame('(root)', '');
const HANDLER = frame('handle', 'file:///app/src/http/graphqlHandler.ts');
const PARSE = frame('parse', 'file:///app/node_modules/graphql/language/parser.js');
const IDLE = frame('(idle)', '');

describe('bench profile summaries', () => {
  it('a CPU profile: self time by area and function, inclusive time as a share of busy time', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: ROOT, children: [2, 4] },
        { id: 2, callFrame: HANDLER, children: [3] },
        { id: 3, callFrame: PARSE },
        { id: 4, callFrame: IDLE },
      ],
      // handler alone 100 µs, parse under it 300 µs, idle 600 µs.
      samples: [2, 3, 3, 4],
      timeDeltas: [100, 100, 200, 600],
    };
    const s = summarize(profile);
    expect(s.kind).toBe('cpu');
    expect(s.total).toBe(1000);
    expect(s.busy).toBe(400);
    expect(s.byArea).toEqual([
      ['(vm)', 600],
      ['graphql', 300],
      ['src/http', 100],
    ]);
    expect(s.bySelf[1]).toEqual(['parse  graphql:10', 300]);
    // The handler covers its own time and parse's: all of the busy time.
    expect(s.byInclusive).toEqual([
      ['handle  src/http/graphqlHandler.ts:10', 400],
      ['parse  graphql:10', 300],
    ]);
    const text = formatSummary('s3.cpuprofile', s, 5);
    expect(text).toContain('s3.cpuprofile: 0.0 s sampled');
    expect(text).toContain('100.0%  handle  src/http/graphqlHandler.ts:10');
  });

  it('a heap profile: bytes allocated by the function that allocated them and below each function', () => {
    const profile: HeapProfile = {
      head: {
        callFrame: ROOT,
        selfSize: 0,
        children: [{ callFrame: HANDLER, selfSize: 1024, children: [{ callFrame: PARSE, selfSize: 3072 }] }],
      },
    };
    const s = summarize(profile);
    expect(s.kind).toBe('heap');
    expect(s.total).toBe(4096);
    expect(s.bySelf).toEqual([
      ['parse  graphql:10', 3072],
      ['handle  src/http/graphqlHandler.ts:10', 1024],
    ]);
    expect(s.byInclusive[0]).toEqual(['handle  src/http/graphqlHandler.ts:10', 4096]);
    expect(formatSummary('s3.heapprofile', s, 5)).toContain('75.0%  parse  graphql:10');
  });

  it('a heap profile deeper than the JS stack is summarized, not a stack overflow', () => {
    let node = { callFrame: PARSE, selfSize: 8, children: [] as HeapProfile['head'][] };
    const leaf = node;
    for (let i = 0; i < 20_000; i++) node = { callFrame: HANDLER, selfSize: 0, children: [node] };
    const s = summarize({ head: node });
    expect(s.total).toBe(leaf.selfSize);
  });
});
