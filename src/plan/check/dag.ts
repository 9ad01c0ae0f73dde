// dag.valid and dag.service-steps-ordered: the structural preconditions of every other invariant.

import type { GraphProblem } from '../graph.js';
import { reaches } from '../graph.js';
import { CLOUD } from '../types.js';
import type { Model } from './model.js';
import type { Reporter } from './report.js';

export function checkGraphProblems(problems: readonly GraphProblem[], r: Reporter): void {
  for (const p of problems) r.add('dag.valid', p.message, p.steps);
}

export function checkHostsAndPhases(m: Model, r: Reporter): void {
  const phases = new Set(m.plan.phases.map((p) => p.id));
  for (const s of m.plan.steps) {
    if (s.host !== CLOUD && !m.hosts.has(s.host)) {
      r.add(
        'dag.valid',
        `step ${s.id} runs on ${s.host}, which is neither an inventory host, a spare host nor ${CLOUD}`,
        [s.id],
      );
    }
    if (!phases.has(s.phase))
      r.add('dag.valid', `step ${s.id} belongs to phase ${s.phase}, which the plan does not declare`, [s.id]);
  }
  for (const u of m.unknownServices) {
    const where = u.step === undefined ? `host ${u.host}` : `step ${u.step}`;
    r.add(
      'dag.valid',
      `${where} names service ${u.service}, which the catalog does not know`,
      u.step === undefined ? [] : [u.step],
    );
  }
}

/**
 * The steps acting on one (host, service) must be totally ordered, or its state at any point depends
 * on the run. Checking consecutive chain members suffices (reachability is transitive); many pairs
 * share the same consecutive steps (one upgrade step for several services), hence the cache.
 */
export function checkServiceStepsOrdered(m: Model, r: Reporter): void {
  const g = m.g;
  const n = g.steps.length;
  const known = new Map<number, boolean>();
  for (const p of m.pairs) {
    for (let i = 0; i + 1 < p.chain.length; i++) {
      const a = p.chain[i]!;
      const b = p.chain[i + 1]!;
      const key = a * n + b;
      let ok = known.get(key);
      if (ok === undefined) {
        ok = reaches(g, a, b);
        known.set(key, ok);
      }
      if (!ok) {
        p.ordered = false;
        r.add(
          'dag.service-steps-ordered',
          `steps ${m.id(a)} and ${m.id(b)} both act on ${p.service} on ${p.host} but neither must run before the other`,
          [m.id(a), m.id(b)],
        );
        break;
      }
    }
  }
}
