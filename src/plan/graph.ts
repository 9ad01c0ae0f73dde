// The plan's DAG as flat typed arrays, built once per plan. The checker asks hundreds of thousands of
// ordering questions on plans of 100k steps, so everything here is allocation-free per query and
// linear (or pruned) per traversal.

import type { Plan, Step } from './types.js';

export interface PlanGraph {
  readonly steps: readonly Step[];
  /** Step id → index of its first occurrence in `steps`. */
  readonly index: Map<string, number>;
  /** CSR successors: the steps that name step v in `after` are `succTargets[succOffsets[v] .. succOffsets[v+1])`. */
  readonly succOffsets: Int32Array;
  readonly succTargets: Int32Array;
  /** CSR predecessors: step v's resolved `after` entries. */
  readonly predOffsets: Int32Array;
  readonly predTargets: Int32Array;
  /** A topological order (Kahn, ties broken by step index); cyclic steps come last in index order. */
  readonly order: Int32Array;
  /** Position of each step in `order`: a ⇝ b implies pos[a] < pos[b]. */
  readonly pos: Int32Array;
  /** Interned host of each step: `reaches` follows the target's host first. */
  readonly hostId: Int32Array;
  readonly acyclic: boolean;
  /** Scratch space reused by traversals (generation-stamped, so no clearing per query). */
  readonly scratch: Scratch;
}

interface Scratch {
  stamp: Uint32Array;
  gen: number;
  stack: Int32Array;
}

export interface GraphProblem {
  kind: 'duplicate-id' | 'unknown-after' | 'cycle';
  message: string;
  steps: readonly string[];
}

// Plans are immutable data (planUpgrade freezes its steps), and the estimate, the checker and the
// renderers all need the same graph: build it once per steps array.
const built = new WeakMap<readonly Step[], { graph: PlanGraph; problems: readonly GraphProblem[] }>();

export function buildGraph(plan: Pick<Plan, 'steps'>): {
  graph: PlanGraph;
  problems: readonly GraphProblem[];
} {
  const cached = built.get(plan.steps);
  if (cached !== undefined) return cached;
  const result = buildGraphOnce(plan.steps);
  built.set(plan.steps, result);
  return result;
}

/**
 * Registers the graph of steps whose dependencies were resolved as they were built (the planner's
 * builder): every predecessor precedes its step in `steps`, so the insertion order is the topological
 * order and nothing needs re-hashing or sorting.
 */
