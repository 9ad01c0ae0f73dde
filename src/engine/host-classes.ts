// Host classes the engine limits separately: computes (at most `max_parallel_computes` of them busy at
// once), every other machine, and the cloud's APIs. Derived from the plan alone, so a plan read back
// from the journal schedules exactly like the one the planner produced.

import { CLOUD, type Plan } from '../plan/types.js';

const COMPUTE_KINDS = new Set(['disable-compute', 'enable-compute', 'drain-compute', 'retarget-compute']);

/** Hosts that run nova-compute according to their steps. */
export function computeHosts(plan: Plan): Set<string> {
  const out = new Set<string>();
  for (const s of plan.steps) {
    if (s.host === CLOUD || out.has(s.host)) continue;
    const a = s.action;
    if (COMPUTE_KINDS.has(a.kind) || ('services' in a && a.services.includes('nova-compute')))
      out.add(s.host);
  }
  return out;
}
