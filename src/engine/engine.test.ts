import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbInventory } from '../../test/arbitraries/inventory.js';
import { FakeDriver } from '../../test/support/fake-driver.js';
import { CATALOG } from '../catalog/index.js';
import { SCENARIOS, type ScenarioId } from '../catalog/types.js';
import { parseInventory } from '../inventory/load.js';
import type { CheckResult } from '../plan/check/types.js';
import { buildGraph } from '../plan/graph.js';
import { planUpgrade } from '../plan/planners/index.js';
import type { Plan, Step } from '../plan/types.js';
import { CLOUD } from '../plan/types.js';
import { MemoryJournal } from '../store/memory-journal.js';
import { Engine, type EngineOptions } from './engine.js';
import type { EngineEvent } from './events.js';
import { computeHosts } from './host-classes.js';
import type { RunHeader } from './journal.js';
import { VirtualClock } from './virtual-clock.js';

const OK: CheckResult = { ok: true, violations: [], suppressed: {} };

const YAML = `
cloud: t
upgrade: { from: havana, to: icehouse }
distro: ubuntu-12.04-uca
networking: neutron-ovs
hosts:
  - { name: "ctl[1:2]", address: "10.0.0.[1:2]", roles: [controller] }
  - { name: net1, address: 10.0.1.1, roles: [network] }
  - { name: "cmp[01:12]", address: "10.0.2.[1:12]", roles: [compute] }
facts: { versions: { nova-compute: 2013.2.3 } }
policy: { max_parallel_computes: 3, canary: [1, 3], max_failed_hosts: 1, drain: live-migrate, gates: [] }
`;

function planFor(scenario: ScenarioId, yaml = YAML): Plan {
  return planUpgrade(parseInventory(yaml, 't.yaml', CATALOG), CATALOG, scenario);
}

function header(plan: Plan, id = 'r1'): RunHeader {
  return {
    id,
    created_at: 0,
    created_wall: '2026-11-25T00:00:00Z',
    cloud: plan.cloud,
    scenario: plan.scenario,
    plan_hash: 'h',
    driver: 'twin',
    options: {},
  };
}

async function runEngine(
  plan: Plan,
  driverScript: ConstructorParameters<typeof FakeDriver>[1] = {},
  extra: Partial<EngineOptions> = {},
  journal = new MemoryJournal(),
  clock = new VirtualClock(0),
) {
  const driver = new FakeDriver(clock, driverScript);
  if (extra.resumeFrom === undefined) await journal.createRun(header(plan), plan);
  const engine = new Engine({
    runId: 'r1',
    plan,
    check: OK,
    driver,
    clock,
    journal,
    approveGate: async () => 'test',
    ...extra,
  });
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  const outcome = await clock.run(() => engine.run());
  return { outcome, driver, events, journal, clock, engine };
}

/** Every step started (per the engine's events) after every dependency succeeded, and ran once. */
function expectDependenciesRespected(plan: Plan, events: readonly EngineEvent[]): void {
  const endOf = new Map<string, number>();
  const started = new Set<string>();
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  for (const e of events) {
    if (e.type === 'step-succeeded') endOf.set(e.step, e.at);
    if (e.type !== 'step-started') continue;
    expect(started.has(e.step), `${e.step} started twice`).toBe(false);
    started.add(e.step);
    for (const dep of byId.get(e.step)!.after) {
      const end = endOf.get(dep);
      expect(end, `${e.step} started before ${dep} succeeded`).toBeDefined();
      expect(end!).toBeLessThanOrEqual(e.at);
    }
  }
}