export function adoptGraph(
  steps: readonly Step[],
  index: Map<string, number>,
  predOffsets: Int32Array,
  predTargets: Int32Array,
  hostId: Int32Array,
): void {
  const n = steps.length;
  const outDeg = new Int32Array(n + 1);
  for (let e = 0; e < predTargets.length; e++) {
    const from = predTargets[e]!;
    if (from >= n) throw new Error(`adoptGraph: predecessor ${from} out of range`);
    outDeg[from]!++;
  }
  const succOffsets = prefixSums(outDeg, n);
  const succTargets = new Int32Array(predTargets.length);
  const succFill = succOffsets.slice(0, n);
  for (let to = 0; to < n; to++) {
    for (let e = predOffsets[to]!; e < predOffsets[to + 1]!; e++) {
      const from = predTargets[e]!;
      if (from >= to) throw new Error(`adoptGraph: step ${steps[to]!.id} depends on a later step`);
      succTargets[succFill[from]!++] = to;
    }
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const graph = withScratch({
    steps,
    index,
    succOffsets,
    succTargets,
    predOffsets,
    predTargets,
    order,
    pos: order,
    hostId,
    acyclic: true,
  });
  built.set(steps, { graph, problems: [] });
}

function buildGraphOnce(steps: readonly Step[]): { graph: PlanGraph; problems: GraphProblem[] } {
  const n = steps.length;
  const problems: GraphProblem[] = [];
  const index = new Map<string, number>();
  const hostIds = new Map<string, number>();
  const hostId = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = steps[i]!;
    if (index.has(s.id)) {
      problems.push({
        kind: 'duplicate-id',
        message: `step id ${s.id} is used more than once`,
        steps: [s.id],
      });
    } else {
      index.set(s.id, i);
    }
    let h = hostIds.get(s.host);
    if (h === undefined) {
      h = hostIds.size;
      hostIds.set(s.host, h);
    }
    hostId[i] = h;
  }

  // Resolve `after` once into a flat edge list, counting degrees for the CSR layout.
  let edgeCount = 0;
  for (const s of steps) edgeCount += s.after.length;
  const edgeFrom = new Int32Array(edgeCount);
  const edgeTo = new Int32Array(edgeCount);
  const outDeg = new Int32Array(n + 1);
  const inDeg = new Int32Array(n + 1);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const s = steps[i]!;
    for (const dep of s.after) {
      const j = index.get(dep);
      if (j === undefined) {
        problems.push({
          kind: 'unknown-after',
          message: `step ${s.id} runs after ${dep}, which is not a step of the plan`,
          steps: [s.id],
        });
        continue;
      }
      edgeFrom[m] = j;
      edgeTo[m] = i;
      m++;
      outDeg[j]!++;
      inDeg[i]!++;
    }
  }
  const succOffsets = prefixSums(outDeg, n);
  const predOffsets = prefixSums(inDeg, n);
  const succTargets = new Int32Array(m);
  const predTargets = new Int32Array(m);
  const succFill = succOffsets.slice(0, n);
  const predFill = predOffsets.slice(0, n);
  // Edges were produced in increasing target index, so every successor list is sorted by index.
  for (let e = 0; e < m; e++) {
    const from = edgeFrom[e]!;
    const to = edgeTo[e]!;
    succTargets[succFill[from]!++] = to;
    predTargets[predFill[to]!++] = from;
  }

  const { order, placed } = kahn(n, succOffsets, succTargets, predOffsets);
  const acyclic = placed === n;
  const pos = new Int32Array(n);
  for (let k = 0; k < n; k++) pos[order[k]!] = k;
  if (!acyclic) {
    const cycle = findCycle(order, placed, pos, predOffsets, predTargets);
    problems.push({
      kind: 'cycle',
      message: `the steps form a cycle: ${cycle.map((v) => steps[v]!.id).join(' → ')} → ${steps[cycle[0]!]!.id} (${n - placed} steps cannot be ordered)`,
      steps: cycle.map((v) => steps[v]!.id),
    });
  }

  const graph = withScratch({
    steps,
    index,
    succOffsets,
    succTargets,
    predOffsets,
    predTargets,
    order,
    pos,
    hostId,
    acyclic,
  });
  return { graph, problems };
}

/** The traversal scratch space every graph carries, sized for its steps. */
function withScratch(g: Omit<PlanGraph, 'scratch'>): PlanGraph {
  const n = g.steps.length;
  return { ...g, scratch: { stamp: new Uint32Array(n), gen: 0, stack: new Int32Array(n + 1) } };
}

function prefixSums(deg: Int32Array, n: number): Int32Array {
  const off = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) off[i + 1] = off[i]! + deg[i]!;
  return off;
}

/** Kahn's algorithm with a min-heap of ready steps, so the order is the same for the same plan. */
function kahn(
  n: number,
  succOffsets: Int32Array,
  succTargets: Int32Array,
  predOffsets: Int32Array,
): { order: Int32Array; placed: number } {
  const indeg = new Int32Array(n);
  for (let i = 0; i < n; i++) indeg[i] = predOffsets[i + 1]! - predOffsets[i]!;
  const heap = new MinHeap(n);
  for (let i = 0; i < n; i++) if (indeg[i] === 0) heap.push(i);
  const order = new Int32Array(n);
  let placed = 0;
  while (heap.size > 0) {
    const v = heap.pop();
    order[placed++] = v;
    for (let k = succOffsets[v]!; k < succOffsets[v + 1]!; k++) {
      const t = succTargets[k]!;
      if (--indeg[t]! === 0) heap.push(t);
    }
  }
  // Steps on or behind a cycle go last, in index order, so `pos` stays defined for every step.
  if (placed < n) {
    let k = placed;
    for (let i = 0; i < n; i++) if (indeg[i]! > 0) order[k++] = i;
  }
  return { order, placed };
}

