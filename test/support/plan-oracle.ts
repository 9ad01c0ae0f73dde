// An independent oracle over plans for tests: reachability by a plain depth-first search over `after`
// (deliberately not src/plan/graph.ts, so the tests do not trust the code they check), lookups by id,
// and a mutable deep copy of a plan that mutation tests can rewire.

import type { Action, ActionKind, Plan, Step } from '../../src/plan/types.js';

/** A step whose `after` can be edited. */
export type MutableStep = Omit<Step, 'after'> & { after: string[] };

/** A plan whose steps can be added, removed and rewired. */
export type MutablePlan = Omit<Plan, 'steps'> & { steps: MutableStep[] };

/** Deep copy through JSON: the plan contract is pure JSON data. */
export function mutableCopy(plan: Plan): MutablePlan {
  return JSON.parse(JSON.stringify(plan)) as MutablePlan;
}

export class Oracle {
  readonly plan: Pick<Plan, 'steps'>;
  private readonly byId = new Map<string, Step>();
  private readonly ancestorCache = new Map<string, ReadonlySet<string>>();

  constructor(plan: Pick<Plan, 'steps'>) {
    this.plan = plan;
    for (const s of plan.steps) this.byId.set(s.id, s);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  step(id: string): Step {
    const s = this.byId.get(id);
    if (s === undefined) throw new Error(`no step ${id}`);
    return s;
  }

  /** Every step that must finish before `id` starts (transitively), `id` excluded. */
  ancestors(id: string): ReadonlySet<string> {
    const cached = this.ancestorCache.get(id);
    if (cached !== undefined) return cached;
    const seen = new Set<string>();
    const stack = [...this.step(id).after];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      const s = this.byId.get(x);
      if (s !== undefined) for (const y of s.after) if (!seen.has(y)) stack.push(y);
    }
    this.ancestorCache.set(id, seen);
    return seen;
  }

  /** `a` must finish before `b` starts in every order the engine may pick (a ⇝ b). */
  before(a: string, b: string): boolean {
    return this.ancestors(b).has(a);
  }

  find(pred: (s: Step) => boolean): Step[] {
    return this.plan.steps.filter(pred);
  }

  onHost(host: string, kind?: ActionKind, phase?: string): Step[] {
    return this.find(
      (s) =>
        s.host === host &&
        (kind === undefined || s.action.kind === kind) &&
        (phase === undefined || s.phase === phase),
    );
  }
}

/** The logical services a start/stop/restart/upgrade step names, else none. */
export function servicesOf(a: Action): readonly string[] {
  switch (a.kind) {
    case 'start-services':
    case 'stop-services':
    case 'restart-services':
    case 'upgrade-packages':
    case 'decommission':
      return a.services;
    default:
      return [];
  }
}

/** Removes a step; steps that waited for it now wait for its own dependencies instead. */
export function removeStep(plan: MutablePlan, id: string): void {
  const i = plan.steps.findIndex((s) => s.id === id);
  if (i < 0) throw new Error(`no step ${id}`);
  const [gone] = plan.steps.splice(i, 1);
  for (const t of plan.steps) {
    if (!t.after.includes(id)) continue;
    const after = t.after.filter((x) => x !== id);
    for (const dep of gone!.after) if (!after.includes(dep)) after.push(dep);
    t.after = after;
  }
}

export function stepOf(plan: MutablePlan, id: string): MutableStep {
  const s = plan.steps.find((x) => x.id === id);
  if (s === undefined) throw new Error(`no step ${id}`);
  return s;
}
