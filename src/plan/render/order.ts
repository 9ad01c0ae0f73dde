// A deterministic topological order of a plan's steps (Kahn's algorithm, ties broken by the steps'
// position in the plan), so renderings follow the DAG and stay byte-identical for the same plan. The
// renderers do not depend on the checker: an unknown `after` id is ignored, and steps caught in a cycle
// are appended in plan order (the checker reports the cycle; a view must still be printable).

import type { Step } from '../types.js';

/** A binary min-heap of step indices. */
class IndexHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(v: number): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= v) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

export interface StepIndex {
  /** Step indices in topological order. */
  order: number[];
  /** Position of each step (by index) in `order`. */
  position: Int32Array;
  /** Predecessors of each step (by index), unknown ids dropped. */
  preds: number[][];
  byId: Map<string, number>;
}

export function indexSteps(steps: readonly Step[]): StepIndex {
  const n = steps.length;
  const byId = new Map<string, number>();
  steps.forEach((s, i) => {
    if (!byId.has(s.id)) byId.set(s.id, i);
  });
  const preds: number[][] = new Array(n);
  const succs: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Int32Array(n);
  for (let i = 0; i < n; i += 1) {
    const ps: number[] = [];
    for (const id of new Set(steps[i]!.after)) {
      const p = byId.get(id);
      if (p === undefined || p === i) continue;
      ps.push(p);
      succs[p]!.push(i);
      indegree[i]! += 1;
    }
    preds[i] = ps;
  }
  const heap = new IndexHeap();
  for (let i = 0; i < n; i += 1) if (indegree[i] === 0) heap.push(i);
  const order: number[] = [];
  const placed = new Uint8Array(n);
  while (heap.size > 0) {
    const i = heap.pop();
    order.push(i);
    placed[i] = 1;
    for (const s of succs[i]!) {
      indegree[s]! -= 1;
      if (indegree[s] === 0) heap.push(s);
    }
  }
  for (let i = 0; i < n; i += 1) if (placed[i] === 0) order.push(i);
  const position = new Int32Array(n);
  order.forEach((stepIndex, pos) => {
    position[stepIndex] = pos;
  });
  return { order, position, preds, byId };
}
