// Invariants shared by every scenario about computes: a disabled compute is re-enabled, and no
// compute runs the new code before a conductor that speaks its RPC version (facts §3.3).

import { allBefore, reaches } from '../graph.js';
import type { Environment } from '../types.js';
import { isComputeSide, type Model, type Pair } from './model.js';
import type { Reporter } from './report.js';

export function checkReenabled(m: Model, r: Reporter): void {
  const id = 'compute.reenabled';
  const enables = m.perHost('enable-compute');
  for (const d of m.stepsOf('disable-compute')) {
    if (r.full(id)) return;
    const host = m.plan.steps[d]!.host;
    const es = enables.get(host) ?? [];
    if (!es.some((e) => reaches(m.g, d, e))) {
      r.add(id, `${m.id(d)} disables ${host} and no enable-compute of ${host} follows it`, [m.id(d)]);
    }
  }
}

/** First start of the pair on the target release in env `env`, or -1. */
export function firstNewStart(p: Pair, env?: Environment): number {
  // The pair's own environment at the start (a retarget moves a compute), not the step's label.
  for (const [k, s] of p.newStarts.entries()) if (env === undefined || p.newStartEnvs[k] === env) return s;
  return -1;
}

/**
 * Only the first start on new code of each pair matters: later restarts (after the unpin) find the
 * other side already upgraded, and comparing them would flag harmless concurrency.
 */
export function firstNewStarts(m: Model, pick: (p: Pair) => boolean, env?: Environment): number[] {
  const out: number[] = [];
  for (const p of m.pairs) {
    if (!p.ordered || !pick(p)) continue;
    const s = firstNewStart(p, env);
    if (s >= 0) out.push(s);
  }
  return out;
}

export function checkConductorBeforeComputes(m: Model, r: Reporter, cap: number): void {
  const id = 'nova.conductor-before-computes';
  for (const env of ['old', 'new'] as const) {
    const computes = firstNewStarts(m, (p) => isComputeSide(p.def), env);
    if (computes.length === 0) continue;
    const conductors = firstNewStarts(m, (p) => p.service === 'nova-conductor', env);
    if (conductors.length === 0) {
      // An unordered conductor chain is reported under dag.service-steps-ordered already.
      if (m.pairs.some((p) => p.service === 'nova-conductor' && !p.ordered)) continue;
      r.add(
        id,
        `computes start on ${m.plan.to} in env ${env}, but no nova-conductor of env ${env} starts on it`,
        [m.id(computes[0]!)],
      );
      continue;
    }
    for (const [x, y] of allBefore(m.g, conductors, computes, cap)) {
      r.add(
        id,
        `${m.id(y)} may start a compute on ${m.plan.to} before ${m.id(x)} starts nova-conductor on it`,
        [m.id(x), m.id(y)],
      );
    }
  }
}
