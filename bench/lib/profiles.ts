/**
 * Summaries of the profiles `npm run bench -- --profile` writes: a `.cpuprofile` (time per sample) or, with
 * BENCH_PROFILE=heap, a `.heapprofile` (bytes allocated per call stack, sampled). Both become a list of call stacks
 * with a weight, summarized alike: self weight by area (product folder, package, node internals) and by function,
 * and inclusive weight by function (each stack counts once for every distinct function on it).
 */

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

/** A node of V8's CPU profile: its tree is given by ids. */
interface CpuNode {
  id: number;
  children?: number[];
  callFrame: CallFrame;
}

export interface CpuProfile {
  nodes: CpuNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A node of V8's sampling heap profile: its tree is nested. */
export interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children?: HeapNode[];
}

export interface HeapProfile {
  head: HeapNode;
}

/** One call stack, leaf first, and what was spent at its leaf (µs or bytes). */
interface WeightedStack {
  frames: CallFrame[];
  weight: number;
}

export function isHeapProfile(profile: unknown): profile is HeapProfile {
  return typeof profile === 'object' && profile !== null && 'head' in profile;
}

export function area(url: string): string {
  if (url === '') return '(vm)';
  if (url.startsWith('node:')) return 'node';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] as string;
  const src = /\/(src|bench)\/(.*)$/.exec(url);
  return src ? `${src[1]}/${src[2]}` : url;
}

function keyOf(frame: CallFrame): string {
  return `${frame.functionName || '(anonymous)'}  ${area(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
}

function cpuStacks(profile: CpuProfile): WeightedStack[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const stacks: WeightedStack[] = [];
  for (const [id, weight] of self) {
    const frames: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node) frames.push(node.callFrame);
    }
    if (frames.length > 0) stacks.push({ frames, weight });
  }
  return stacks;
}

function heapStacks(profile: HeapProfile): WeightedStack[] {
  const stacks: WeightedStack[] = [];
  // Iterative, each node linked to its caller: allocation trees under deep recursion are deeper than the JS stack
  // allows, and copying the stack at every node would be quadratic in their depth.
  interface Visit {
    node: HeapNode;
    caller: Visit | undefined;
  }
  const pending: Visit[] = [{ node: profile.head, caller: undefined }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    if (visit.node.selfSize > 0) {
      const frames: CallFrame[] = [];
      for (let at: Visit | undefined = visit; at !== undefined; at = at.caller) frames.push(at.node.callFrame);
      stacks.push({ frames, weight: visit.node.selfSize });
    }
    for (const child of visit.node.children ?? []) pending.push({ node: child, caller: visit });
  }
  return stacks;
}

export interface ProfileSummary {
  kind: 'cpu' | 'heap';
  /** µs sampled (idle included) or bytes allocated. */
  total: number;
  /** µs not idle; the bytes again for a heap profile. */
  busy: number;
  byArea: Array<[string, number]>;
  bySelf: Array<[string, number]>;
  byInclusive: Array<[string, number]>;
}

/** Sorted summaries of a CPU or heap profile; product folders are grouped by their first level under src/. */
export function summarize(profile: CpuProfile | HeapProfile): ProfileSummary {
  const heap = isHeapProfile(profile);
  const stacks = heap ? heapStacks(profile) : cpuStacks(profile);
  const byArea = new Map<string, number>();
  const bySelf = new Map<string, number>();
  const byInclusive = new Map<string, number>();
  let total = 0;
  let busy = 0;
  for (const { frames, weight } of stacks) {
    const leaf = frames[0] as CallFrame;
    total += weight;
    const where = area(leaf.url);
    const group = where.startsWith('src/') ? `src/${where.split('/')[1] ?? ''}` : where;
    byArea.set(group, (byArea.get(group) ?? 0) + weight);
    bySelf.set(keyOf(leaf), (bySelf.get(keyOf(leaf)) ?? 0) + weight);
    if (leaf.functionName === '(idle)') continue;
    busy += weight;
    const seen = new Set<string>();
    for (const frame of frames) {
      // V8's own entries ((root), (program), runMicrotasks) have no script and would cover everything.
      if (frame.url === '') continue;
      const k = keyOf(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      byInclusive.set(k, (byInclusive.get(k) ?? 0) + weight);
    }
  }
  const sorted = (m: Map<string, number>): Array<[string, number]> => [...m].sort((a, b) => b[1] - a[1]);
  return { kind: heap ? 'heap' : 'cpu', total, busy, byArea: sorted(byArea), bySelf: sorted(bySelf), byInclusive: sorted(byInclusive) };
}

/** The summary as the text `bench/profile.ts` prints: shares of the total (self) and of busy time (inclusive). */
export function formatSummary(name: string, s: ProfileSummary, top: number): string {
  const share = (part: number, whole: number): string => `${((100 * part) / Math.max(whole, 1)).toFixed(1).padStart(5)}%`;
  const lines =
    s.kind === 'cpu'
      ? [`${name}: ${(s.total / 1e6).toFixed(1)} s sampled`, 'self time by area:']
      : [`${name}: ${(s.total / 2 ** 20).toFixed(1)} MiB allocated (sampled, collected objects included)`, 'bytes allocated by area:'];
  for (const [k, w] of s.byArea.slice(0, 15)) lines.push(`  ${share(w, s.total)}  ${k}`);
  lines.push(`top ${top} functions by ${s.kind === 'cpu' ? 'self time' : 'bytes they allocated'}:`);
  for (const [k, w] of s.bySelf.slice(0, top)) lines.push(`  ${share(w, s.total)}  ${k}`);
  lines.push(
    s.kind === 'cpu'
      ? `top ${top} functions by inclusive time, share of busy (non-idle) time ${(s.busy / 1e6).toFixed(1)} s:`
      : `top ${top} functions by bytes allocated below them:`,
  );
  for (const [k, w] of s.byInclusive.slice(0, top)) lines.push(`  ${share(w, s.busy)}  ${k}`);
  return lines.join('\n');
}
