// Keyed on/off windows over virtual time (an API down, a compute without control, two Nova releases
// side by side): totals, the longest single window, how many keys were ever on and at most at once.

export class Windows {
  private readonly open = new Map<string, number>();
  /** Closed windows, in order, when `keepHistory` (for overlaps with other windows). */
  readonly history: [key: string, start: number, end: number][] = [];
  private closedMs = 0;
  private longestClosedMs = 0;
  readonly keys = new Set<string>();
  mostAtOnce = 0;

  constructor(private readonly keepHistory = false) {}

  isOpen(key: string): boolean {
    return this.open.has(key);
  }

  get openCount(): number {
    return this.open.size;
  }

  set(key: string, on: boolean, at: number): void {
    const since = this.open.get(key);
    if (on && since === undefined) {
      this.open.set(key, at);
      this.keys.add(key);
      this.mostAtOnce = Math.max(this.mostAtOnce, this.open.size);
    } else if (!on && since !== undefined) {
      this.open.delete(key);
      const d = at - since;
      this.closedMs += d;
      this.longestClosedMs = Math.max(this.longestClosedMs, d);
      if (this.keepHistory) this.history.push([key, since, at]);
    }
  }

  totalMs(now: number, key?: string): number {
    if (key !== undefined) {
      let sum = 0;
      for (const [k, s, e] of this.history) if (k === key) sum += e - s;
      const since = this.open.get(key);
      return sum + (since === undefined ? 0 : now - since);
    }
    let sum = this.closedMs;
    for (const since of this.open.values()) sum += now - since;
    return sum;
  }

  /** The windows of `key` (needs `keepHistory`), the open one ending `now`. */
  windowsOf(key: string, now: number): { start: number; end: number }[] {
    const out = this.history.filter(([k]) => k === key).map(([, start, end]) => ({ start, end }));
    const since = this.open.get(key);
    if (since !== undefined) out.push({ start: since, end: now });
    return out;
  }

  longestMs(now: number): number {
    let longest = this.longestClosedMs;
    for (const since of this.open.values()) longest = Math.max(longest, now - since);
    return longest;
  }

  /** Milliseconds `key` was on within [from, to] (needs `keepHistory`). */
  overlapMs(key: string, from: number, to: number): number {
    let sum = 0;
    const add = (s: number, e: number) => {
      const d = Math.min(e, to) - Math.max(s, from);
      if (d > 0) sum += d;
    };
    for (const [k, s, e] of this.history) if (k === key) add(s, e);
    const since = this.open.get(key);
    if (since !== undefined) add(since, to);
    return sum;
  }
}
