import { describe, expect, it } from 'vitest';
import { MemoryLevel } from '../../src/callRecordCache/memoryLevel.js';

describe('the in-process call-record cache level', () => {
  it('pushes out the least recently used entry past its entry bound, and counts it', () => {
    let dropped = 0;
    const level = new MemoryLevel<string>({ maxEntries: 2, maxBytes: 1000 }, () => (dropped += 1));
    level.set('r1', 'a', 'A', 1);
    level.set('r2', 'a', 'B', 1);
    expect(level.get('r1', 'a')).toBe('A'); // r1 is now the most recently used
    level.set('r3', 'a', 'C', 1);
    expect(level.get('r2', 'a')).toBeUndefined();
    expect(level.get('r1', 'a')).toBe('A');
    expect(level.get('r3', 'a')).toBe('C');
    expect(dropped).toBe(1);
    expect(level.size).toBe(2);
  });

  it('pushes out entries until the bytes fit, and keeps no entry larger than the whole level', () => {
    const level = new MemoryLevel<string>({ maxEntries: 100, maxBytes: 10 }, () => undefined);
    level.set('r1', 'a', 'A', 4);
    level.set('r2', 'a', 'B', 4);
    level.set('r3', 'a', 'C', 4);
    expect(level.totalBytes).toBe(8);
    expect(level.get('r1', 'a')).toBeUndefined();
    level.set('r4', 'a', 'D', 11);
    expect(level.get('r4', 'a')).toBeUndefined();
    expect(level.totalBytes).toBe(8);
  });

  it('replaces an entry set twice without counting it twice', () => {
    const level = new MemoryLevel<string>({ maxEntries: 10, maxBytes: 100 });
    level.set('r1', 'a', 'old', 3);
    level.set('r1', 'a', 'new', 5);
    expect(level.get('r1', 'a')).toBe('new');
    expect(level.size).toBe(1);
    expect(level.totalBytes).toBe(5);
  });

  it('drops every entry of one record at once, and only those', () => {
    const level = new MemoryLevel<string>({ maxEntries: 10, maxBytes: 100 });
    level.set('r1', 'v1:sessions', 'S1', 1);
    level.set('r1', 'v2:sessions', 'S2', 1);
    level.set('r1', 'record', 'R', 1);
    level.set('r2', 'record', 'R2', 1);
    expect(level.deleteRecord('r1')).toBe(3);
    expect(level.deleteRecord('r1')).toBe(0);
    expect(level.get('r2', 'record')).toBe('R2');
    expect(level.size).toBe(1);
    expect(level.totalBytes).toBe(1);
  });

  it('holds nothing with an entry bound of 0', () => {
    const level = new MemoryLevel<string>({ maxEntries: 0, maxBytes: 100 });
    level.set('r1', 'a', 'A', 1);
    expect(level.get('r1', 'a')).toBeUndefined();
    expect(level.size).toBe(0);
  });

  it('refuses bounds it cannot keep, naming them', () => {
    expect(() => new MemoryLevel({ maxEntries: -1, maxBytes: 100 })).toThrow(/maxEntries >= 0 and maxBytes > 0, got -1 and 100/);
  });
});
