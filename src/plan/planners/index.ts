// planUpgrade: inventory + catalog + scenario → Plan. Pure and deterministic: the same input gives a
// byte-identical plan, so plans can be diffed, reviewed and hashed.

import type { Catalog, ScenarioId } from '../../catalog/types.js';
import { inventoryError } from '../../inventory/locate.js';
import type { Inventory } from '../../inventory/types.js';
import { estimatePlan } from '../estimate.js';
import { estimateAction } from '../step-estimate.js';
import { PLAN_FORMAT, type Plan } from '../types.js';
import { planAllAtOnce } from './all-at-once.js';
import { PlanBuilder } from './builder.js';
import { createContext, type PlanContext } from './context.js';
import { Kit } from './kit.js';
import { planLiveCompute } from './live-compute.js';
import { planParallelCompute } from './parallel-compute.js';
import { planServiceByService } from './service-by-service.js';

const PLANNERS: Record<ScenarioId, (kit: Kit) => void> = {
  'all-at-once': planAllAtOnce,
  'service-by-service': planServiceByService,
  'parallel-compute': planParallelCompute,
  'live-compute': planLiveCompute,
};

/** Hosts serving each API, old and new environment together. */
function apiBackends(ctx: PlanContext): Map<string, number> {
  const out = new Map<string, number>();
  for (const h of [...ctx.hosts, ...ctx.spares]) {
    const apis = new Set(h.services.map((s) => ctx.svc(s).api).filter((a) => a !== undefined));
    for (const api of apis) out.set(api, (out.get(api) ?? 0) + 1);
  }
  return out;
}

export function planUpgrade(inventory: Inventory, catalog: Catalog, scenario: ScenarioId): Plan {
  const ctx = createContext(inventory, catalog, scenario);
  const unsupported = ctx.pack.unsupported?.[scenario];
  if (unsupported !== undefined) {
    const others = Object.keys(PLANNERS).filter((s) => ctx.pack.unsupported?.[s as ScenarioId] === undefined);
    throw inventoryError(
      inventory,
      'upgrade',
      `${ctx.pack.title}: ${scenario} is not supported: ${unsupported}`,
      {
        hint: `pick one of: ${others.join(', ')}`,
      },
    );
  }
  const knownRows = inventory.facts.db_rows;
  const estimateEnv = { catalog, pack: ctx.pack, facts: ctx.facts, knownRows };
  const b = new PlanBuilder((action) => estimateAction(action, estimateEnv));
  const kit = new Kit(ctx, b);
  PLANNERS[scenario](kit);

  for (const w of ctx.pack.warnings) {
    if (w.scenarios === undefined || w.scenarios.includes(scenario)) b.warn({ id: w.id, text: w.text });
  }
  const steps = b.finish();
  const irreversible = steps.filter((s) => s.irreversible === true).map((s) => s.id);
  if (irreversible.length > 0) {
    b.warn({
      id: 'irreversible-steps',
      text: 'These steps cannot be undone by downgrading packages; only restoring the database backup reverts them.',
      steps: irreversible,
    });
  }

  return {
    format: PLAN_FORMAT,
    cloud: inventory.cloud,
    scenario,
    from: ctx.from.name,
    to: ctx.to.name,
    distro: inventory.distro,
    networking: inventory.networking,
    policy: inventory.policy,
    phases: b.phases,
    steps,
    warnings: b.warnings,
    estimate: estimatePlan(steps, apiBackends(ctx), ctx.facts.instance_ram_mb),
  };
}
