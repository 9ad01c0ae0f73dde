// The comparison agrees with the seed on the bundled HA example (issue 3, must show).

import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../src/catalog/index.js';
import { compareScenarios } from '../src/compare/compare.js';
import type { Comparison, ScenarioOutcome } from '../src/compare/types.js';
import { parseInventory } from '../src/inventory/load.js';

type Feasible = Extract<ScenarioOutcome, { feasible: true }>;

const FILE = 'examples/ha-ubuntu.yaml';
const text = readFileSync(FILE, 'utf8');
const inventory = parseInventory(text, FILE, CATALOG);
const computes = inventory.hosts.filter((h) => h.services.includes('nova-compute')).length;

let comparison: Comparison;
const of = (scenario: string): Feasible => {
  const o = comparison.outcomes.find((x) => x.scenario === scenario);
  if (o === undefined || !o.feasible) throw new Error(`${scenario} was not rehearsed`);
  return o;
};

beforeAll(async () => {
  comparison = await compareScenarios({
    inventory,
    inventoryText: text,
    catalog: CATALOG,
    seed: 1,
    constraints: {},
  });
});

describe('compare on the bundled HA example agrees with the seed', () => {
  it('every scenario rehearses cleanly: all services upgraded, no RPC error, no instance lost', () => {
    for (const o of comparison.outcomes) {
      expect(o.feasible, o.scenario).toBe(true);
      const m = (o as Feasible).measure;
      expect((o as Feasible).status, o.scenario).toBe('succeeded');
      expect(m.rpc_errors + m.event_errors, o.scenario).toBe(0);
      expect(m.instances_lost, o.scenario).toBe(0);
      expect(m.not_on_target, o.scenario).toEqual([]);
    }
  });

  it('all-at-once has the longest outage of every API', () => {
    const aao = of('all-at-once').measure.api_downtime_s;
    const apis = Object.keys(aao);
    expect(apis.length).toBeGreaterThanOrEqual(5);
    for (const api of apis) {
      for (const other of ['service-by-service', 'parallel-compute', 'live-compute']) {
        expect(aao[api], `${api}: all-at-once vs ${other}`).toBeGreaterThan(
          of(other).measure.api_downtime_s[api] ?? 0,
        );
      }
    }
  });

  it('service-by-service interrupts the Nova API and every compute together', () => {
    const m = of('service-by-service').measure;
    expect(m.api_downtime_s['compute-api']).toBeGreaterThan(0);
    expect(m.compute_stopped.most_at_once).toBe(computes);
  });

  it('parallel-compute needs extra hosts and has no Nova DB-migration wait', () => {
    const m = of('parallel-compute').measure;
    expect(m.extra_hosts).toBeGreaterThan(0);
    expect(m.nova_db_wait_s).toBe(0);
    expect(of('service-by-service').measure.nova_db_wait_s).toBeGreaterThan(0);
    expect(m.workload_interruptions).toBe(0);
  });

  it('live-compute interrupts computes one batch at a time, without extra hosts', () => {
    const m = of('live-compute').measure;
    expect(m.extra_hosts).toBe(0);
    expect(m.compute_stopped.most_at_once).toBeLessThanOrEqual(inventory.policy.max_parallel_computes);
    expect(m.compute_stopped.most_at_once).toBeLessThan(computes);
    expect(m.workload_interruptions).toBe(0);
    expect(m.live_migrations).toBeGreaterThan(0);
  });

  it('recommends a scenario and explains every verdict', () => {
    expect(comparison.recommended).toBeDefined();
    expect(comparison.verdicts.every((v) => v.because.length > 0)).toBe(true);
  });
});