/**
 * Every unplaced step still has an unplaced predecessor, so walking unplaced predecessors from any
 * of them must revisit a step: the walk's loop is a cycle.
 */
function findCycle(
  order: Int32Array,
  placed: number,
  pos: Int32Array,
  predOffsets: Int32Array,
  predTargets: Int32Array,
): number[] {
  const seenAt = new Map<number, number>();
  const walk: number[] = [];
  let v = order[placed]!;
  while (!seenAt.has(v)) {
    seenAt.set(v, walk.length);
    walk.push(v);
    let next = -1;
    for (let k = predOffsets[v]!; k < predOffsets[v + 1]!; k++) {
      const p = predTargets[k]!;
      if (pos[p]! >= placed) {
        next = p;
        break;
      }
    }
    v = next;
  }
  // The walk went backwards along edges; reverse to name the cycle in execution direction.
  return walk.slice(seenAt.get(v)!).reverse();
}

class MinHeap {
  private readonly a: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.a = new Int32Array(Math.max(1, capacity));
  }
  push(x: number): void {
    const a = this.a;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= x) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }
  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const last = a[--this.size]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && a[c + 1]! < a[c]!) c++;
      if (a[c]! >= last) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

function nextGen(s: Scratch): number {
  if (s.gen === 0xffffffff) {
    s.stamp.fill(0);
    s.gen = 0;
  }
  return ++s.gen;
}

/**
 * Is a a strict ancestor of b (a ⇝ b)? Depth-first from a, never entering steps ordered after b
 * (they cannot lead to it), and trying successors on b's host first: plans are mostly per-host chains,
 * so a positive answer usually follows one host's chain straight to b.
 */
export function reaches(g: PlanGraph, a: number, b: number): boolean {
  const pos = g.pos;
  const pb = pos[b]!;
  if (a === b || pos[a]! >= pb) return false;
  const { succOffsets, succTargets, hostId } = g;
  const s = g.scratch;
  const gen = nextGen(s);
  const stamp = s.stamp;
  const stack = s.stack;
  const hb = hostId[b]!;
  let sp = 0;
  stack[sp++] = a;
  stamp[a] = gen;
  while (sp > 0) {
    const v = stack[--sp]!;
    const k0 = succOffsets[v]!;
    const k1 = succOffsets[v + 1]!;
    // Two passes: other hosts are pushed first so same-host successors are popped first.
    for (let k = k0; k < k1; k++) {
      const t = succTargets[k]!;
      if (t === b) return true;
      if (hostId[t] !== hb && pos[t]! < pb && stamp[t] !== gen) {
        stamp[t] = gen;
        stack[sp++] = t;
      }
    }
    for (let k = k0; k < k1; k++) {
      const t = succTargets[k]!;
      if (hostId[t] === hb && pos[t]! < pb && stamp[t] !== gen) {
        stamp[t] = gen;
        stack[sp++] = t;
      }
    }
  }
  return false;
}

/** Marks every strict descendant of a (steps that can only run after a). */
export function descendantsOf(g: PlanGraph, a: number): Uint8Array {
  const marks = new Uint8Array(g.steps.length);
  markFrom(g.succOffsets, g.succTargets, g.scratch.stack, a, marks);
  return marks;
}

/** Marks every strict ancestor of b (steps that must run before b). */
export function ancestorsOf(g: PlanGraph, b: number): Uint8Array {
  const marks = new Uint8Array(g.steps.length);
  markFrom(g.predOffsets, g.predTargets, g.scratch.stack, b, marks);
  return marks;
}

function markFrom(
  off: Int32Array,
  targets: Int32Array,
  queue: Int32Array,
  start: number,
  marks: Uint8Array,
): void {
  let head = 0;
  let tail = 0;
  queue[tail++] = start;
  while (head < tail) {
    const v = queue[head++]!;
    for (let k = off[v]!; k < off[v + 1]!; k++) {
      const t = targets[k]!;
      if (marks[t] === 0) {
        marks[t] = 1;
        queue[tail++] = t;
      }
    }
  }
}

