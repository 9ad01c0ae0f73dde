// On random inventories, every scenario's rehearsal ends with every service on the target release, no
// RPC error and no instance lost; live-compute and parallel-compute interrupt no workload when instances
// move live or are waited for (the operator can ask otherwise: drain: cold-migrate, or none).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../src/catalog/index.js';
import { SCENARIOS } from '../src/catalog/types.js';
import { StackhopError } from '../src/errors.js';
import { planUpgrade } from '../src/plan/planners/index.js';
import { rehearse } from '../src/rehearse/rehearse.js';
import { MemoryJournal } from '../src/store/memory-journal.js';
import { arbInventory } from './arbitraries/inventory.js';

const RUNS = Number(process.env.STACKHOP_PROPERTY_RUNS ?? 12);

describe('rehearsal on random inventories', () => {
  it.each(SCENARIOS)(
    '%s: everything upgraded, no RPC error, no instance lost',
    async (scenario) => {
      let rehearsed = 0;
      let stoppedForRoom = 0;
      await fc.assert(
        fc.asyncProperty(
          arbInventory(CATALOG),
          fc.integer({ min: 0, max: 1000 }),
          async (inventory, seed) => {
            let plan: ReturnType<typeof planUpgrade>;
            try {
              plan = planUpgrade(inventory, CATALOG, scenario);
            } catch (err) {
              // Clouds a scenario cannot upgrade (no spare hosts, computes too old) are refused with a
              // clear input error; that is tested with the planners.
              if (err instanceof StackhopError) return;
              throw err;
            }
            rehearsed++;
            const r = await rehearse({
              inventory,
              inventoryText: '',
              catalog: CATALOG,
              scenario,
              seed,
              plan,
              journal: new MemoryJournal(),
              runId: 'prop',
            });
            const m = r.metrics;
            // Random clouds can be too full to move a batch's instances (the planner cannot know host
            // RAM): the plan's capacity check then stops the run before anything moves. That is the
            // safe outcome, not a failure; everything else must end upgraded.
            if (
              r.outcome.status === 'stopped' &&
              /verify-capacity-b\d+ failed/.test(r.outcome.reason ?? '')
            ) {
              stoppedForRoom++;
              expect(m.rpc_errors + m.event_errors).toBe(0);
              expect(m.instances_lost).toBe(0);
              return;
            }
            expect(r.outcome.status, r.outcome.reason).toBe('succeeded');
            expect(m.not_on_target).toEqual([]);
            expect(m.rpc_errors, m.rpc_error_samples.join('\n')).toBe(0);
            expect(m.event_errors).toBe(0);
            expect(m.instances_lost).toBe(0);
            // Instances stay untouched when they move live or are waited for; a cold migration reboots
            // them, and drain: none (live-compute) upgrades computes under running instances.
            const drain = inventory.policy.drain;
            const gentle =
              scenario === 'parallel-compute'
                ? drain !== 'cold-migrate'
                : drain === 'live-migrate' || drain === 'wait';
            if ((scenario === 'live-compute' || scenario === 'parallel-compute') && gentle) {
              expect(m.workload_interruptions).toBe(0);
            }
          },
        ),
        { numRuns: RUNS },
      );
      expect(rehearsed).toBeGreaterThan(0);
      // Most random clouds have the room; a property that only ever stopped would prove little.
      expect(
        stoppedForRoom,
        `${stoppedForRoom} of ${rehearsed} stopped at a capacity check`,
      ).toBeLessThanOrEqual(rehearsed / 2);
    },
    120_000,
  );
});
