// Test support: build small clouds and drive the twin through a plan without the engine (steps one at a
// time in plan order, each after its `after`), so the twin's tests do not depend on the scheduler.

import { readFileSync } from 'node:fs';
import { CATALOG } from '../../catalog/index.js';
import type { ScenarioId } from '../../catalog/types.js';
import { VirtualClock } from '../../engine/virtual-clock.js';
import { parseInventory } from '../../inventory/load.js';
import type { Inventory } from '../../inventory/types.js';
import { planUpgrade } from '../../plan/planners/index.js';
import type { Plan, Step } from '../../plan/types.js';
import type { Fault } from './faults.js';
import type { TwinStore } from './store.js';
import { Twin } from './twin.js';

export const EPOCH = Date.UTC(2026, 0, 1);

/** A small HA cloud: 2 controllers, 2 network nodes, `computes` computes, 2 storage nodes, 2 spares. */
export function smallInventory(
  opts: { computes?: number; instances?: number; networking?: string; extra?: string; drain?: string } = {},
): Inventory {
  const computes = opts.computes ?? 4;
  const text = `
cloud: twin-test
upgrade: { from: havana, to: icehouse }
distro: ubuntu-12.04-uca
networking: ${opts.networking ?? 'neutron-ovs'}
ssh: { user: root }
database: { host: ctl1 }
hosts:
  - { name: "ctl[1:2]", roles: [controller, database, messaging] }
  ${opts.networking === 'nova-network' ? '' : '- { name: "net[1:2]", roles: [network] }'}
  - { name: "cmp[001:${String(computes).padStart(3, '0')}]", roles: [compute] }
  - { name: "stor[1:2]", roles: [storage] }
spare_hosts:
  - { name: "new[1:2]", roles: [compute] }
  - { name: newctl1, roles: [controller] }
facts:
  instances: ${opts.instances ?? 40}
  instance_ram_mb: 4096
  migration_bandwidth_mbps: 1000
  db_rows: { nova.instances: 250000, keystone.token: 1200000, heat.event: 50000 }
  versions: { nova-compute: 2013.2.3 }
  drain_wait_s: 3600
${opts.extra ?? ''}
policy:
  max_parallel_computes: 1
  canary: [1]
  max_failed_hosts: 0
  drain: ${opts.drain ?? 'live-migrate'}
`;
  return parseInventory(text, 'twin-test.yaml', CATALOG);
}

export function exampleInventory(file: string): Inventory {
  return parseInventory(readFileSync(file, 'utf8'), file, CATALOG);
}

export function planFor(inventory: Inventory, scenario: ScenarioId): Plan {
  return planUpgrade(inventory, CATALOG, scenario);
}

export function newTwin(
  inventory: Inventory,
  scenario: ScenarioId,
  opts: { seed?: number; faults?: Fault[]; store?: TwinStore; start?: number } = {},
): { twin: Twin; clock: VirtualClock } {
  const clock = new VirtualClock(opts.start ?? EPOCH);
  const twin = new Twin({
    inventory,
    catalog: CATALOG,
    scenario,
    seed: opts.seed ?? 1,
    clock,
    ...(opts.faults === undefined ? {} : { faults: opts.faults }),
    ...(opts.store === undefined ? {} : { store: opts.store }),
  });
  return { twin, clock };
}

export interface StepRecord {
  step: Step;
  ok: boolean;
  error?: string;
  summary?: string;
  startedAt: number;
  endedAt: number;
}

/**
 * Runs `steps` one at a time in the given order; a step whose dependency did not succeed is skipped.
 * Stops at the first failure unless `keepGoing`.
 */
export async function runSteps(
  twin: Twin,
  clock: VirtualClock,
  steps: readonly Step[],
  opts: { keepGoing?: boolean; attempt?: number } = {},
): Promise<StepRecord[]> {
  const out: StepRecord[] = [];
  const done = new Set<string>();
  const known = new Set(steps.map((s) => s.id));
  await clock.run(async () => {
    for (const step of steps) {
      if (step.after.some((a) => known.has(a) && !done.has(a))) continue;
      const startedAt = clock.now();
      try {
        const r = await twin.execute(step, {
          runId: 'test',
          attempt: opts.attempt ?? 1,
          signal: new AbortController().signal,
          output: () => undefined,
        });
        done.add(step.id);
        out.push({
          step,
          ok: true,
          startedAt,
          endedAt: clock.now(),
          ...(r.summary === undefined ? {} : { summary: r.summary }),
        });
      } catch (err) {
        out.push({ step, ok: false, error: (err as Error).message, startedAt, endedAt: clock.now() });
        if (opts.keepGoing !== true) return;
      }
    }
  });
  return out;
}
