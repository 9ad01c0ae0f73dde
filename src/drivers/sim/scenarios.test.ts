// Every scenario's plan, executed step by step in plan order on the twin of a small HA cloud
// (2 controllers, 2 network nodes, 4 computes with 40 instances, 2 storage nodes; 3 spares).

import { describe, expect, it } from 'vitest';
import type { ScenarioId } from '../../catalog/types.js';
import type { Plan, Step } from '../../plan/types.js';
import { exampleInventory, newTwin, planFor, runSteps, smallInventory } from './testing.js';

const INSTANCES = 40;

async function rehearseAll(plan: Plan, inv = smallInventory(), steps: readonly Step[] = plan.steps) {
  const { twin, clock } = newTwin(inv, plan.scenario);
  const records = await runSteps(twin, clock, steps);
  const failed = records.filter((r) => !r.ok).map((r) => `${r.step.id}: ${r.error}`);
  return { twin, records, failed, m: twin.metrics() };
}

/** Steps on compute `host` that stop or restart its L2 agent (the network blips the twin counts). */
function agentStops(plan: Plan, host: string): number {
  return plan.steps.filter(
    (s) =>
      s.host === host &&
      (s.action.kind === 'stop-services' || s.action.kind === 'restart-services') &&
      s.action.services.includes('neutron-openvswitch-agent'),
  ).length;
}

function expectCommon(r: Awaited<ReturnType<typeof rehearseAll>>) {
  expect(r.failed).toEqual([]);
  expect(r.m.not_on_target).toEqual([]);
  expect(r.m.rpc_errors).toBe(0);
  expect(r.m.rpc_error_samples).toEqual([]);
  expect(r.m.instances_lost).toBe(0);
}

describe('live-compute on the twin', () => {
  const inv = smallInventory();
  const plan = planFor(inv, 'live-compute');

  it('ends on icehouse with no RPC error, no instance lost, every instance live-migrated at least once', async () => {
    const r = await rehearseAll(plan, inv);
    expectCommon(r);
    expect(r.records).toHaveLength(plan.steps.length);
    expect(r.m.instances_alive).toBe(INSTANCES);
    expect(r.m.live_migrations).toBeGreaterThanOrEqual(INSTANCES);
    expect(r.m.gb_moved).toBe((r.m.live_migrations * 4096) / 1024);
    expect(r.m.cold_migrations).toBe(0);
    expect(r.m.event_errors).toBe(0);
    // Havana computes ran beside Icehouse controllers, under the pin.
    expect(r.m.mixed_version_window_s).toBeGreaterThan(0);
    // Every conductor is stopped while the Nova schema migrates: the compute API and every compute's
    // control plane are out meanwhile.
    expect(r.m.db_wait_s).toBeGreaterThan(0);
    expect(r.m.compute_control.most_at_once).toBe(4);
    // Stopped for their own upgrade: one compute at a time (max_parallel_computes 1).
    expect(r.m.compute_stopped.most_at_once).toBe(1);
    expect(r.m.compute_stopped.hosts).toBe(4);
    expect(r.m.compute_stopped.host_seconds).toBeLessThan(r.m.compute_control.host_seconds);
    expect(r.m.api_downtime_s['compute-api']).toBeGreaterThan(0);
    for (const h of ['cmp001', 'cmp004']) {
      const v = r.twin.state.host(h)!;
      expect(v.enabled).toBe(true);
      expect(v.pins).toEqual({});
      expect(v.services['nova-compute']).toMatchObject({ running: 'icehouse', up: true, pins: {} });
    }
    expect(r.twin.state.database('nova')?.head).toBe('233');
  });

  it('interrupts no workload, unless the final phase restarts L2 agents on computes that hold instances', async () => {
    // Computes are stopped only once drained; the one way left to cut an instance's network is a
    // restart of the L2 agent after the instances came back (Icehouse's OVS agent resets its flows on
    // start; OPS warns of the blips).
    const agent = 'neutron-openvswitch-agent';
    const isFinalComputeRestart = (s: Step) =>
      s.phase === 'final' && s.host.startsWith('cmp') && s.action.kind === 'restart-services';
    const restartsAgent = plan.steps.some(
      (s) =>
        isFinalComputeRestart(s) && s.action.kind === 'restart-services' && s.action.services.includes(agent),
    );
    const r = await rehearseAll(plan, inv);
    expect(r.m.workload_interruptions).toBe(restartsAgent ? INSTANCES : 0);
    // The same plan with the agent restarted in the final phase: every instance blips once.
    const noisy = plan.steps.map((s) =>
      isFinalComputeRestart(s) && s.action.kind === 'restart-services'
        ? { ...s, action: { ...s.action, services: [...new Set([...s.action.services, agent])] } }
        : s,
    );
    const n = await rehearseAll(plan, inv, noisy);
    expectCommon(n);
    expect(n.m.workload_interruptions).toBe(INSTANCES);
  });

  it('rehearses the nova-network example (network pin, multi-host nova-network)', async () => {
    const nn = exampleInventory('examples/nova-network.yaml');
    const r = await rehearseAll(planFor(nn, 'live-compute'), nn);
    expectCommon(r);
    // drain: wait in that inventory: every instance on a drained compute ended by itself.
    expect(r.m.instances_ended + r.m.instances_alive).toBe(120);
  });
});