/** Largest number of distinct compute hosts with a step running at one instant. */
function peakBusyComputes(plan: Plan, executions: FakeDriver['executions']): number {
  const computes = computeHosts(plan);
  const points: Array<[number, number, string]> = [];
  for (const x of executions) {
    if (!computes.has(x.host) || x.end === x.start) continue;
    points.push([x.start, 1, x.host], [x.end, -1, x.host]);
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const busy = new Map<string, number>();
  let peak = 0;
  for (const [, d, host] of points) {
    busy.set(host, (busy.get(host) ?? 0) + d);
    if (busy.get(host) === 0) busy.delete(host);
    peak = Math.max(peak, busy.size);
  }
  return peak;
}

describe('Engine', () => {
  it.each(SCENARIOS)(
    '%s: runs every step once, after its dependencies, within the limits',
    async (scenario) => {
      const yaml =
        scenario === 'parallel-compute'
          ? `${YAML}spare_hosts:\n  - { name: new1, roles: [compute] }\n`
          : YAML;
      const plan = planFor(scenario, yaml);
      const { outcome, driver, journal, events } = await runEngine(plan, {}, { parallelism: 8 });
      expect(outcome.status).toBe('succeeded');
      expect(outcome.counts.succeeded).toBe(plan.steps.length);
      expect(driver.executions).toHaveLength(plan.steps.length - plan.steps.filter(isGate).length);
      expectDependenciesRespected(plan, events);
      expect(driver.maxRunning).toBeLessThanOrEqual(8);
      expect(peakBusyComputes(plan, driver.executions)).toBeLessThanOrEqual(
        plan.policy.max_parallel_computes,
      );
      const stored = await journal.loadRun('r1');
      expect(stored?.status).toBe('succeeded');
      expect([...stored!.steps.values()].every((s) => s.status === 'succeeded' && s.attempt === 1)).toBe(
        true,
      );
    },
  );

  it('uses all the parallelism it is given when there is enough independent work', async () => {
    const plan = planFor(
      'all-at-once',
      YAML.replace('max_parallel_computes: 3', 'max_parallel_computes: 20'),
    );
    for (const p of [1, 5, 9]) {
      const { driver } = await runEngine(plan, {}, { parallelism: p });
      expect(driver.maxRunning).toBe(p);
    }
    const limited = planFor('all-at-once');
    const { driver, events } = await runEngine(limited, {}, { parallelism: 9 });
    expect(peakBusyComputes(limited, driver.executions)).toBe(3);
    expectDependenciesRespected(limited, events);
  });

  it('with unlimited parallelism the makespan is exactly the critical path', async () => {
    const plan = planFor('live-compute');
    const { outcome } = await runEngine(plan, {}, { parallelism: 10_000 });
    expect(outcome.status).toBe('succeeded');
    // Computes are still limited by policy; lift the limit to compare with the pure critical path.
    const unlimited = { ...plan, policy: { ...plan.policy, max_parallel_computes: 10_000 } };
    const r = await runEngine(unlimited, {}, { parallelism: 10_000 });
    expect((r.outcome.finishedAt - r.outcome.startedAt) / 1000).toBeCloseTo(plan.estimate.duration_s, 6);
  });

  it('journals a step as running before the driver sees it, and its success before dependents start', async () => {
    const plan = planFor('live-compute');
    const journal = new MemoryJournal();
    const order: string[] = [];
    const spy = new Proxy(journal, {
      get(target, prop, receiver) {
        if (prop === 'append') {
          return async (runId: string, events: readonly EngineEvent[]) => {
            for (const e of events)
              if (e.type === 'step-started' || e.type === 'step-succeeded') order.push(`${e.type} ${e.step}`);
            return target.append(runId, events);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    const clock = new VirtualClock(0);
    const driver = new FakeDriver(clock);
    const seen: string[] = [];
    const original = driver.execute.bind(driver);
    driver.execute = async (step, ctx) => {
      seen.push(step.id);
      expect(order).toContain(`step-started ${step.id}`);
      for (const dep of step.after) expect(order).toContain(`step-succeeded ${dep}`);
      return original(step, ctx);
    };
    await journal.createRun(header(plan), plan);
    const engine = new Engine({
      runId: 'r1',
      plan,
      check: OK,
      driver,
      clock,
      journal: spy,
      approveGate: async () => 'x',
    });
    const outcome = await clock.run(() => engine.run());
    expect(outcome.status).toBe('succeeded');
    expect(seen.length).toBeGreaterThan(0);
  });

  it('drops a failed compute within the budget, finishes its batch without it and holds later phases', async () => {
    const plan = planFor('live-compute');
    const failing = (s: Step) => s.host === 'cmp05' && s.action.kind === 'upgrade-packages';
    const { outcome, events, driver } = await runEngine(plan, { fails: failing });
    expect(outcome.status).toBe('stopped');
    expect(outcome.failedHosts).toEqual(['cmp05']);
    expect(outcome.reason).toMatch(/cmp05 failed .*max_failed_hosts 1/);
    expect(events.some((e) => e.type === 'host-dropped' && e.host === 'cmp05')).toBe(true);
    const skipped = events.filter((e) => e.type === 'step-skipped').map((e) => (e as { step: string }).step);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((id) => id.includes('/cmp05/'))).toBe(true);
    // Every other compute finished its rolling phase; nothing of the final phase ran.
    const computesPhase = plan.steps.find(
      (s) => s.host === 'cmp05' && s.action.kind === 'upgrade-packages',
    )!.phase;
    const ran = new Set(driver.executions.map((x) => x.step));
    for (const s of plan.steps) {
      if (s.phase === computesPhase && s.host !== 'cmp05' && s.host !== CLOUD)
        expect(ran.has(s.id), s.id).toBe(true);
    }
    const phaseIndex = new Map(plan.phases.map((p, i) => [p.id, i]));
    const later = plan.steps.filter((s) => phaseIndex.get(s.phase)! > phaseIndex.get(computesPhase)!);
    expect(later.some((s) => ran.has(s.id))).toBe(false);
    expect(outcome.restored).toEqual([
      {
        host: 'cmp05',
        enabled: false,
        reason: expect.stringMatching(/computes\/cmp05\/.* failed; left disabled for inspection/),
      },
    ]);
  });

  it('past the budget starts nothing new, lets running steps finish and restores healthy computes', async () => {
    const plan = planFor('live-compute');
    const failing = (s: Step) =>
      (s.host === 'cmp02' || s.host === 'cmp03') && s.action.kind === 'drain-compute';
    const { outcome, events, driver } = await runEngine(plan, { fails: failing });
    expect(outcome.status).toBe('stopped');
    expect(outcome.reason).toMatch(/2 computes failed .*more than max_failed_hosts 1/);
    const stopAt = events.findIndex((e) => e.type === 'run-stopping');
    expect(stopAt).toBeGreaterThan(0);
    expect(events.slice(stopAt).some((e) => e.type === 'step-started')).toBe(false);
    // Every compute whose nova-compute is up ends enabled; the others are reported with a reason.
    for (const [host, up] of [...driver.up, ...driver.enabled].map(
      ([h]) => [h, driver.up.get(h) ?? true] as const,
    )) {
      const failed = outcome.failedHosts.includes(host);
      if (up && !failed) expect(driver.enabled.get(host) ?? true, host).toBe(true);
    }
    const notEnabled = [...driver.enabled]
      .filter(([, on]) => !on)
      .map(([h]) => h)
      .sort();
    expect(
      outcome.restored
        .filter((r) => !r.enabled)
        .map((r) => r.host)
        .sort(),
    ).toEqual(notEnabled);
  });

  it('a failed controller step stops the run at once', async () => {
    const plan = planFor('live-compute');
    const failing = (s: Step) => s.host === 'ctl1' && s.action.kind === 'upgrade-packages';
    const { outcome, events } = await runEngine(plan, { fails: failing });
    expect(outcome.status).toBe('stopped');
    expect(outcome.reason).toMatch(/ctl1\/.*failed; later steps depend on it/);
    expect(events.some((e) => e.type === 'host-dropped')).toBe(false);
  });

  it('a hanging step times out and fails', async () => {
    const plan = planFor('live-compute');
    const { outcome, events } = await runEngine(plan, {
      hangs: (s) => s.host === 'ctl2' && s.action.kind === 'db-sync',
    });
    if (!plan.steps.some((s) => s.host === 'ctl2' && s.action.kind === 'db-sync')) {
      expect(outcome.status).toBe('succeeded');
      return;
    }
    expect(outcome.status).toBe('stopped');
    expect(events.some((e) => e.type === 'step-failed' && /timed out after/.test(e.error))).toBe(true);
  });

  it('pauses at a gate nobody approves and resumes from the journal without repeating work', async () => {
    const yaml = YAML.replace('gates: []', 'gates: [after-canary]');
    const plan = planFor('live-compute', yaml);
    const journal = new MemoryJournal();
    const first = await runEngine(plan, {}, { approveGate: async () => undefined }, journal);
    expect(first.outcome.status).toBe('paused');
    expect(first.outcome.reason).toMatch(/gate .* waits for an operator's approval/);
    const stored = (await journal.loadRun('r1'))!;
    expect(stored.status).toBe('paused');
    const second = await runEngine(
      plan,
      {},
      { resumeFrom: stored, approveGate: async () => 'alice' },
      journal,
      new VirtualClock(first.clock.now()),
    );
    expect(second.outcome.status).toBe('succeeded');
    const again = new Set(first.driver.executions.map((x) => x.step));
    expect(second.driver.executions.filter((x) => again.has(x.step))).toEqual([]);
    expect(second.events.some((e) => e.type === 'gate-approved' && e.by === 'alice')).toBe(true);
  });

  it('on resume, probes running steps: done ones are not run again, the others are', async () => {
    const plan = planFor('all-at-once');
    const journal = new MemoryJournal();
    await journal.createRun(header(plan), plan);
    const g = buildGraph(plan).graph;
    const [a, b] = [g.steps[0]!, g.steps[1]!];
    await journal.append('r1', [
      { type: 'run-started', at: 0, run: 'r1', steps: plan.steps.length, resumed: false },
      { type: 'step-started', at: 0, step: a.id, host: a.host, attempt: 1 },
      { type: 'step-started', at: 0, step: b.id, host: b.host, attempt: 1 },
    ]);
    const stored = (await journal.loadRun('r1'))!;
    const clock = new VirtualClock(0);
    const driver = new FakeDriver(clock);
    driver.done.add(a.id);
    const engine = new Engine({
      runId: 'r1',
      plan,
      check: OK,
      driver,
      clock,
      journal,
      resumeFrom: stored,
      approveGate: async () => 'x',
    });
    const outcome = await clock.run(() => engine.run());
    expect(outcome.status).toBe('succeeded');
    const ran = driver.executions.map((x) => x.step);
    expect(ran).not.toContain(a.id);
    expect(ran.filter((id) => id === b.id)).toHaveLength(1);
    expect((await journal.loadRun('r1'))!.steps.get(b.id)?.attempt).toBe(2);
  });

  it('refuses a plan the checker rejects, except to rehearse it on the twin', async () => {
    const plan = planFor('live-compute');
    const clock = new VirtualClock(0);
    const rejected: CheckResult = {
      ok: false,
      violations: [{ invariant: 'live.unpin-after-computes', message: 'unpinned too early', steps: [] }],
      suppressed: {},
    };
    const base = { runId: 'r1', plan, check: rejected, clock, journal: new MemoryJournal() };
    expect(() => new Engine({ ...base, driver: new FakeDriver(clock) })).toThrow(/live.unpin-after-computes/);
    const real = Object.assign(new FakeDriver(clock), { kind: 'real' as const });
    expect(() => new Engine({ ...base, driver: real, rehearseRejected: true })).toThrow(/will not be run/);
    expect(
      () => new Engine({ ...base, driver: new FakeDriver(clock), rehearseRejected: true }),
    ).not.toThrow();
  });

  it('abort stops new work and aborts running steps', async () => {
    const plan = planFor('live-compute');
    const clock = new VirtualClock(0);
    const journal = new MemoryJournal();
    await journal.createRun(header(plan), plan);
    const driver = new FakeDriver(clock);
    const engine = new Engine({
      runId: 'r1',
      plan,
      check: OK,
      driver,
      clock,
      journal,
      approveGate: async () => 'x',
    });
    clock.at(60_000, () => engine.abort('operator said stop'));
    const outcome = await clock.run(() => engine.run());
    expect(outcome.status).toBe('aborted');
    expect(outcome.reason).toBe('operator said stop');
    expect(outcome.counts.pending).toBeGreaterThan(0);
    expect((await journal.loadRun('r1'))!.status).toBe('aborted');
  });

  it('property: on random inventories and scenarios, order and limits always hold', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbInventory(CATALOG),
        fc.constantFrom(...SCENARIOS),
        fc.integer({ min: 1, max: 20 }),
        async (inv, scenario, parallelism) => {
          if (scenario === 'parallel-compute' && inv.spare_hosts.length === 0) return;
          let plan: Plan;
          try {
            plan = planUpgrade(inv, CATALOG, scenario);
          } catch {
            return; // inputs a planner refuses (e.g. live-compute below 2013.2.2) are tested elsewhere
          }
          const { outcome, driver, events } = await runEngine(plan, {}, { parallelism });
          expect(outcome.status).toBe('succeeded');
          expectDependenciesRespected(plan, events);
          expect(driver.maxRunning).toBeLessThanOrEqual(parallelism);
          expect(peakBusyComputes(plan, driver.executions)).toBeLessThanOrEqual(
            plan.policy.max_parallel_computes,
          );
        },
      ),
      { numRuns: Number(process.env.STACKHOP_PROPERTY_RUNS ?? 15) },
    );
  });
});

function isGate(s: Step): boolean {
  return s.action.kind === 'gate';
}
