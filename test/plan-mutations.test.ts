// Mutation tests: GOOD plans from the real planners (the four examples, every scenario that applies) are
// broken one way at a time; the checker must reject every mutant and name the invariant it breaks. The
// mutants stay well-formed DAGs, so what the checker catches is the broken ordering, not a dangling id.

import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../src/catalog/index.js';
import type { ScenarioId } from '../src/catalog/types.js';
import { SCENARIOS } from '../src/catalog/types.js';
import { loadInventory } from '../src/inventory/load.js';
import type { Inventory } from '../src/inventory/types.js';
import { checkPlan } from '../src/plan/check/index.js';
import type { CheckResult } from '../src/plan/check/types.js';
import { checkContextFor } from '../src/plan/check-context.js';
import { planUpgrade } from '../src/plan/planners/index.js';
import type { Plan } from '../src/plan/types.js';
import { arbInventory } from './arbitraries/inventory.js';
import { MUTATIONS, type Mutation, mutate } from './support/plan-mutations.js';
import { Oracle } from './support/plan-oracle.js';

const EXAMPLES = ['ha-ubuntu', 'all-in-one', 'rdo-cloud', 'nova-network'] as const;

function fired(res: CheckResult): string[] {
  return [...new Set(res.violations.map((v) => v.invariant))];
}

function explain(res: CheckResult): string {
  return res.violations
    .slice(0, 12)
    .map((v) => `  ${v.invariant}: ${v.message}`)
    .join('\n');
}

/** Asserts the mutant is a DAG the checker can reason about, and that it names the expected invariant. */
function expectRejected(mutant: Plan, inventory: Inventory, mutation: Mutation, label: string): CheckResult {
  const res = checkPlan(mutant, checkContextFor(inventory, CATALOG, mutant.scenario));
  const names = fired(res);
  expect(res.ok, `${label}: the checker accepted the mutant`).toBe(false);
  expect(names, `${label}: the mutant is no longer a valid DAG\n${explain(res)}`).not.toContain('dag.valid');
  expect(names, `${label}: expected ${mutation.invariant}, got:\n${explain(res)}`).toContain(
    mutation.invariant,
  );
  return res;
}

interface Good {
  example: string;
  scenario: ScenarioId;
  inventory: Inventory;
  plan: Plan;
}

const goods: Good[] = [];

beforeAll(async () => {
  for (const example of EXAMPLES) {
    const inventory = await loadInventory(
      join(import.meta.dirname, '..', 'examples', `${example}.yaml`),
      CATALOG,
    );
    for (const scenario of SCENARIOS) {
      if (scenario === 'parallel-compute' && inventory.spare_hosts.length === 0) continue;
      goods.push({ example, scenario, inventory, plan: planUpgrade(inventory, CATALOG, scenario) });
    }
  }
});

function good(example: string, scenario: ScenarioId): Good {
  const g = goods.find((x) => x.example === example && x.scenario === scenario);
  if (g === undefined) throw new Error(`no plan for ${example} ${scenario}`);
  return g;
}

describe('the unmutated example plans', () => {
  it('are accepted by the checker (13 plans: parallel-compute only for ha-ubuntu, which has spare hosts)', () => {
    expect(goods.length).toBe(13);
    for (const g of goods) {
      const res = checkPlan(g.plan, checkContextFor(g.inventory, CATALOG, g.scenario));
      expect(res.ok, `${g.example} ${g.scenario}\n${explain(res)}`).toBe(true);
    }
  });
});

// Which mutations must find something to break: every one of its scenarios on ha-ubuntu, the full example.
describe.each(EXAMPLES.map((e) => [e] as const))('mutants of %s', (example) => {
  const cases = SCENARIOS.flatMap((scenario) =>
    MUTATIONS.filter((m) => m.scenarios.includes(scenario)).map((m) => [scenario, m.name, m] as const),
  );
  it.each(cases)('%s: %s', (scenario, _name, mutation) => {
    if (scenario === 'parallel-compute' && example !== 'ha-ubuntu') return; // no spare hosts in the inventory
    const g = good(example, scenario);
    const mutant = mutate(g.plan, mutation);
    if (mutant === undefined) {
      // A mutation may find nothing to break in a small cloud, never in ha-ubuntu.
      expect(example, `${mutation.name} found nothing to break in ${example} ${scenario}`).not.toBe(
        'ha-ubuntu',
      );
      return;
    }
    expect(mutant).not.toBe(g.plan);
    expectRejected(mutant, g.inventory, mutation, `${example} ${scenario}: ${mutation.name}`);
  });
});