describe.each<[ScenarioId, number]>([
  // all-at-once: each compute's agent stops once, with its instances on it.
  ['all-at-once', 1],
  // service-by-service: the neutron phase stops the agents, the final phase restarts them.
  ['service-by-service', 2],
])('%s on the twin', (scenario, stops) => {
  const inv = smallInventory();
  const plan = planFor(inv, scenario);

  it('ends on icehouse, interrupting workloads only through agent stops, moving none', async () => {
    const r = await rehearseAll(plan, inv);
    expectCommon(r);
    expect(agentStops(plan, 'cmp002')).toBe(stops);
    expect(r.m.workload_interruptions).toBe(stops * INSTANCES);
    expect(r.m.live_migrations + r.m.cold_migrations).toBe(0);
    expect(r.m.instances_alive).toBe(INSTANCES);
    // Nova controllers and computes go down together: never two releases side by side.
    expect(r.m.mixed_version_window_s).toBe(0);
    expect(r.m.compute_control.hosts).toBe(4);
    expect(r.m.event_errors).toBe(0);
  });
});

describe('parallel-compute on the twin', () => {
  it('drains by waiting: no interruption, no migration, spares used', async () => {
    const inv = smallInventory({ drain: 'wait' });
    const plan = planFor(inv, 'parallel-compute');
    const r = await rehearseAll(plan, inv);
    expectCommon(r);
    expect(r.m.workload_interruptions).toBe(0);
    expect(r.m.instances_ended).toBe(INSTANCES);
    expect(r.m.extra_hosts).toBe(3);
    expect(r.m.mixed_version_window_s).toBe(0);
    expect(r.twin.state.host('cmp001')?.env).toBe('new');
    expect(r.twin.state.database('nova')?.head).toBe('216');
    expect(r.twin.state.database('nova_icehouse')?.head).toBe('233');
    expect(r.twin.state.apiUp('compute-api', 'new')).toBe(true);
    expect(r.twin.state.apiUp('compute-api', 'old')).toBe(false);
  });

  it('counts the events an Icehouse neutron-server sends to the Havana Nova API, unless its notifications are off', async () => {
    const inv = smallInventory({ drain: 'wait' });
    const plan = planFor(inv, 'parallel-compute');
    const off = (s: Step) =>
      s.action.kind === 'edit-config' && s.action.edits.some((e) => e.id.endsWith('-off'));
    const r = await rehearseAll(plan, inv);
    expect(r.m.event_errors).toBe(plan.steps.some(off) ? 0 : r.m.event_errors);
    // Without the edit that turns them off until the new Nova serves, every port event fails meanwhile.
    const loud = plan.steps.map((s) =>
      s.action.kind === 'edit-config'
        ? { ...s, action: { ...s.action, edits: s.action.edits.filter((e) => !e.id.endsWith('-off')) } }
        : s,
    );
    const l = await rehearseAll(plan, inv, loud);
    expectCommon(l);
    expect(l.m.event_errors).toBeGreaterThan(0);
    expect(l.m.event_error_samples[0]).toMatch(/os-server-external-events 404 .*nova-api runs havana/);
  });

  it('drains by redeploying: each instance interrupted once, none lost', async () => {
    const inv = smallInventory({ drain: 'cold-migrate' });
    const plan = planFor(inv, 'parallel-compute');
    const r = await rehearseAll(plan, inv);
    expectCommon(r);
    expect(r.m.cold_migrations).toBe(INSTANCES);
    expect(r.m.instances_alive).toBe(INSTANCES);
    // Plus the final agent restarts on the computes that hold the redeployed instances.
    expect(r.m.workload_interruptions).toBeGreaterThanOrEqual(INSTANCES);
  });
});
