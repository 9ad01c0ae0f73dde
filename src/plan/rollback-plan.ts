// The rollback of a run, built from its journal (DESIGN §6, facts §2.4): on every host the run changed,
// stop the services, switch the repository back, reinstall the packages at their earlier versions, put
// the configuration back; restore the dumps once everything that uses them is stopped; start again;
// re-enable the computes the run left disabled. A plan like any other: reviewed, journaled, resumable.

import type { Catalog, ProjectName } from '../catalog/types.js';
import type { StepState } from '../engine/journal.js';
import type { Inventory } from '../inventory/types.js';
import type { CheckResult, Violation } from './check/types.js';
import { estimatePlan } from './estimate.js';
import { buildGraph } from './graph.js';
import { estimateAction, resolveFacts } from './step-estimate.js';
import { type Action, CLOUD, type Phase, PLAN_FORMAT, type Plan, type Step } from './types.js';
import { resolveUpgrade } from './upgrade-pair.js';

/** Kinds that change nothing on a host (checks, API calls, backups). */
const NO_HOST_CHANGE = new Set([
  'verify',
  'gate',
  'backup-database',
  'backup-config',
  'wait-services',
  'disable-compute',
  'enable-compute',
  'drain-compute',
  'register-endpoint',
]);

const PHASES: readonly Phase[] = [
  { id: 'rollback-stop', title: 'Stop every OpenStack service the run touched' },
  { id: 'rollback-packages', title: 'Previous repository and package versions back' },
  { id: 'rollback-config', title: 'Configuration back from the run’s archives' },
  { id: 'rollback-databases', title: 'Databases back from the run’s verified dumps' },
  { id: 'rollback-start', title: 'Start the services on the old release' },
  { id: 'rollback-computes', title: 'Computes the run disabled, enabled again' },
  { id: 'rollback-verify', title: 'Services up' },
];

function attempted(state: StepState | undefined): boolean {
  return state !== undefined && state.status !== 'pending' && state.status !== 'skipped';
}

export function rollbackPlan(
  run: { id: string; plan: Plan; steps: ReadonlyMap<string, StepState> },
  inventory: Inventory,
  catalog: Catalog,
): Plan {
  const { pack, from } = resolveUpgrade(inventory, catalog);
  const original = run.plan;
  const profile = catalog.distros[inventory.distro];
  const hosts = new Map([...inventory.hosts, ...inventory.spare_hosts].map((h) => [h.name, h]));
  const touched = new Set<string>();
  const switched = new Set<string>();
  const upgraded = new Set<string>();
  const synced = new Map<ProjectName, string>();
  const disabled = new Set<string>();
  for (const s of original.steps) {
    const st = run.steps.get(s.id);
    if (!attempted(st)) continue;
    const kind = s.action.kind;
    if (kind === 'disable-compute' && st?.status === 'succeeded') disabled.add(s.host);
    if (kind === 'enable-compute' && st?.status === 'succeeded') disabled.delete(s.host);
    if (s.host === CLOUD || NO_HOST_CHANGE.has(kind)) continue;
    touched.add(s.host);
    if (kind === 'switch-repository') switched.add(s.host);
    if (kind === 'upgrade-packages') upgraded.add(s.host);
    if (s.action.kind === 'db-sync' || s.action.kind === 'pre-sync') {
      const db = s.action.kind === 'db-sync' ? s.action.database : from.databases[s.action.project];
      if (db !== undefined) synced.set(s.action.project, db);
    }
  }
  // A schema can change while its sync step fails halfway: any attempted sync restores its database.
  const dbHost = inventory.database.host;
  const facts = resolveFacts(
    inventory.facts,
    inventory.hosts.filter((h) => h.services.includes('nova-compute')).length,
  );
  const estimateEnv = { catalog, pack, facts, knownRows: inventory.facts.db_rows };
  const steps: Step[] = [];
  const add = (
    phase: string,
    host: string,
    name: string,
    action: Action,
    after: readonly string[],
  ): string => {
    const id = `${phase}/${host}/${name}`;
    steps.push({
      id,
      phase,
      host,
      action,
      after,
      estimate_s: estimateAction(action, estimateEnv),
      opens: [],
      closes: [],
    });
    return id;
  };
  const fromRepo = profile.repositories[from.name];
  const toRepo = profile.repositories[original.to];
  const stops = new Map<string, string>();
  const ready = new Map<string, string[]>();
  for (const name of [...touched].sort()) {
    const h = hosts.get(name);
    if (h === undefined) continue;
    const services = h.services.filter((s) => from.services.some((d) => d.name === s));
    const stop = add('rollback-stop', name, 'stop', { kind: 'stop-services', services }, []);
    stops.set(name, stop);
    const before: string[] = [stop];
    let last = stop;
    if (switched.has(name) && fromRepo !== undefined) {
      last = add(
        'rollback-packages',
        name,
        'switch-repository',
        { kind: 'switch-repository', release: from.name, remove: toRepo?.add ?? [], add: fromRepo.add },
        [last],
      );
    }
    if (upgraded.has(name)) {
      last = add(
        'rollback-packages',
        name,
        'downgrade',
        { kind: 'downgrade-packages', run: run.id, release: from.name, services },
        [last],
      );
    }
    before.push(last);
    before.push(
      add('rollback-config', name, 'restore-config', { kind: 'restore-config', run: run.id }, [last]),
    );
    ready.set(name, before);
  }
  let restored: string | undefined;
  if (synced.size > 0) {
    // A project's further databases (Nova's API and cell0) come back with its main one; their heads are
    // not what the project's version command prints, so they are not checked.
    const databases = [...synced].flatMap(([project, database]) => [
      { project, database, head: pack.dbSync.find((d) => d.project === project)?.fromHead ?? '' },
      ...(database === from.databases[project] ? (from.extraDatabases?.[project] ?? []) : []).map(
        (extra) => ({
          project,
          database: extra,
          head: '',
        }),
      ),
    ]);
    restored = add(
      'rollback-databases',
      dbHost,
      'restore',
      { kind: 'restore-database', run: run.id, databases },
      [...stops.values()],
    );
  }
  const starts: string[] = [];
  for (const [name, deps] of ready) {
    const h = hosts.get(name);
    if (h === undefined || h.spare) continue;
    const services = h.services.filter((s) => from.services.some((d) => d.name === s));
    starts.push(
      add('rollback-start', name, 'start', { kind: 'start-services', services }, [
        ...deps,
        ...(restored !== undefined ? [restored] : []),
      ]),
    );
  }
  const enables = [...disabled]
    .sort()
    .map((c) => add('rollback-computes', c, 'enable', { kind: 'enable-compute' }, starts));
  add(
    'rollback-verify',
    CLOUD,
    'verify',
    { kind: 'verify', checks: [{ check: 'services-up', env: 'old' }] },
    [...starts, ...enables],
  );

  return {
    format: PLAN_FORMAT,
    cloud: original.cloud,
    scenario: original.scenario,
    from: original.to,
    to: from.name,
    distro: original.distro,
    networking: original.networking,
    policy: original.policy,
    phases: PHASES.filter((p) => steps.some((s) => s.phase === p.id)),
    steps,
    warnings: [
      {
        id: 'rollback-frozen-resources',
        text: `Databases go back to their state at the start of run ${run.id}: resources created since (instances, networks, volumes) are lost to OpenStack (facts §2.4).`,
      },
    ],
    estimate: estimatePlan(steps, new Map(), facts.instance_ram_mb),
  };
}

