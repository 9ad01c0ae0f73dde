// Mutations that break one invariant of a GOOD plan from the real planners, found by what steps do (action
// kind, services, host, batch), never by hard-coded ids, so they apply to any inventory.
//
// Ordering mutations must really break the order: the planner chains steps per host and adds phase
// barriers (`<phase>/@cloud/verify`), so dropping one `after` entry rarely changes the partial order.
// `detach` therefore removes *every* path: the step keeps exactly the ancestors that do not come after
// the steps it is detached from (a down-closed set), re-expressed by its maximal elements.

import { CATALOG, serviceDef } from '../../src/catalog/index.js';
import type { ScenarioId } from '../../src/catalog/types.js';
import type { Plan, Step } from '../../src/plan/types.js';
import { CLOUD } from '../../src/plan/types.js';
import {
  type MutablePlan,
  type MutableStep,
  mutableCopy,
  Oracle,
  removeStep,
  servicesOf,
} from './plan-oracle.js';

/** Topological order of step ids (Kahn, ties by plan order). Throws on a cycle. */
export function topoOrder(plan: Pick<Plan, 'steps'>): string[] {
  const indeg = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const s of plan.steps) {
    indeg.set(s.id, s.after.length);
    for (const a of s.after) children.set(a, [...(children.get(a) ?? []), s.id]);
  }
  const ready = plan.steps.filter((s) => s.after.length === 0).map((s) => s.id);
  const out: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    out.push(id);
    for (const c of children.get(id) ?? []) {
      const d = indeg.get(c)! - 1;
      indeg.set(c, d);
      if (d === 0) ready.push(c);
    }
  }
  if (out.length !== plan.steps.length) throw new Error('plan has a cycle');
  return out;
}

/** `ids` and every step that must run after one of them. */
export function descendantsOrSelf(plan: Pick<Plan, 'steps'>, ids: readonly string[]): Set<string> {
  const children = new Map<string, string[]>();
  for (const s of plan.steps) for (const a of s.after) children.set(a, [...(children.get(a) ?? []), s.id]);
  const seen = new Set<string>(ids);
  const stack = [...ids];
  while (stack.length > 0) {
    for (const c of children.get(stack.pop()!) ?? []) {
      if (seen.has(c)) continue;
      seen.add(c);
      stack.push(c);
    }
  }
  return seen;
}

/**
 * After this, no step of `xs` must wait for any step of `ys` (nor anything after them); every other
 * ordering of the `xs` is kept. Processed in topological order so a chain of `xs` stays a chain.
 */
export function detach(plan: MutablePlan, xs: readonly string[], ys: readonly string[]): void {
  const want = new Set(xs);
  for (const x of topoOrder(plan).filter((id) => want.has(id) && !ys.includes(id))) {
    const banned = descendantsOrSelf(plan, ys);
    const oracle = new Oracle(plan);
    const keep = new Set([...oracle.ancestors(x)].filter((a) => !banned.has(a)));
    const covered = new Set<string>();
    for (const a of keep) for (const d of oracle.step(a).after) covered.add(d);
    stepById(plan, x).after = plan.steps.map((s) => s.id).filter((id) => keep.has(id) && !covered.has(id));
  }
}

/**
 * `x` now runs right before `y`: it leaves its place (whatever waited for it waits for its inputs instead),
 * takes y's inputs, and y waits for it; steps that waited for x keep doing so unless they must run before y.
 */
export function moveBefore(plan: MutablePlan, x: string, y: string): void {
  const successors = plan.steps.filter((s) => s.after.includes(x)).map((s) => s.id);
  const original = stepById(plan, x);
  const index = plan.steps.indexOf(original);
  removeStep(plan, x);
  const beforeY = new Oracle(plan).ancestors(y);
  const yStep = stepById(plan, y);
  plan.steps.splice(index, 0, { ...original, after: [...yStep.after] });
  yStep.after = [...yStep.after, x];
  for (const s of successors) {
    if (s === y || beforeY.has(s)) continue;
    const t = stepById(plan, s);
    if (!t.after.includes(x)) t.after.push(x);
  }
}

/**
 * `x` now runs right after `y`: x waits for y only, whatever waited for y waits for x instead, and steps
 * that waited for x keep doing so unless they must run before y.
 */
