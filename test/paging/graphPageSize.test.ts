import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphPageSize } from '../../src/paging/callRecordsConnection.js';
import { startStack, type Stack } from '../helpers/stack.js';

describe('graphPageSize', () => {
  it('asks for the whole page when Graph allows it', () => {
    expect([1, 20, 60].map(graphPageSize)).toEqual([1, 20, 60]);
  });

  it('splits a larger page evenly over the fewest Graph pages', () => {
    expect([100, 90, 120, 180].map(graphPageSize)).toEqual([50, 45, 60, 60]);
  });

  it("falls back to Graph's largest page when no even split exists", () => {
    expect([61, 99, 97].map(graphPageSize)).toEqual([60, 60, 60]);
  });
});

describe('paging with first: 100', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      simulator: { callRecordCount: 500, now: '2026-11-20T12:00:00Z', throttle: { callRecordsList: { limit: 10_000, windowMs: 20_000 } } },
    });
  });
  afterAll(() => stack.stop());

  it('costs two list requests a page, later pages included, fetching no record twice', async () => {
    const query = 'query($after: String) { callRecords(first: 100, after: $after) { nodes { id } pageInfo { endCursor } } }';
    type Page = { callRecords: { nodes: Array<{ id: string }>; pageInfo: { endCursor: string } } };
    let after: string | null = null;
    const seen = new Set<string>();
    for (let page = 0; page < 3; page++) {
      const result: { data?: Page | null } = await stack.query<Page>(query, { after });
      for (const node of result.data?.callRecords.nodes ?? []) seen.add(node.id);
      after = result.data?.callRecords.pageInfo.endCursor ?? null;
    }
    expect(seen.size).toBe(300);
    const lists = stack.simulator.control.log().filter((e) => e.route === 'callRecords.list');
    expect(lists).toHaveLength(6);
    expect(lists.every((e) => e.status === 200)).toBe(true);
  });
});
