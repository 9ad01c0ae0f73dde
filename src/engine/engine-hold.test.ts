// Holding a run from outside (the dashboard's pause): journaled at once, nothing new starts, running
// steps finish, and the same process carries on when released — or aborts.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeDriver } from '../../test/support/fake-driver.js';
import { CATALOG } from '../catalog/index.js';
import { parseInventory } from '../inventory/load.js';
import { planUpgrade } from '../plan/planners/index.js';
import type { Plan } from '../plan/types.js';
import { MemoryJournal } from '../store/memory-journal.js';
import { Engine } from './engine.js';
import type { EngineEvent } from './events.js';
import { VirtualClock } from './virtual-clock.js';

const YAML = `
cloud: t
upgrade: { from: havana, to: icehouse }
distro: ubuntu-12.04-uca
networking: neutron-ovs
hosts:
  - { name: "ctl[1:2]", address: "10.0.0.[1:2]", roles: [controller] }
  - { name: net1, address: 10.0.1.1, roles: [network] }
  - { name: "cmp[01:06]", address: "10.0.2.[1:6]", roles: [compute] }
facts: { versions: { nova-compute: 2013.2.3 } }
policy: { max_parallel_computes: 2, canary: [1], max_failed_hosts: 1, drain: live-migrate, gates: [] }
`;

const plan: Plan = planUpgrade(parseInventory(YAML, 't.yaml', CATALOG), CATALOG, 'live-compute');

async function heldRun(holdAfter: number, then: 'carry-on' | 'abort') {
  const clock = new VirtualClock(0);
  const journal = new MemoryJournal();
  await journal.createRun(
    {
      id: 'r1',
      created_at: 0,
      created_wall: '2026-11-26T00:00:00Z',
      cloud: plan.cloud,
      scenario: plan.scenario,
      plan_hash: 'h',
      driver: 'twin',
      options: {},
    },
    plan,
  );
  const engine = new Engine({
    runId: 'r1',
    plan,
    check: { ok: true, violations: [], suppressed: {} },
    driver: new FakeDriver(clock),
    clock,
    journal,
    approveGate: async () => 'test',
  });
  const events: EngineEvent[] = [];
  let starts = 0;
  engine.on((e) => {
    events.push(e);
    if (e.type === 'step-started' && ++starts === holdAfter) engine.hold('test hold');
    if (e.type === 'run-paused') {
      // The operator comes back a while later (real time: the clock is frozen while nothing runs).
      setTimeout(() => (then === 'carry-on' ? engine.carryOn() : engine.abort('test abort')), 5);
    }
  });
  const outcome = await clock.run(() => engine.run(), { idle: () => engine.waitingForOperator });
  return { outcome, events, stored: await journal.loadRun('r1') };
}

describe('holding a run', () => {
  it('journals the pause at once, starts nothing while held, and finishes after carrying on', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: plan.steps.length - 1 }), async (holdAfter) => {
        const { outcome, events, stored } = await heldRun(holdAfter, 'carry-on');
        expect(outcome.status).toBe('succeeded');
        expect(stored?.status).toBe('succeeded');
        const paused = events.findIndex((e) => e.type === 'run-paused');
        const resumed = events.findIndex((e) => e.type === 'run-resumed');
        expect(paused).toBeGreaterThan(0);
        expect(resumed).toBeGreaterThan(paused);
        // Nothing starts between the pause and the carry-on; what was running finished meanwhile.
        const between = events.slice(paused + 1, resumed);
        expect(between.filter((e) => e.type === 'step-started')).toEqual([]);
        const running = new Set<string>();
        for (const e of events.slice(0, paused)) {
          if (e.type === 'step-started') running.add(e.step);
          if (e.type === 'step-succeeded') running.delete(e.step);
        }
        const finishedWhileHeld = between.filter((e) => e.type === 'step-succeeded').map((e) => e.step);
        expect(new Set(finishedWhileHeld)).toEqual(running);
        expect(events.filter((e) => e.type === 'step-succeeded')).toHaveLength(plan.steps.length);
      }),
      { numRuns: 15 },
    );
  });

  it('aborts from the hold: the run ends aborted, not paused', async () => {
    const { outcome, events } = await heldRun(5, 'abort');
    expect(outcome.status).toBe('aborted');
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', status: 'aborted' });
  });
});
