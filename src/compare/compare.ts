// `stackhop compare`: every scenario rehearsed on the twin with the same seed, measured side by side,
// and a recommendation under the operator's constraints. In memory: nothing is journaled to disk.

import type { Catalog, ScenarioId } from '../catalog/types.js';
import { SCENARIOS } from '../catalog/types.js';
import type { TwinMetrics } from '../drivers/sim/index.js';
import { StackhopError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { planUpgrade } from '../plan/planners/index.js';
import type { Plan } from '../plan/types.js';
import { rehearse } from '../rehearse/rehearse.js';
import { MemoryJournal } from '../store/memory-journal.js';
import { recommend } from './recommend.js';
import { risksOf } from './risks.js';
import type { Comparison, Constraints, ScenarioMeasure, ScenarioOutcome } from './types.js';

export interface CompareRequest {
  inventory: Inventory;
  inventoryText: string;
  catalog: Catalog;
  seed: number;
  constraints: Constraints;
  scenarios?: readonly ScenarioId[];
}

export function measureOf(metrics: TwinMetrics, durationMs: number): ScenarioMeasure {
  return {
    duration_s: durationMs / 1000,
    api_downtime_s: metrics.api_downtime_s,
    compute_control: metrics.compute_control,
    compute_stopped: metrics.compute_stopped,
    workload_interruptions: metrics.workload_interruptions,
    instances_lost: metrics.instances_lost,
    live_migrations: metrics.live_migrations,
    cold_migrations: metrics.cold_migrations,
    gb_moved: metrics.gb_moved,
    extra_hosts: metrics.extra_hosts,
    mixed_version_s: metrics.mixed_version_window_s,
    nova_db_wait_s: metrics.db_wait_s,
    rpc_errors: metrics.rpc_errors,
    event_errors: metrics.event_errors,
    not_on_target: metrics.not_on_target,
  };
}

export async function compareScenarios(req: CompareRequest): Promise<Comparison> {
  const outcomes: ScenarioOutcome[] = [];
  for (const scenario of req.scenarios ?? SCENARIOS) {
    let plan: Plan;
    try {
      plan = planUpgrade(req.inventory, req.catalog, scenario);
    } catch (err) {
      // A scenario this cloud cannot do (no spare hosts, computes too old) is a finding, not a failure.
      if (err instanceof StackhopError) {
        outcomes.push({ scenario, feasible: false, reason: stripLocation(err.message) });
        continue;
      }
      throw err;
    }
    let r: Awaited<ReturnType<typeof rehearse>>;
    try {
      r = await rehearse({
        inventory: req.inventory,
        inventoryText: req.inventoryText,
        catalog: req.catalog,
        scenario,
        seed: req.seed,
        plan,
        journal: new MemoryJournal(),
        runId: `compare-${scenario}`,
      });
    } catch (err) {
      // The planner's own plan broke an invariant: a stackhop bug, reported for this scenario only.
      if (err instanceof StackhopError && err.code === 'ERR_PLAN_REJECTED') {
        outcomes.push({
          scenario,
          feasible: false,
          reason: `stackhop's plan was rejected (please report): ${err.message}`,
        });
        continue;
      }
      throw err;
    }
    const measure = measureOf(r.metrics, r.outcome.finishedAt - r.outcome.startedAt);
    outcomes.push({
      scenario,
      feasible: true,
      status: r.outcome.status,
      measure,
      steps: plan.steps.length,
      risks: risksOf(scenario, measure),
    });
  }
  return recommend(
    req.inventory.cloud,
    req.seed,
    outcomes,
    req.constraints,
    req.inventory.spare_hosts.length,
  );
}

/** `file:line:col: field: message` → `field: message`: the table is about the cloud, not the file. */
function stripLocation(message: string): string {
  return message.replace(/^[^:]+:\d+:\d+: /, '');
}