/**
 * Pairs (x, y) with NOT x ⇝ y, at most `limit` of them (x === y counts as a violation).
 * "Every x before every y" holds iff every maximal x (no x among its descendants) is before every
 * minimal y (no y among its ancestors): if x fails y, some maximal x' ⪰ x fails some minimal y' ⪯ y.
 * So only (maximal x, minimal y) pairs are reported (the root causes, not every step downstream of
 * them), with one BFS per element of the smaller of the two sets.
 */
export function allBefore(
  g: PlanGraph,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  limit: number,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (xs.length === 0 || ys.length === 0 || limit <= 0) return out;
  const n = g.steps.length;
  const xList = dedupe(xs, n);
  const yList = dedupe(ys, n);
  const minimalY = extremes(g, yList, true);
  const maximalX = extremes(g, xList, false);
  const marks = new Uint8Array(n);
  if (minimalY.length <= maximalX.length) {
    for (const y of minimalY) {
      marks.fill(0);
      markFrom(g.predOffsets, g.predTargets, g.scratch.stack, y, marks);
      for (const x of maximalX) {
        if (marks[x] === 0) {
          out.push([x, y]);
          if (out.length >= limit) return out;
        }
      }
    }
  } else {
    for (const x of maximalX) {
      marks.fill(0);
      markFrom(g.succOffsets, g.succTargets, g.scratch.stack, x, marks);
      for (const y of minimalY) {
        if (marks[y] === 0) {
          out.push([x, y]);
          if (out.length >= limit) return out;
        }
      }
    }
  }
  return out;
}

function dedupe(xs: ArrayLike<number>, n: number): number[] {
  const seen = new Uint8Array(n);
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (seen[x] === 0) {
      seen[x] = 1;
      out.push(x);
    }
  }
  return out;
}

/**
 * Minimal members of `set` (no member among their ancestors) when `minimal`, else maximal ones
 * (no member among their descendants): one pass over the topological order.
 */
function extremes(g: PlanGraph, set: readonly number[], minimal: boolean): number[] {
  const n = g.steps.length;
  if (set.length === 1) return set.slice();
  const inSet = new Uint8Array(n);
  for (const v of set) inSet[v] = 1;
  // covered[v]: some member is a strict ancestor (minimal) / descendant (maximal) of v.
  const covered = new Uint8Array(n);
  const { order } = g;
  const off = minimal ? g.succOffsets : g.predOffsets;
  const targets = minimal ? g.succTargets : g.predTargets;
  for (let k = 0; k < n; k++) {
    const v = order[minimal ? k : n - 1 - k]!;
    if (inSet[v] === 0 && covered[v] === 0) continue;
    for (let e = off[v]!; e < off[v + 1]!; e++) covered[targets[e]!] = 1;
  }
  return set.filter((v) => covered[v] === 0);
}

/** Earliest start of every step with every step at `durations[i]`: the longest path over the order. */
export function earliestStart(g: PlanGraph, durations: ArrayLike<number>): Float64Array {
  const n = g.steps.length;
  const start = new Float64Array(n);
  const { order, succOffsets, succTargets } = g;
  for (let k = 0; k < n; k++) {
    const v = order[k]!;
    const end = start[v]! + (durations[v] ?? 0);
    for (let e = succOffsets[v]!; e < succOffsets[v + 1]!; e++) {
      const t = succTargets[e]!;
      if (start[t]! < end) start[t] = end;
    }
  }
  return start;
}

/**
 * Whether one of `candidates` precedes every step of `ys`. Returns [] when one does; otherwise the
 * violations of the first candidate (at most `limit`), to name what breaks.
 */
export function someBeforeAll(
  g: PlanGraph,
  candidates: readonly number[],
  ys: readonly number[],
  limit: number,
): Array<[number, number]> {
  let first: Array<[number, number]> | undefined;
  for (const c of candidates) {
    const bad = allBefore(g, [c], ys, limit);
    if (bad.length === 0) return [];
    first ??= bad;
  }
  return first ?? [];
}
