// Collects violations with a cap per invariant, so the checker of a plan broken on every compute
// stays fast and its output readable.

import type { Violation } from './types.js';

export class Reporter {
  readonly violations: Violation[] = [];
  private readonly counts = new Map<string, number>();
  private readonly cap: number;

  constructor(cap: number) {
    this.cap = cap;
  }

  add(invariant: string, message: string, steps: readonly string[]): void {
    const count = (this.counts.get(invariant) ?? 0) + 1;
    this.counts.set(invariant, count);
    if (count <= this.cap) this.violations.push({ invariant, message, steps });
  }

  /**
   * Whether further violations of this invariant would only be counted: lets costly checks stop early.
   * It turns true one past the cap, so `suppressed` shows that more exist even where a check stopped.
   */
  full(invariant: string): boolean {
    return (this.counts.get(invariant) ?? 0) > this.cap;
  }

  /** How many violations went unlisted, per invariant: a lower bound where a check stopped early. */
  suppressed(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, count] of this.counts) if (count > this.cap) out[id] = count - this.cap;
    return out;
  }
}