describe('mutations really break what they claim (oracle over `after`)', () => {
  it('nova-api start no longer follows the nova db-sync on any path', () => {
    const g = good('ha-ubuntu', 'live-compute');
    const m = MUTATIONS.find((x) => x.invariant === 'db.sync-before-new-code')!;
    const o = new Oracle(mutate(g.plan, m)!);
    expect(o.before('nova-controllers/ctl1/db-sync-nova', 'nova-controllers/ctl1/start')).toBe(false);
    // Everything else that ordered the start stays: its own stop and upgrade, the barrier before the phase.
    expect(o.before('nova-controllers/ctl1/upgrade', 'nova-controllers/ctl1/start')).toBe(true);
    expect(o.before('horizon/@cloud/verify', 'nova-controllers/ctl1/start')).toBe(true);
    // In the good plan the single edge is not the only path: dropping just it changes nothing.
    const single = JSON.parse(JSON.stringify(g.plan)) as Plan;
    const start = single.steps.find((s) => s.id === 'nova-controllers/ctl1/start')!;
    (start as { after: readonly string[] }).after = start.after.filter(
      (a) => a !== 'nova-controllers/ctl1/db-sync-nova',
    );
    expect(
      new Oracle(single).before('nova-controllers/ctl1/db-sync-nova', 'nova-controllers/ctl1/start'),
    ).toBe(true);
    expect(checkPlan(single, checkContextFor(g.inventory, CATALOG, 'live-compute')).ok).toBe(true);
  });

  it('the moved pin runs after the conductor start it used to precede', () => {
    const g = good('ha-ubuntu', 'live-compute');
    const m = MUTATIONS.find((x) => x.name.startsWith('the RPC pin moves'))!;
    const o = new Oracle(mutate(g.plan, m)!);
    expect(o.before('nova-controllers/ctl1/start-conductor', 'nova-controllers/ctl1/pin-compute')).toBe(true);
    expect(o.before('nova-controllers/ctl1/start-agents', 'nova-controllers/ctl1/pin-compute')).toBe(true);
    expect(o.before('nova-controllers/ctl1/pin-compute', 'nova-controllers/@cloud/verify')).toBe(true);
    expect(o.before('nova-controllers/ctl1/pin-compute', 'final/ctl1/unpin-compute')).toBe(true);
  });

  it('merged batches are concurrent and exceed max_parallel_computes', () => {
    const g = good('ha-ubuntu', 'live-compute');
    const m = MUTATIONS.find((x) => x.invariant === 'rolling.max-parallel')!;
    const mutant = mutate(g.plan, m)!;
    const o = new Oracle(mutant);
    const disables = (b: number) =>
      mutant.steps.filter((s) => s.batch === b && s.action.kind === 'disable-compute').map((s) => s.id);
    const enables = (b: number) =>
      mutant.steps.filter((s) => s.batch === b && s.action.kind === 'enable-compute').map((s) => s.id);
    // Batches 3 and 4 (10 computes each) were picked: none of batch 4 waits for batch 3 any more.
    for (const d of disables(4)) for (const e of enables(3)) expect(o.before(e, d)).toBe(false);
    expect(disables(3).length + disables(4).length).toBeGreaterThan(g.plan.policy.max_parallel_computes);
  });

  it('the unpin may run before the last compute upgrade', () => {
    const g = good('ha-ubuntu', 'live-compute');
    const m = MUTATIONS.find((x) => x.name.startsWith('the pin is cleared before'))!;
    const o = new Oracle(mutate(g.plan, m)!);
    expect(o.before('final/ctl1/unpin-compute', 'computes/cmp048/start-compute')).toBe(true);
  });

  it('the drained compute no longer waits for the new environment', () => {
    const g = good('ha-ubuntu', 'parallel-compute');
    const m = MUTATIONS.find((x) => x.invariant === 'parallel.new-env-first')!;
    const o = new Oracle(mutate(g.plan, m)!);
    expect(o.before('new-nova/@cloud/register-endpoint', 'computes/cmp001/drain')).toBe(false);
    expect(o.before('computes/cmp001/disable', 'computes/cmp001/drain')).toBe(true);
  });
});

describe('random inventories and a random mutation', () => {
  it('the checker names the invariant the mutation breaks', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        arbInventory(CATALOG),
        fc.constantFrom(...SCENARIOS),
        fc.nat({ max: MUTATIONS.length - 1 }),
        (inventory, scenario, pick) => {
          let plan: Plan;
          try {
            plan = planUpgrade(inventory, CATALOG, scenario);
          } catch {
            // The scenario refuses this inventory (no spare hosts, computes too old): plan-properties covers it.
            return;
          }
          // The chosen mutation, or the next one that applies to this scenario and plan.
          for (let k = 0; k < MUTATIONS.length; k++) {
            const mutation = MUTATIONS[(pick + k) % MUTATIONS.length]!;
            const mutant = mutate(plan, mutation);
            if (mutant === undefined) continue;
            seen.add(mutation.name);
            expectRejected(mutant, inventory, mutation, `${scenario}: ${mutation.name}`);
            return;
          }
        },
      ),
      { numRuns: Number(process.env.STACKHOP_PROPERTY_RUNS ?? 40) },
    );
    expect(seen.size).toBeGreaterThan(3);
  });
});
