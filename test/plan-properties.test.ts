// Property tests over random valid inventories (1–3 controllers, 0–2 network nodes, 1–500 computes, every
// distro, networking mode and drain policy; most with spare hosts): for every scenario the real planner's
// plan passes the checker, is well formed, and is deterministic down to the byte.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../src/catalog/index.js';
import type { Role, ScenarioId } from '../src/catalog/types.js';
import { SCENARIOS } from '../src/catalog/types.js';
import { InputError } from '../src/errors.js';
import { parseInventory } from '../src/inventory/load.js';
import type { Inventory } from '../src/inventory/types.js';
import { checkPlan } from '../src/plan/check/index.js';
import type { CheckResult } from '../src/plan/check/types.js';
import { checkContextFor } from '../src/plan/check-context.js';
import { planUpgrade } from '../src/plan/planners/index.js';
import { renderPlan } from '../src/plan/render/index.js';
import type { Plan } from '../src/plan/types.js';
import { CLOUD } from '../src/plan/types.js';
import { arbInventory } from './arbitraries/inventory.js';

// Moderate by default so the file stays well under 30 s; raise it locally to hunt harder.
const RUNS = Number(process.env.STACKHOP_PROPERTY_RUNS ?? 30);

function describeViolations(res: CheckResult): string {
  return res.violations.map((v) => `  ${v.invariant}: ${v.message} [${v.steps.join(', ')}]`).join('\n');
}

function summary(inv: Inventory): string {
  const roles = (r: Role) => inv.hosts.filter((h) => h.roles.includes(r)).length;
  return (
    `${inv.distro} ${inv.networking} controllers=${roles('controller')} network=${roles('network')} ` +
    `computes=${roles('compute')} spares=${inv.spare_hosts.length} policy=${JSON.stringify(inv.policy)}`
  );
}

/** Structural contract of DESIGN §4 that does not need the checker. */
function wellFormed(plan: Plan, inv: Inventory, scenario: ScenarioId): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const known = new Set(inv.hosts.map((h) => h.name));
  if (scenario === 'parallel-compute') for (const h of inv.spare_hosts) known.add(h.name);
  const phases = new Set(plan.phases.map((p) => p.id));
  for (const s of plan.steps) {
    if (ids.has(s.id)) problems.push(`duplicate step id ${s.id}`);
    ids.add(s.id);
    const prefix = `${s.phase}/${s.host}/`;
    if (!s.id.startsWith(prefix) || s.id.length === prefix.length)
      problems.push(`step id ${s.id} is not <phase>/<host>/<name> (phase ${s.phase}, host ${s.host})`);
    if (s.host !== CLOUD && !known.has(s.host)) problems.push(`step ${s.id} runs on unknown host ${s.host}`);
    if (!phases.has(s.phase)) problems.push(`step ${s.id} is in undeclared phase ${s.phase}`);
    if (!(s.estimate_s >= 0)) problems.push(`step ${s.id} has estimate ${s.estimate_s}`);
  }
  for (const s of plan.steps)
    for (const a of s.after) if (!ids.has(a)) problems.push(`step ${s.id} waits for missing step ${a}`);
  if (!(plan.estimate.duration_s > 0)) problems.push(`estimate.duration_s is ${plan.estimate.duration_s}`);
  if (plan.scenario !== scenario) problems.push(`plan.scenario is ${plan.scenario}`);
  return problems;
}

/** nova-compute versions older than the live-compute minimum (2013.2.2, facts §3.2). */
const TOO_OLD_FOR_LIVE = new Set(['2013.2', '2013.2.1']);

