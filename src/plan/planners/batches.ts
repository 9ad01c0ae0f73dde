// Compute batch sizes from the canary ramp, as Ansible's `serial` list: each entry is a count or a
// percentage of all hosts, the last entry repeats, and no batch exceeds max_parallel_computes.

import type { CanaryStep } from '../../inventory/types.js';

export function batchSizes(total: number, ramp: readonly CanaryStep[], maxParallel: number): number[] {
  const sizes: number[] = [];
  const steps = ramp.length > 0 ? ramp : [maxParallel];
  let done = 0;
  for (let i = 0; done < total; i++) {
    const step = steps[Math.min(i, steps.length - 1)] as CanaryStep;
    const wanted = typeof step === 'number' ? step : Math.ceil((total * Number.parseFloat(step)) / 100);
    const size = Math.max(1, Math.min(wanted, maxParallel, total - done));
    sizes.push(size);
    done += size;
  }
  return sizes;
}

export function splitIntoBatches<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(items.slice(at, at + size));
    at += size;
  }
  return out;
}

/** Spreads `total` instances over `n` hosts deterministically (the first hosts take the remainder). */
export function instancesOn(index: number, n: number, total: number): number {
  if (n === 0) return 0;
  return Math.floor(total / n) + (index < total % n ? 1 : 0);
}
