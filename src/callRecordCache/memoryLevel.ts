/**
 * The in-process level: a least-recently-used map bounded by entries and by bytes of JSON, with an index from a
 * record to its entries so that one record (every version of it) can be dropped at once. A Map keeps insertion
 * order, so re-inserting on each hit makes its first key the least recently used.
 */

export interface MemoryLevelLimits {
  /** Entries held at most; 0 holds nothing. */
  maxEntries: number;
  /** Sum of the entries' sizes (bytes of their JSON) held at most. */
  maxBytes: number;
}

interface Slot<V> {
  record: string;
  value: V;
  bytes: number;
}

export class MemoryLevel<V> {
  private readonly slots = new Map<string, Slot<V>>();
  private readonly byRecord = new Map<string, Set<string>>();
  private bytes = 0;

  /** `onDrop` hears of each entry pushed out to make room (not of deletions asked for). */
  constructor(
    private readonly limits: MemoryLevelLimits,
    private readonly onDrop: () => void = () => undefined,
  ) {
    if (!(limits.maxEntries >= 0) || !(limits.maxBytes > 0))
      throw new RangeError(`a memory level needs maxEntries >= 0 and maxBytes > 0, got ${limits.maxEntries} and ${limits.maxBytes}`);
  }

  get size(): number {
    return this.slots.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  get(record: string, field: string): V | undefined {
    const key = slotKey(record, field);
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot.value;
  }

  /** Stores a value of `bytes`; one larger than the whole level is not kept (it would push everything out). */
  set(record: string, field: string, value: V, bytes: number): void {
    const key = slotKey(record, field);
    this.remove(key);
    if (this.limits.maxEntries === 0 || bytes > this.limits.maxBytes) return;
    this.slots.set(key, { record, value, bytes });
    this.bytes += bytes;
    let fields = this.byRecord.get(record);
    if (!fields) this.byRecord.set(record, (fields = new Set()));
    fields.add(key);
    while (this.slots.size > this.limits.maxEntries || this.bytes > this.limits.maxBytes) {
      const oldest = this.slots.keys().next().value as string;
      this.remove(oldest);
      this.onDrop();
    }
  }

  /** Drops every entry of a record; returns how many there were. */
  deleteRecord(record: string): number {
    const fields = this.byRecord.get(record);
    if (!fields) return 0;
    const count = fields.size;
    for (const key of [...fields]) this.remove(key);
    return count;
  }

  private remove(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    this.bytes -= slot.bytes;
    const fields = this.byRecord.get(slot.record);
    fields?.delete(key);
    if (fields?.size === 0) this.byRecord.delete(slot.record);
  }
}

function slotKey(record: string, field: string): string {
  return `${record}\u0000${field}`;
}