export function moveAfter(plan: MutablePlan, x: string, y: string): void {
  const successors = plan.steps.filter((s) => s.after.includes(x)).map((s) => s.id);
  const original = stepById(plan, x);
  const index = plan.steps.indexOf(original);
  removeStep(plan, x);
  const beforeY = new Oracle(plan).ancestors(y);
  for (const t of plan.steps) if (t.after.includes(y)) t.after = t.after.map((a) => (a === y ? x : a));
  plan.steps.splice(index, 0, { ...original, after: [y] });
  for (const s of successors) {
    if (s === y || beforeY.has(s)) continue;
    const t = stepById(plan, s);
    if (!t.after.includes(x)) t.after.push(x);
  }
}

export function stepById(plan: MutablePlan, id: string): MutableStep {
  const s = plan.steps.find((x) => x.id === id);
  if (s === undefined) throw new Error(`no step ${id}`);
  return s;
}

// ---------------------------------------------------------------------------------------------------
// Finding steps by what they do
// ---------------------------------------------------------------------------------------------------

const ICEHOUSE = CATALOG.releases.icehouse!;

function def(service: string) {
  try {
    return serviceDef(ICEHOUSE, service);
  } catch {
    return undefined;
  }
}

export const isNovaController = (s: string): boolean =>
  def(s)?.project === 'nova' && def(s)?.computeSide !== true;

const envOf = (s: Step): string => s.env ?? 'old';

/**
 * start-services steps that start `service` on the target release: an upgrade of it to `plan.to` on the
 * same host precedes them. In plan order.
 */
export function newStarts(plan: Plan | MutablePlan, oracle: Oracle, service: string): Step[] {
  const upgrades = plan.steps.filter(
    (s) =>
      s.action.kind === 'upgrade-packages' &&
      s.action.release === plan.to &&
      servicesOf(s.action).includes(service),
  );
  return plan.steps.filter(
    (s) =>
      s.action.kind === 'start-services' &&
      servicesOf(s.action).includes(service) &&
      upgrades.some((u) => u.host === s.host && oracle.before(u.id, s.id)),
  );
}

/** The steps on `x`'s host in `x`'s phase that must run before it, and `x` itself. */
function hostChainUpTo(plan: MutablePlan, oracle: Oracle, x: Step): string[] {
  return plan.steps
    .filter((s) => s.host === x.host && s.phase === x.phase && (s.id === x.id || oracle.before(s.id, x.id)))
    .map((s) => s.id);
}

/** Number of distinct compute hosts disabled in each batch. */
function batchSizes(plan: MutablePlan): Map<number, number> {
  const hosts = new Map<number, Set<string>>();
  for (const s of plan.steps) {
    if (s.batch === undefined || s.host === CLOUD || s.action.kind !== 'disable-compute') continue;
    const set = hosts.get(s.batch) ?? new Set<string>();
    set.add(s.host);
    hosts.set(s.batch, set);
  }
  return new Map([...hosts].map(([b, set]) => [b, set.size]));
}

// ---------------------------------------------------------------------------------------------------
// The mutations
// ---------------------------------------------------------------------------------------------------

export interface Mutation {
  name: string;
  /** The invariant the checker must name for the mutant. */
  invariant: string;
  scenarios: readonly ScenarioId[];
  /** Breaks the plan in place; false when the plan has nothing this mutation can break. */
  apply(plan: MutablePlan): boolean;
}

const ALL: readonly ScenarioId[] = ['all-at-once', 'service-by-service', 'parallel-compute', 'live-compute'];
const ROLLING: readonly ScenarioId[] = ['live-compute', 'parallel-compute'];

