// parallel-compute invariants (DESIGN §5): the new Nova serves before old computes are emptied into
// it, its capacity is checked first, the old Nova always keeps somewhere to schedule, and a compute is
// moved to the new deployment only once empty (live migration cannot cross two Nova deployments).

import { reaches, someBeforeAll } from '../graph.js';
import type { VerifyCheck } from '../types.js';
import type { Model } from './model.js';
import type { Reporter } from './report.js';

function verifiesWith(m: Model, pick: (c: VerifyCheck) => boolean): number[] {
  return m.stepsOf('verify').filter((v) => {
    const a = m.plan.steps[v]!.action;
    return a.kind === 'verify' && a.checks.some(pick);
  });
}

export function checkNewEnvFirst(m: Model, r: Reporter, cap: number): void {
  const id = 'parallel.new-env-first';
  const drains = m.stepsOf('drain-compute');
  if (drains.length === 0) return;
  const groups: Array<[string, number[]]> = [
    ['register-endpoint step', [...m.stepsOf('register-endpoint')]],
    [
      'verify of the new environment (services-up, api or smoke-boot with env new)',
      verifiesWith(
        m,
        (c) =>
          (c.check === 'services-up' || c.check === 'api' || c.check === 'smoke-boot') && c.env === 'new',
      ),
    ],
  ];
  for (const [what, candidates] of groups) {
    if (candidates.length === 0) {
      r.add(id, `no ${what} precedes the drains of old computes`, [m.id(drains[0]!)]);
      continue;
    }
    for (const [x, y] of someBeforeAll(m.g, candidates, drains, cap)) {
      r.add(id, `${m.id(y)} may drain an old compute before ${m.id(x)} (${what})`, [m.id(x), m.id(y)]);
    }
  }
}

export function checkCapacityChecked(m: Model, r: Reporter): void {
  const id = 'parallel.capacity-checked';
  // Only drains that move workloads need room; one that waits for them to end moves nothing.
  const drains = m.stepsOf('drain-compute').filter((d) => {
    const a = m.plan.steps[d]!.action;
    return a.kind === 'drain-compute' && a.mode !== 'wait';
  });
  if (drains.length === 0) return;
  const g = m.g;
  const n = g.steps.length;
  const isCap = new Uint8Array(n);
  for (const v of verifiesWith(m, (c) => c.check === 'capacity' && c.env === 'new')) isCap[v] = 1;
  // after[v]: some capacity check is a strict ancestor of v.
  const after = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const v = g.order[k]!;
    if (isCap[v] === 0 && after[v] === 0) continue;
    for (let e = g.succOffsets[v]!; e < g.succOffsets[v + 1]!; e++) after[g.succTargets[e]!] = 1;
  }
  for (const d of drains) {
    if (after[d] === 0)
      r.add(id, `${m.id(d)} may move workloads before the new environment's capacity is checked`, [m.id(d)]);
  }
}

/**
 * When old compute X is drained, some other old compute must still be enabled: one whose disable
 * comes after the drain. One reverse-topological pass keeps, per step, up to two distinct hosts whose
 * old-env disable is among its descendants; two are enough to always find one that is not X.
 */
export function checkKeepOneEnabled(m: Model, r: Reporter): void {
  const id = 'parallel.keep-one-enabled';
  const g = m.g;
  const n = g.steps.length;
  const oldCompute = new Map<string, number>();
  for (const p of m.pairs) {
    if (p.service === 'nova-compute' && !m.spare.has(p.host) && !oldCompute.has(p.host)) {
      oldCompute.set(p.host, oldCompute.size);
    }
  }
  const disableHost = new Int32Array(n).fill(-1);
  for (const d of m.stepsOf('disable-compute')) {
    const h = oldCompute.get(m.plan.steps[d]!.host);
    if (h !== undefined && m.stepEnv[d] === 'old') disableHost[d] = h;
  }
  const first = new Int32Array(n).fill(-1);
  const second = new Int32Array(n).fill(-1);
  const add = (v: number, h: number): void => {
    if (h < 0 || first[v] === h || second[v] === h) return;
    if (first[v]! < 0) first[v] = h;
    else if (second[v]! < 0) second[v] = h;
  };
  for (let k = n - 1; k >= 0; k--) {
    const v = g.order[k]!;
    for (let e = g.succOffsets[v]!; e < g.succOffsets[v + 1]!; e++) {
      const t = g.succTargets[e]!;
      add(v, disableHost[t]!);
      add(v, first[t]!);
      add(v, second[t]!);
      if (second[v]! >= 0) break;
    }
  }
  const schedulerGone = m.stepsOf('decommission').filter((s) => {
    const a = m.plan.steps[s]!.action;
    return a.kind === 'decommission' && a.services.includes('nova-scheduler') && m.stepEnv[s] === 'old';
  });
  for (const d of m.stepsOf('drain-compute')) {
    const x = oldCompute.get(m.plan.steps[d]!.host);
    if (x === undefined || m.stepEnv[d] !== 'old') continue;
    if ((first[d]! >= 0 && first[d] !== x) || (second[d]! >= 0 && second[d] !== x)) continue;
    if (schedulerGone.some((s) => reaches(g, s, d))) continue;
    if (r.full(id)) return;
    r.add(
      id,
      `when ${m.id(d)} drains ${m.plan.steps[d]!.host}, every other old compute may already be disabled (and the old nova-scheduler is not decommissioned before it)`,
      [m.id(d)],
    );
  }
}

export function checkRetargetWhenEmpty(m: Model, r: Reporter): void {
  const id = 'parallel.retarget-when-empty';
  const drains = m.perHost('drain-compute');
  for (const t of m.stepsOf('retarget-compute')) {
    const host = m.plan.steps[t]!.host;
    const before = (drains.get(host) ?? []).filter((d) => reaches(m.g, d, t));
    if (before.length === 0) {
      r.add(id, `${m.id(t)} may move ${host} to the new deployment before it is drained`, [m.id(t)]);
      continue;
    }
    const ok = before.some((d) => {
      const a = m.plan.steps[d]!.action;
      return a.kind === 'drain-compute' && (a.mode === 'wait' || a.mode === 'cold-migrate');
    });
    if (!ok) {
      r.add(
        id,
        `${host} is drained by live migration, which cannot cross two Nova deployments; use wait or cold-migrate`,
        [m.id(t), ...before.map((d) => m.id(d))],
      );
    }
  }
}