/** Whether the planner may refuse this inventory for this scenario, and under which field. */
/** The fields a planner may name when it refuses a valid inventory for this scenario (any of them). */
function mayRefuse(inv: Inventory, scenario: ScenarioId): string[] {
  const out: string[] = [];
  // A pack may not support a scenario at all (the Zed point release: no parallel-compute).
  const pack = CATALOG.packs.find((p) => p.from === inv.upgrade.from && p.to === inv.upgrade.to);
  if (pack?.unsupported?.[scenario] !== undefined) out.push('upgrade');
  // The new environment needs a spare compute to run anything before old computes move into it.
  if (scenario === 'parallel-compute' && !inv.spare_hosts.some((h) => h.services.includes('nova-compute')))
    out.push('spare_hosts');
  const v = inv.facts.versions?.['nova-compute'];
  const minimum = pack?.liveMinimum.some((m) => m.service === 'nova-compute') === true;
  if (scenario === 'live-compute' && minimum && v !== undefined && TOO_OLD_FOR_LIVE.has(v))
    out.push('facts.versions.nova-compute');
  // Migrating drains need a second compute to move instances to.
  const computes = inv.hosts.filter((h) => h.services.includes('nova-compute')).length;
  const migrates = inv.policy.drain === 'live-migrate' || inv.policy.drain === 'cold-migrate';
  if (scenario === 'live-compute' && computes < 2 && migrates && inv.facts.instances !== 0)
    out.push('policy.drain');
  return out;
}