export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'nova-api starts before the nova db-sync (every edge carrying that order dropped)',
    invariant: 'db.sync-before-new-code',
    scenarios: ALL,
    apply(plan) {
      const oracle = new Oracle(plan);
      const x = newStarts(plan, oracle, 'nova-api')[0];
      if (x === undefined) return false;
      const syncs = plan.steps.filter(
        (s) => s.action.kind === 'db-sync' && s.action.project === 'nova' && envOf(s) === envOf(x),
      );
      if (syncs.length === 0 || !syncs.some((d) => oracle.before(d.id, x.id))) return false;
      detach(
        plan,
        [x.id],
        syncs.map((d) => d.id),
      );
      return true;
    },
  },
  {
    name: 'a nova db-sync moves before a controller stops nova-api',
    invariant: 'db.stopped-during-sync',
    scenarios: ['all-at-once', 'service-by-service', 'live-compute'],
    apply(plan) {
      const sync = plan.steps.find(
        (s) => s.action.kind === 'db-sync' && s.action.project === 'nova' && envOf(s) === 'old',
      );
      if (sync === undefined) return false;
      const oracle = new Oracle(plan);
      const stops = plan.steps.filter(
        (s) =>
          s.action.kind === 'stop-services' &&
          servicesOf(s.action).includes('nova-api') &&
          oracle.before(s.id, sync.id),
      );
      const stop = stops.find((s) => s.host === sync.host) ?? stops[0];
      if (stop === undefined) return false;
      moveBefore(plan, sync.id, stop.id);
      return true;
    },
  },
  {
    name: 'the database backup is removed',
    invariant: 'backup.database-first',
    scenarios: ALL,
    apply(plan) {
      const backups = plan.steps.filter((s) => s.action.kind === 'backup-database');
      const migrates = plan.steps.some((s) => s.action.kind === 'db-sync' && s.action.from_head !== 'empty');
      if (backups.length === 0 || !migrates) return false;
      for (const b of backups) removeStep(plan, b.id);
      return true;
    },
  },
  {
    name: "a host's configuration backup is removed",
    invariant: 'backup.config-first',
    scenarios: ALL,
    apply(plan) {
      const changes = new Set(['edit-config', 'set-rpc-pin', 'upgrade-packages', 'switch-repository']);
      const b = plan.steps.find(
        (s) =>
          s.action.kind === 'backup-config' &&
          plan.steps.some((t) => t.host === s.host && changes.has(t.action.kind)),
      );
      if (b === undefined) return false;
      removeStep(plan, b.id);
      return true;
    },
  },
  {
    name: 'nova-compute starts on the new release before nova-conductor',
    invariant: 'nova.conductor-before-computes',
    scenarios: ALL,
    apply(plan) {
      const oracle = new Oracle(plan);
      const x = newStarts(plan, oracle, 'nova-compute')[0];
      if (x === undefined) return false;
      const conductors = newStarts(plan, oracle, 'nova-conductor').filter((c) => envOf(c) === envOf(x));
      if (conductors.length === 0) return false;
      detach(
        plan,
        hostChainUpTo(plan, oracle, x),
        conductors.map((c) => c.id),
      );
      return true;
    },
  },
  {
    name: 'the RPC pin moves after the Nova controller start',
    invariant: 'live.pin-before-controller-start',
    scenarios: ['live-compute'],
    apply(plan) {
      const oracle = new Oracle(plan);
      const order = topoOrder(plan);
      for (const pin of plan.steps.filter((s) => s.action.kind === 'set-rpc-pin')) {
        // The last start of a Nova controller service on the pin's host that the pin used to precede.
        const start = plan.steps
          .filter(
            (s) =>
              s.host === pin.host &&
              s.action.kind === 'start-services' &&
              servicesOf(s.action).some(isNovaController) &&
              oracle.before(pin.id, s.id),
          )
          .sort((a, b) => order.indexOf(b.id) - order.indexOf(a.id))[0];
        if (start === undefined) continue;
        moveAfter(plan, pin.id, start.id);
        return true;
      }
      return false;
    },
  },
  {
    name: "a Nova controller's RPC pin is removed",
    invariant: 'live.pin-before-controller-start',
    scenarios: ['live-compute'],
    apply(plan) {
      const oracle = new Oracle(plan);
      const pin = plan.steps.find(
        (s) =>
          s.action.kind === 'set-rpc-pin' &&
          plan.steps.some(
            (t) =>
              t.host === s.host &&
              t.action.kind === 'start-services' &&
              servicesOf(t.action).some(isNovaController) &&
              oracle.before(s.id, t.id),
          ),
      );
      if (pin === undefined) return false;
      removeStep(plan, pin.id);
      return true;
    },
  },
  {
    name: 'the pin is cleared before the last compute starts on the new release',
    invariant: 'live.unpin-after-computes',
    scenarios: ['live-compute'],
    apply(plan) {
      const oracle = new Oracle(plan);
      const computes = newStarts(plan, oracle, 'nova-compute');
      const order = topoOrder(plan);
      const last = computes.sort((a, b) => order.indexOf(b.id) - order.indexOf(a.id))[0];
      if (last === undefined) return false;
      const clears = plan.steps.filter((s) => s.action.kind === 'clear-rpc-pin');
      const clear = clears.find((c) => c.host !== last.host) ?? clears[0];
      if (clear === undefined) return false;
      moveBefore(plan, clear.id, last.id);
      return true;
    },
  },
  {
    name: 'Nova services are not restarted after the unpin',
    invariant: 'live.unpin-after-computes',
    scenarios: ['live-compute'],
    apply(plan) {
      const oracle = new Oracle(plan);
      const clear = plan.steps.find((s) => s.action.kind === 'clear-rpc-pin');
      if (clear === undefined) return false;
      const restarts = plan.steps.filter(
        (s) =>
          s.host === clear.host &&
          (s.action.kind === 'restart-services' || s.action.kind === 'start-services') &&
          oracle.before(clear.id, s.id),
      );
      if (restarts.length === 0) return false;
      for (const r of restarts) removeStep(plan, r.id);
      return true;
    },
  },
  {
    name: 'a disable-compute is removed',
    invariant: 'rolling.disable-before-stop',
    scenarios: ROLLING,
    apply(plan) {
      // On a host that runs nova-compute: the invariant is about stopping nova-compute (see the planner
      // bug noted in plan-properties.test.ts: nova-network nodes get disable-compute steps too).
      const d = plan.steps.find(
        (s) =>
          s.action.kind === 'disable-compute' &&
          plan.steps.some(
            (t) =>
              t.host === s.host &&
              t.action.kind === 'stop-services' &&
              servicesOf(t.action).includes('nova-compute'),
          ),
      );
      if (d === undefined) return false;
      removeStep(plan, d.id);
      return true;
    },
  },
  {
    name: 'an enable-compute is removed',
    invariant: 'compute.reenabled',
    scenarios: ROLLING,
    apply(plan) {
      const e = plan.steps.find(
        (s) =>
          s.action.kind === 'enable-compute' &&
          plan.steps.some((d) => d.host === s.host && d.action.kind === 'disable-compute'),
      );
      if (e === undefined) return false;
      removeStep(plan, e.id);
      return true;
    },
  },
  {
    name: 'two compute batches merge past max_parallel_computes',
    invariant: 'rolling.max-parallel',
    scenarios: ROLLING,
    apply(plan) {
      const sizes = batchSizes(plan);
      let best: number | undefined;
      for (const [b, n] of sizes) {
        const next = sizes.get(b + 1);
        if (next === undefined || n + next <= plan.policy.max_parallel_computes) continue;
        if (best === undefined || n + next > sizes.get(best)! + sizes.get(best + 1)!) best = b;
      }
      if (best === undefined) return false;
      const k = best;
      detach(
        plan,
        plan.steps.filter((s) => s.batch === k + 1).map((s) => s.id),
        plan.steps.filter((s) => s.batch === k).map((s) => s.id),
      );
      return true;
    },
  },
  {
    name: 'the min-version pre-flight check is removed',
    invariant: 'live.min-version-preflight',
    scenarios: ['live-compute'],
    apply(plan) {
      let changed = false;
      for (const s of plan.steps) {
        if (s.action.kind !== 'verify' || !s.action.checks.some((c) => c.check === 'min-version')) continue;
        s.action = { kind: 'verify', checks: s.action.checks.filter((c) => c.check !== 'min-version') };
        changed = true;
      }
      return changed;
    },
  },
  {
    name: 'an old compute is drained before the new environment is registered',
    invariant: 'parallel.new-env-first',
    scenarios: ['parallel-compute'],
    apply(plan) {
      const registers = plan.steps.filter((s) => s.action.kind === 'register-endpoint').map((s) => s.id);
      const drain = plan.steps.find((s) => s.action.kind === 'drain-compute');
      if (registers.length === 0 || drain === undefined) return false;
      detach(plan, hostChainUpTo(plan, new Oracle(plan), drain), registers);
      return true;
    },
  },
  {
    name: 'an old compute is live-migrated across the two Nova deployments',
    invariant: 'parallel.retarget-when-empty',
    scenarios: ['parallel-compute'],
    apply(plan) {
      const oracle = new Oracle(plan);
      const drain = plan.steps.find(
        (s) =>
          s.action.kind === 'drain-compute' &&
          plan.steps.some(
            (t) => t.host === s.host && t.action.kind === 'retarget-compute' && oracle.before(s.id, t.id),
          ),
      );
      if (drain === undefined || drain.action.kind !== 'drain-compute') return false;
      drain.action = { ...drain.action, mode: 'live-migrate' };
      return true;
    },
  },
];

export interface Mutant {
  mutation: Mutation;
  plan: Plan;
}

/** The mutant of `plan` (a fresh deep copy), or undefined when the mutation does not apply to it. */
export function mutate(plan: Plan, mutation: Mutation): Plan | undefined {
  if (!mutation.scenarios.includes(plan.scenario)) return undefined;
  const copy = mutableCopy(plan);
  return mutation.apply(copy) ? (copy as Plan) : undefined;
}

export function applicable(plan: Plan): Mutation[] {
  return MUTATIONS.filter((m) => mutate(plan, m) !== undefined);
}
