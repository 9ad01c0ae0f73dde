import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../catalog/index.js';
import type { StepState } from '../engine/journal.js';
import { EXAMPLE_INVENTORY } from '../inventory/example.js';
import { parseInventory } from '../inventory/load.js';
import { planUpgrade } from './planners/index.js';
import { checkRollbackPlan, rollbackPlan } from './rollback-plan.js';
import type { Plan } from './types.js';

const inventory = parseInventory(EXAMPLE_INVENTORY, 'example.yaml', CATALOG);

function statesUpTo(plan: Plan, n: number): Map<string, StepState> {
  const out = new Map<string, StepState>();
  for (const s of plan.steps.slice(0, n)) out.set(s.id, { status: 'succeeded', attempt: 1 });
  return out;
}

describe('rollback plan', () => {
  const plan = planUpgrade(inventory, CATALOG, 'service-by-service');

  it('after a whole run: every touched host is stopped, downgraded, restored and started; databases restored once', () => {
    const rb = rollbackPlan(
      { id: 'r1', plan, steps: statesUpTo(plan, plan.steps.length) },
      inventory,
      CATALOG,
    );
    expect(checkRollbackPlan(rb, inventory, CATALOG)).toMatchObject({ ok: true, violations: [] });
    expect(rb.from).toBe('icehouse');
    expect(rb.to).toBe('havana');
    const kinds = rb.steps.map((s) => s.action.kind);
    expect(kinds.filter((k) => k === 'restore-database')).toHaveLength(1);
    const starts = rb.steps.filter((s) => s.action.kind === 'start-services').map((s) => s.host);
    const downgrades = rb.steps.filter((s) => s.action.kind === 'downgrade-packages').map((s) => s.host);
    expect(starts.length).toBeGreaterThan(0);
    for (const h of downgrades)
      if (!inventory.spare_hosts.some((x) => x.name === h)) expect(starts).toContain(h);
  });

  it('a run that changed nothing rolls back nothing but the check', () => {
    const rb = rollbackPlan({ id: 'r1', plan, steps: new Map() }, inventory, CATALOG);
    expect(rb.steps.map((s) => s.action.kind)).toEqual(['verify']);
  });

  it('for any prefix of the run, the rollback plan holds its invariants, and dropping an order breaks them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: plan.steps.length }), fc.nat(), (n, pick) => {
        const rb = rollbackPlan({ id: 'r1', plan, steps: statesUpTo(plan, n) }, inventory, CATALOG);
        expect(checkRollbackPlan(rb, inventory, CATALOG).ok).toBe(true);
        const starts = rb.steps.filter((s) => s.action.kind === 'start-services' && s.after.length > 0);
        if (starts.length === 0) return;
        const victim = starts[pick % starts.length]!;
        const broken: Plan = {
          ...rb,
          steps: rb.steps.map((s) => (s.id === victim.id ? { ...s, after: [] } : s)),
        };
        expect(checkRollbackPlan(broken, inventory, CATALOG).ok).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
