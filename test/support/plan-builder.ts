// Terse construction of hand-built plans for checker and graph tests: add steps by id, then mutate
// one thing (drop a step, change a dependency) to show that an invariant notices.

import type { Networking, ScenarioId } from '../../src/catalog/types.js';
import type { Policy } from '../../src/inventory/types.js';
import type { Action, Plan, Step, VerifyCheck } from '../../src/plan/types.js';
import { PLAN_FORMAT } from '../../src/plan/types.js';

export const DEFAULT_POLICY: Policy = {
  max_parallel_computes: 1,
  canary: [1],
  max_failed_hosts: 1,
  drain: 'live-migrate',
  gates: [],
};

export type StepExtra = Partial<Pick<Step, 'env' | 'batch' | 'phase' | 'irreversible'>>;

export class PlanBuilder {
  private readonly steps: Step[] = [];
  scenario: ScenarioId;
  networking: Networking = 'neutron-ovs';
  policy: Policy = { ...DEFAULT_POLICY };
  from = 'havana';
  to = 'icehouse';
  /** Phases the plan declares; by default every phase its steps use. */
  phases: string[] | undefined;

  constructor(scenario: ScenarioId) {
    this.scenario = scenario;
  }

  /** Adds a step; its phase is the id's first segment (`<phase>/<host>/<name>`). */
  add(id: string, host: string, action: Action, after: readonly string[] = [], extra: StepExtra = {}): this {
    this.steps.push({
      id,
      phase: id.split('/')[0]!,
      host,
      action,
      after: [...after],
      estimate_s: 1,
      opens: [],
      closes: [],
      ...extra,
    });
    return this;
  }

  get(id: string): Step {
    const s = this.steps.find((x) => x.id === id);
    if (s === undefined) throw new Error(`no step ${id}`);
    return s;
  }

  /** Removes a step; steps that ran after it now run after its own dependencies (order kept). */
  remove(id: string): this {
    const s = this.get(id);
    this.steps.splice(this.steps.indexOf(s), 1);
    for (const t of this.steps) {
      if (!t.after.includes(id)) continue;
      const after = t.after.filter((x) => x !== id);
      for (const dep of s.after) if (!after.includes(dep)) after.push(dep);
      t.after = after;
    }
    return this;
  }

  setAfter(id: string, after: readonly string[]): this {
    this.get(id).after = [...after];
    return this;
  }

  patch(id: string, change: Partial<Step>): this {
    Object.assign(this.get(id), change);
    return this;
  }

  build(): Plan {
    const phaseIds = this.phases ?? [...new Set(this.steps.map((s) => s.phase))];
    return {
      format: PLAN_FORMAT,
      cloud: 'test',
      scenario: this.scenario,
      from: this.from,
      to: this.to,
      distro: 'ubuntu-12.04-uca',
      networking: this.networking,
      policy: this.policy,
      phases: phaseIds.map((id) => ({ id, title: id })),
      steps: this.steps.map((s) => ({ ...s, after: [...s.after] })),
      warnings: [],
      estimate: {
        duration_s: 0,
        outages: {},
        compute_control: { hosts: 0, host_seconds: 0, longest_s: 0 },
        migrations: { live: 0, cold: 0, gb_moved: 0 },
      },
    };
  }
}

// Action shorthands.
export const stop = (...services: string[]): Action => ({ kind: 'stop-services', services });
export const start = (...services: string[]): Action => ({ kind: 'start-services', services });
export const restart = (...services: string[]): Action => ({ kind: 'restart-services', services });
export const upgrade = (release: string, ...services: string[]): Action => ({
  kind: 'upgrade-packages',
  services,
  packages: services,
  release,
});
export const dbSync = (
  project: 'nova' | 'neutron' | 'keystone' | 'glance',
  database: string = project,
): Action => ({
  kind: 'db-sync',
  project,
  database,
  from_head: '1',
  to_head: '2',
});
export const pin = (level = 'icehouse-compat'): Action => ({
  kind: 'set-rpc-pin',
  service: 'compute',
  level,
});
export const unpin = (level = 'icehouse-compat'): Action => ({
  kind: 'clear-rpc-pin',
  service: 'compute',
  level,
});
export const verify = (...checks: VerifyCheck[]): Action => ({ kind: 'verify', checks });
export const backupDb = (...databases: string[]): Action => ({ kind: 'backup-database', databases });
export const backupConfig = (): Action => ({ kind: 'backup-config', paths: ['/etc'] });
export const disable = (): Action => ({ kind: 'disable-compute', reason: 'upgrade' });
export const enable = (): Action => ({ kind: 'enable-compute' });
export const drain = (mode: 'live-migrate' | 'wait' | 'cold-migrate' = 'live-migrate'): Action => ({
  kind: 'drain-compute',
  mode,
  instances: 1,
});
export const gate = (): Action => ({ kind: 'gate', prompt: 'go?' });
