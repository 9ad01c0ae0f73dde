// The schedule Ansible's `serial` would give the same plan, as the baseline for the engine's: phases one
// after another; in each, the cloud-API steps one by one, then the machines in fixed batches — the
// plan's own batches where it has them (Ansible's `serial: [1, 5, "20%"]` ramps the same way), else
// `serial` hosts at a time; a batch runs its hosts' steps in lockstep (each task waits for the slowest
// host: the linear strategy) and the next batch starts when the whole batch is done.

import { CLOUD, type Plan } from '../../src/plan/types.js';

export function fixedBatchMakespan(plan: Plan, serial: number): number {
  let total = 0;
  for (const phase of plan.phases) {
    const steps = plan.steps.filter((s) => s.phase === phase.id);
    for (const s of steps) if (s.host === CLOUD) total += s.estimate_s;
    const chains = new Map<string, number[]>();
    const batchOf = new Map<string, number>();
    for (const s of steps) {
      if (s.host === CLOUD) continue;
      const chain = chains.get(s.host) ?? [];
      chain.push(s.estimate_s);
      chains.set(s.host, chain);
      if (s.batch !== undefined) batchOf.set(s.host, s.batch);
    }
    const batches: number[][][] = [];
    const planned = new Map<number, number[][]>();
    const loose: number[][] = [];
    for (const [host, chain] of chains) {
      const b = batchOf.get(host);
      if (b === undefined) loose.push(chain);
      else planned.set(b, [...(planned.get(b) ?? []), chain]);
    }
    for (const b of [...planned.keys()].sort((x, y) => x - y)) batches.push(planned.get(b)!);
    for (let i = 0; i < loose.length; i += serial) batches.push(loose.slice(i, i + serial));
    for (const batch of batches) {
      const tasks = Math.max(...batch.map((c) => c.length));
      for (let k = 0; k < tasks; k++) total += Math.max(...batch.map((c) => c[k] ?? 0));
    }
  }
  return total;
}
