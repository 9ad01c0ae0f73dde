// Which ready step to start first: the one with the longest chain of work still behind it (its
// "bottom level"). List scheduling by bottom level keeps the critical path busy, which is what brings
// the makespan close to max(critical path, work ÷ parallelism).

import type { PlanGraph } from '../plan/graph.js';

/** Longest estimated path (seconds) from the start of each step to the end of the plan. */
export function bottomLevels(g: PlanGraph): Float64Array {
  const n = g.steps.length;
  const level = new Float64Array(n);
  const { order, succOffsets, succTargets } = g;
  for (let k = n - 1; k >= 0; k--) {
    const v = order[k]!;
    let tail = 0;
    for (let e = succOffsets[v]!; e < succOffsets[v + 1]!; e++) {
      const t = level[succTargets[e]!]!;
      if (t > tail) tail = t;
    }
    level[v] = g.steps[v]!.estimate_s + tail;
  }
  return level;
}

/** Max-heap of step indices by priority, ties broken by plan order (lower index first). */
export class ReadyQueue {
  private readonly a: number[] = [];
  constructor(private readonly priority: Float64Array) {}

  get size(): number {
    return this.a.length;
  }

  peek(): number | undefined {
    return this.a[0];
  }

  push(v: number): void {
    const a = this.a;
    let i = a.length;
    a.push(v);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.higher(v, a[p]!)) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }

  pop(): number | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= a.length) break;
      if (c + 1 < a.length && this.higher(a[c + 1]!, a[c]!)) c++;
      if (!this.higher(a[c]!, last)) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }

  private higher(x: number, y: number): boolean {
    const px = this.priority[x]!;
    const py = this.priority[y]!;
    return px > py || (px === py && x < y);
  }
}