/**
 * What a rollback plan must hold on its partial order: a database is restored only once every host
 * that uses it is stopped; a host starts only after its packages, configuration and the databases are
 * back; every touched host that ran services starts again.
 */
export function checkRollbackPlan(plan: Plan, inventory: Inventory, catalog: Catalog): CheckResult {
  const { from } = resolveUpgrade(inventory, catalog);
  const { problems } = buildGraph(plan);
  const violations: Violation[] = problems.map((p) => ({
    invariant: 'graph',
    message: p.message,
    steps: [],
  }));
  if (problems.length > 0) return { ok: false, violations, suppressed: {} };
  const index = new Map(plan.steps.map((s, i) => [s.id, i]));
  const ancestors = (id: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      const cur = plan.steps[index.get(stack.pop() ?? '') ?? -1];
      for (const a of cur?.after ?? []) {
        if (seen.has(a)) continue;
        seen.add(a);
        stack.push(a);
      }
    }
    return seen;
  };
  const restores = plan.steps.filter((s) => s.action.kind === 'restore-database');
  for (const r of restores) {
    if (r.action.kind !== 'restore-database') continue;
    const projects = new Set(r.action.databases.map((d) => d.project));
    const before = ancestors(r.id);
    for (const stop of plan.steps.filter((s) => s.action.kind === 'stop-services')) {
      if (stop.action.kind !== 'stop-services') continue;
      const usesDb = stop.action.services.some((n) =>
        from.services.some((d) => d.name === n && d.dbAccess && projects.has(d.project)),
      );
      if (usesDb && !before.has(stop.id)) {
        violations.push({
          invariant: 'rollback.restore-after-stops',
          message: `${r.id} may run before ${stop.id} stops services that use the database`,
          steps: [r.id, stop.id],
        });
      }
    }
  }
  for (const start of plan.steps.filter((s) => s.action.kind === 'start-services')) {
    const before = ancestors(start.id);
    const needed = plan.steps.filter(
      (s) =>
        (s.host === start.host &&
          (s.action.kind === 'downgrade-packages' || s.action.kind === 'restore-config')) ||
        s.action.kind === 'restore-database',
    );
    for (const n of needed) {
      if (!before.has(n.id)) {
        violations.push({
          invariant: 'rollback.start-after-restore',
          message: `${start.id} may start before ${n.id}`,
          steps: [start.id, n.id],
        });
      }
    }
  }
  return { ok: violations.length === 0, violations, suppressed: {} };
}