/** Plans, or the InputError the planner raises for an inventory the scenario cannot handle. */
function planOrInputError(inv: Inventory, scenario: ScenarioId): Plan | InputError {
  try {
    return planUpgrade(inv, CATALOG, scenario);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
}

describe.each(SCENARIOS.map((s) => [s] as const))('plans for random inventories: %s', (scenario) => {
  it('pass the checker, are well formed and deterministic', () => {
    let planned = 0;
    let withSpares = 0;
    const pairsPlanned = new Set<string>();
    fc.assert(
      fc.property(arbInventory(CATALOG), (inv) => {
        const first = planOrInputError(inv, scenario);
        if (first instanceof InputError) {
          // Only parallel-compute without a spare compute, and live-compute with computes known to be
          // older than 2013.2.2 or a migrating drain and a single compute, may refuse a valid inventory.
          expect(mayRefuse(inv, scenario), first.message).toContain(first.field);
          expect(first.exitCode).toBe(2);
          expect(first.message).not.toMatch(/\n\s+at /);
          return;
        }
        expect(mayRefuse(inv, scenario), `${scenario} planned an inventory it must refuse`).toEqual([]);
        if (scenario === 'parallel-compute') withSpares++;
        planned++;
        pairsPlanned.add(`${inv.upgrade.from}→${inv.upgrade.to}`);

        const shape = wellFormed(first, inv, scenario);
        expect(shape, `${summary(inv)}\n${shape.slice(0, 10).join('\n')}`).toEqual([]);

        const res = checkPlan(first, checkContextFor(inv, CATALOG, scenario));
        expect(res.ok, `${summary(inv)}\nviolations:\n${describeViolations(res)}`).toBe(true);

        const json = renderPlan(first, 'json');
        const again = renderPlan(planUpgrade(inv, CATALOG, scenario), 'json');
        expect(again === json, `${summary(inv)}: planning twice gave different JSON`).toBe(true);
        const roundTripped = JSON.parse(JSON.stringify(inv)) as Inventory;
        const third = renderPlan(planUpgrade(roundTripped, CATALOG, scenario), 'json');
        expect(
          third === json,
          `${summary(inv)}: planning a JSON round trip of the inventory gave different JSON`,
        ).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(planned).toBeGreaterThan(0);
    if (scenario === 'parallel-compute') expect(withSpares).toBeGreaterThan(0);
    // Every pack that supports the scenario was planned at least once.
    const supporting = CATALOG.packs.filter((p) => p.unsupported?.[scenario] === undefined);
    expect([...pairsPlanned].sort()).toEqual(supporting.map((p) => `${p.from}→${p.to}`).sort());
  });
});

describe('parallel-compute without spare hosts', () => {
  it('is refused with an InputError (exit 2) naming spare_hosts', () => {
    fc.assert(
      fc.property(
        // Packs that support parallel-compute at all (the Zed point release refuses it by `upgrade`).
        arbInventory(CATALOG)
          .filter(
            (inv) => mayRefuse({ ...inv, spare_hosts: [] }, 'parallel-compute').join() === 'spare_hosts',
          )
          .map((inv): Inventory => ({ ...inv, spare_hosts: [] })),
        (inv) => {
          let caught: unknown;
          try {
            planUpgrade(inv, CATALOG, 'parallel-compute');
          } catch (err) {
            caught = err;
          }
          expect(caught).toBeInstanceOf(InputError);
          const err = caught as InputError;
          expect(err.exitCode).toBe(2);
          expect(err.field).toBe('spare_hosts');
          expect(err.message).toContain('spare');
        },
      ),
      { numRuns: 20 },
    );
  });

  it('is accepted by every other scenario', () => {
    fc.assert(
      fc.property(
        arbInventory(CATALOG).map((inv): Inventory => ({ ...inv, spare_hosts: [] })),
        (inv) => {
          for (const scenario of SCENARIOS.filter((s) => s !== 'parallel-compute')) {
            if (mayRefuse(inv, scenario).length > 0) continue;
            const plan = planUpgrade(inv, CATALOG, scenario);
            const res = checkPlan(plan, checkContextFor(inv, CATALOG, scenario));
            expect(res.ok, `${scenario} ${summary(inv)}\n${describeViolations(res)}`).toBe(true);
          }
        },
      ),
      { numRuns: 10 },
    );
  });
});

// BUG (reported, not fixed here): with `networking: nova-network`, a dedicated network node (role
// network → service nova-network, which the catalog marks computeSide) is planned as if it were a compute
// in live-compute and parallel-compute: disable-compute, drain-compute (with a share of the instances),
// retarget-compute, and a place in the compute batches, although it runs no nova-compute. The engine would
// ask Nova to disable and evacuate a nova-compute service that does not exist on that host. Cause:
// dedicatedComputes (src/plan/planners/live-compute.ts) and parallel-compute's `computes` select hosts by
// isComputeSide, which includes nova-network. The checker does not notice: the rolling invariants only
// look at nova-compute pairs.
describe('compute-only actions', () => {
  const COMPUTE_ONLY = new Set(['disable-compute', 'enable-compute', 'drain-compute', 'retarget-compute']);

  function misplaced(plan: Plan, inv: Inventory): string[] {
    const runsCompute = new Set(
      [...inv.hosts, ...inv.spare_hosts]
        .filter((h) => h.services.includes('nova-compute'))
        .map((h) => h.name),
    );
    return plan.steps
      .filter((s) => COMPUTE_ONLY.has(s.action.kind) && !runsCompute.has(s.host))
      .map((s) => `${s.id} (${s.action.kind})`);
  }

  it('target only hosts that run nova-compute (random inventories)', () => {
    fc.assert(
      fc.property(arbInventory(CATALOG), fc.constantFrom(...SCENARIOS), (inv, scenario) => {
        if (mayRefuse(inv, scenario).length > 0) return;
        const plan = planUpgrade(inv, CATALOG, scenario);
        expect(misplaced(plan, inv), `${scenario} ${summary(inv)}`).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it.each(['live-compute', 'parallel-compute'] as const)(
    'a nova-network node is not disabled, drained or retargeted as a compute (%s)',
    (scenario) => {
      const inv = parseInventory(NOVA_NETWORK_NODE, 'nova-network-node.yaml', CATALOG);
      expect(inv.hosts.find((h) => h.name === 'net1')?.services).toEqual(['nova-network']);
      expect(misplaced(planUpgrade(inv, CATALOG, scenario), inv)).toEqual([]);
    },
  );
});

const NOVA_NETWORK_NODE = `cloud: lab
upgrade: { from: havana, to: icehouse }
distro: ubuntu-12.04-uca
networking: nova-network
database: { host: ctl1 }
hosts:
  - { name: ctl1, roles: [controller] }
  - { name: net1, roles: [network] }
  - { name: "cmp[1:2]", roles: [compute] }
spare_hosts:
  - { name: new1, roles: [compute] }
`;
