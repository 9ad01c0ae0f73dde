// The scheduler's view of one Nova deployment: enabled, up computes ordered by free RAM (the Icehouse
// RAM weigher spreads instances to the host with the most free memory; ties go to the first host in
// inventory order). An indexed binary heap, so picking and updating a host is O(log n), and the free
// capacity of the whole deployment is kept as a running sum for the capacity check.

export class Placement {
  private readonly heap: number[] = [];
  private readonly pos: Int32Array;
  private readonly key: Float64Array;
  /** Free MB summed over members. */
  freeMb = 0;
  /** Instance slots of `slotMb` free, summed over members. */
  freeSlots = 0;

  constructor(
    hostCount: number,
    private readonly slotMb: number,
  ) {
    this.pos = new Int32Array(hostCount).fill(-1);
    this.key = new Float64Array(hostCount);
  }

  get size(): number {
    return this.heap.length;
  }

  has(h: number): boolean {
    return this.pos[h]! >= 0;
  }

  /** Free capacity of the members other than `hosts` (the batch about to be disabled). */
  without(hosts: readonly number[]): { freeMb: number; freeSlots: number; size: number } {
    let { freeMb, freeSlots } = this;
    let size = this.heap.length;
    for (const h of new Set(hosts)) {
      if (!this.has(h)) continue;
      const free = this.key[h]!;
      freeMb -= free;
      freeSlots -= Math.floor(free / this.slotMb);
      size--;
    }
    return { freeMb, freeSlots, size };
  }

  /** Adds, updates or removes host `h` with `free` MB. */
  set(h: number, member: boolean, free: number): void {
    if (!member) {
      if (this.has(h)) this.remove(h);
      return;
    }
    if (!this.has(h)) {
      this.key[h] = free;
      this.account(free, 1);
      this.pos[h] = this.heap.length;
      this.heap.push(h);
      this.up(this.heap.length - 1);
      return;
    }
    const old = this.key[h]!;
    if (old === free) return;
    this.account(old, -1);
    this.account(free, 1);
    this.key[h] = free;
    const i = this.pos[h]!;
    if (free > old) this.up(i);
    else this.down(i);
  }

  /** The host with the most free RAM other than `except`, if it has at least `needMb` free. */
  best(needMb: number, except = -1): number | undefined {
    const h = this.heap;
    let cand = h[0];
    if (cand === except) {
      const a = h[1];
      const b = h[2];
      cand = a === undefined ? b : b === undefined ? a : this.before(a, b) ? a : b;
    }
    if (cand === undefined || this.key[cand]! < needMb) return undefined;
    return cand;
  }

  private account(free: number, sign: 1 | -1): void {
    this.freeMb += sign * free;
    this.freeSlots += sign * Math.floor(free / this.slotMb);
  }

  private remove(h: number): void {
    const i = this.pos[h]!;
    this.account(this.key[h]!, -1);
    const last = this.heap.pop()!;
    this.pos[h] = -1;
    if (last === h) return;
    this.heap[i] = last;
    this.pos[last] = i;
    this.up(i);
    this.down(this.pos[last]!);
  }

  private before(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka > kb || (ka === kb && a < b);
  }

  private up(i: number): void {
    const h = this.heap;
    const x = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(x, h[p]!)) break;
      h[i] = h[p]!;
      this.pos[h[i]!] = i;
      i = p;
    }
    h[i] = x;
    this.pos[x] = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const x = h[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= h.length) break;
      if (c + 1 < h.length && this.before(h[c + 1]!, h[c]!)) c++;
      if (!this.before(h[c]!, x)) break;
      h[i] = h[c]!;
      this.pos[h[i]!] = i;
      i = c;
    }
    h[i] = x;
    this.pos[x] = i;
  }
}
