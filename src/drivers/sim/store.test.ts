// The twin's own persistence: its state outlives the process, and replaying the log rebuilds the same
// state and the same measurements.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScenarioId } from '../../catalog/types.js';
import { openTwinStore, type TwinStore } from './store.js';
import { EPOCH, newTwin, planFor, runSteps, smallInventory } from './testing.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'stackhop-twin-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A store's process ends without a word: its connection goes (it holds the twin's lock), and the number
 * of effects it had committed is returned to compare with what a reopened store finds.
 */
function dies(store: TwinStore): number {
  const committed = store.effectCount;
  store.close();
  return committed;
}

describe.each<ScenarioId>(['live-compute', 'parallel-compute'])('persistence (%s)', (scenario) => {
  const inv = smallInventory({ drain: scenario === 'parallel-compute' ? 'cold-migrate' : 'live-migrate' });
  const plan = planFor(inv, scenario);

  it('a twin reopened from its store has the same state and metrics, and finishes like an uninterrupted one', async () => {
    const dir = tempDir();
    const whole = newTwin(inv, scenario);
    await runSteps(whole.twin, whole.clock, plan.steps);

    const cut = Math.floor(plan.steps.length * 0.6);
    const first = openTwinStore(dir);
    expect(first.lastTime).toBeUndefined();
    const a = newTwin(inv, scenario, { store: first.store });
    const done = await runSteps(a.twin, a.clock, plan.steps.slice(0, cut));
    expect(done.every((r) => r.ok)).toBe(true);
    // The process "dies" here: every effect is already committed, so closing flushes nothing.
    const committed = dies(first.store);

    const again = openTwinStore(dir);
    expect(again.store.effectCount).toBe(committed);
    expect(again.lastTime).toBeGreaterThan(EPOCH);
    expect(again.lastTime).toBeLessThanOrEqual(a.clock.now());
    const b = newTwin(inv, scenario, { store: again.store, start: a.clock.now() });
    expect(b.twin.fingerprint()).toBe(a.twin.fingerprint());
    expect(b.twin.metrics()).toEqual(a.twin.metrics());

    const rest = plan.steps
      .slice(cut)
      .map((s) => ({ ...s, after: s.after.filter((x) => !done.some((d) => d.step.id === x)) }));
    const records = await runSteps(b.twin, b.clock, rest, { attempt: 2 });
    expect(records.filter((r) => !r.ok)).toEqual([]);
    expect(b.twin.fingerprint()).toBe(whole.twin.fingerprint());
    const m = b.twin.metrics();
    const w = whole.twin.metrics();
    expect(m.not_on_target).toEqual([]);
    expect([
      m.instances_lost,
      m.instances_alive,
      m.cold_migrations,
      m.workload_interruptions,
      m.rpc_errors,
    ]).toEqual([
      w.instances_lost,
      w.instances_alive,
      w.cold_migrations,
      w.workload_interruptions,
      w.rpc_errors,
    ]);
    await a.twin.close();
    await b.twin.close();
  });
});

describe('persistence details', () => {
  const inv = smallInventory();
  const plan = planFor(inv, 'live-compute');
  const step = (id: string) => ({ ...plan.steps.find((s) => s.id === id)!, after: [] });

  it('a step killed midway leaves what it did at its start; the probe says not-done and a re-run completes it', async () => {
    const dir = tempDir();
    const { store } = openTwinStore(dir);
    const a = newTwin(inv, 'live-compute', { store });
    await runSteps(a.twin, a.clock, [step('prepare-computes/cmp001/pin-compute')]);
    const restart = step('prepare-computes/cmp001/restart');
    const ac = new AbortController();
    await a.clock.run(async () => {
      const run = a.twin.execute(restart, {
        runId: 't',
        attempt: 1,
        signal: ac.signal,
        output: () => undefined,
      });
      await a.clock.sleep(1000);
      ac.abort(new Error('killed'));
      await run.catch(() => undefined);
    });
    const committed = dies(store);
    const reopened = openTwinStore(dir);
    expect(reopened.store.effectCount).toBe(committed);
    const b = newTwin(inv, 'live-compute', { store: reopened.store, start: reopened.lastTime! });
    expect(b.twin.state.host('cmp001')?.services['nova-compute']?.running).toBeUndefined();
    expect(b.twin.state.host('cmp001')?.instances).toBe(10);
    expect(await b.twin.probe(restart)).toBe('not-done');
    await runSteps(b.twin, b.clock, [restart], { attempt: 2 });
    expect(await b.twin.probe(restart)).toBe('done');
    expect(b.twin.state.host('cmp001')?.services['nova-compute']).toMatchObject({
      running: 'havana',
      pins: { compute: 'icehouse-compat' },
      up: true,
    });
    await b.twin.close();
  });

  it('logs one row per step start or end, with moves as runs', async () => {
    const dir = tempDir();
    const { store } = openTwinStore(dir);
    const a = newTwin(inv, 'live-compute', { store });
    await runSteps(a.twin, a.clock, [step('computes/cmp001/disable'), step('computes/cmp001/drain')]);
    const effects = [...store.effects()];
    expect(effects.map((e) => e.step)).toEqual(['computes/cmp001/disable', 'computes/cmp001/drain']);
    const move = effects[1]!.ops[0]!;
    expect(move.op).toBe('move');
    if (move.op === 'move') expect(move.to.reduce((n, [, c]) => n + c, 0)).toBe(10);
    await a.twin.close();
  });

  it('refuses a store of another seed, and a clock behind the store', async () => {
    const dir = tempDir();
    const { store } = openTwinStore(dir);
    const a = newTwin(inv, 'live-compute', { store, seed: 1 });
    await runSteps(a.twin, a.clock, [step('keystone/ctl1/stop'), step('keystone/ctl1/switch-repository')]);
    await a.twin.close();
    const other = openTwinStore(dir).store;
    expect(() => newTwin(inv, 'live-compute', { store: other, seed: 2 })).toThrow(
      /holds \{"seed":1,"cloud":"twin-test","scenario":"live-compute"\}/,
    );
    other.close();
    const behind = openTwinStore(dir).store;
    expect(() => newTwin(inv, 'live-compute', { store: behind, seed: 1, start: EPOCH })).toThrow(
      /behind the twin's last change/,
    );
    behind.close();
  });

  it('belongs to one rehearsal at a time: a second opening while the first is open is refused', async () => {
    const dir = tempDir();
    const { store } = openTwinStore(dir);
    const a = newTwin(inv, 'live-compute', { store });
    await runSteps(a.twin, a.clock, [step('keystone/ctl1/stop')]);
    expect(() => openTwinStore(dir)).toThrow(/twin store .*twin\.db is in use by another rehearsal/);
    await a.twin.close();
    const again = openTwinStore(dir);
    expect(again.store.effectCount).toBe(1);
    again.store.close();
  });
});
