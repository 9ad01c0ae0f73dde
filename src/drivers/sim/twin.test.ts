// The twin as a Driver: faults, probes, compute status, determinism.

import { describe, expect, it } from 'vitest';
import type { Step } from '../../plan/types.js';
import { parseFault } from './faults.js';
import { EPOCH, newTwin, planFor, runSteps, smallInventory } from './testing.js';

const inv = smallInventory();
const plan = planFor(inv, 'live-compute');
const step = (id: string): Step => {
  const s = plan.steps.find((x) => x.id === id);
  if (s === undefined) throw new Error(`no step ${id}`);
  return { ...s, after: [] };
};
const ctx = (signal = new AbortController().signal, attempt = 1) => ({
  runId: 't',
  attempt,
  signal,
  output: () => undefined,
});

describe('faults', () => {
  const repo = step('computes/cmp003/switch-repository');
  const upgrade = step('computes/cmp003/full-upgrade');

  it('fail: the step fails after half its duration, on every attempt, with no effect', async () => {
    const clean = newTwin(inv, 'live-compute');
    const ok = await runSteps(clean.twin, clean.clock, [repo, upgrade]);
    const normal = ok[1]!.endedAt - ok[1]!.startedAt;

    const { twin, clock } = newTwin(inv, 'live-compute', {
      faults: [parseFault('cmp003:upgrade-packages:fail')],
    });
    await runSteps(twin, clock, [repo]);
    for (const attempt of [1, 2]) {
      const r = await runSteps(twin, clock, [upgrade], { attempt });
      expect(r[0]?.error).toBe('injected fault: cmp003:upgrade-packages:fail (computes/cmp003/full-upgrade)');
      // Half the duration, to the twin's one-second tick.
      if (attempt === 1)
        expect(Math.abs(r[0]!.endedAt - r[0]!.startedAt - normal * 0.5)).toBeLessThanOrEqual(1000);
    }
    expect(await twin.probe(upgrade)).toBe('not-done');
    expect(twin.state.host('cmp003')?.services['nova-compute']?.installed).toBe('havana');
  });

  it('slow: five times the duration, same effect', async () => {
    const clean = newTwin(inv, 'live-compute');
    const a = await runSteps(clean.twin, clean.clock, [repo, upgrade]);
    const { twin, clock } = newTwin(inv, 'live-compute', {
      faults: [parseFault('cmp003:full-upgrade:slow')],
    });
    const b = await runSteps(twin, clock, [repo, upgrade]);
    expect(b[1]!.ok).toBe(true);
    // Five times, to the twin's one-second tick (each end is rounded up to a whole second).
    const normal = a[1]!.endedAt - a[1]!.startedAt;
    expect(Math.abs(b[1]!.endedAt - b[1]!.startedAt - 5 * normal)).toBeLessThanOrEqual(5000);
    expect(await twin.probe(upgrade)).toBe('done');
  });

  it('hang: the step never finishes until its signal aborts, then rejects with the reason', async () => {
    const { twin, clock } = newTwin(inv, 'live-compute', {
      faults: [parseFault('cmp003:upgrade-packages:hang')],
    });
    const ac = new AbortController();
    const outcome = await clock.run(async () => {
      const run = twin.execute(upgrade, ctx(ac.signal));
      clock.sleep(3_600_000).then(() => ac.abort(new Error('timed out after 3600 s')));
      return await run.then(
        () => 'finished',
        (e: Error) => e.message,
      );
    });
    expect(outcome).toBe('timed out after 3600 s');
    expect(clock.now()).toBe(EPOCH + 3_600_000);
  });

  it('every wait honours the abort signal', async () => {
    const { twin, clock } = newTwin(inv, 'live-compute');
    const ac = new AbortController();
    const outcome = await clock.run(async () => {
      const run = twin.execute(step('nova-controllers/ctl1/stop'), ctx(ac.signal));
      clock.sleep(1000).then(() => ac.abort(new Error('aborted by operator')));
      return await run.then(
        () => 'finished',
        (e: Error) => e.message,
      );
    });
    expect(outcome).toBe('aborted by operator');
    // Services stop when the step starts: the stop happened, the step did not complete.
    expect(twin.state.host('ctl1')?.services['nova-api']?.running).toBeUndefined();
  });
});

describe('probe', () => {
  it('tells whether each kind of step took effect', async () => {
    const { twin, clock } = newTwin(inv, 'live-compute');
    const ids = [
      'backup/ctl1/backup-database',
      'backup/cmp001/backup-config',
      'prepare-computes/cmp001/edit-nova-stay-on-old',
      'prepare-computes/cmp001/pin-compute',
      'prepare-computes/cmp001/restart',
      'keystone/ctl1/pre-sync-keystone-token-flush',
      'keystone/ctl1/stop',
      'keystone/ctl2/stop',
      'keystone/ctl1/switch-repository',
      'keystone/ctl1/upgrade',
      'keystone/ctl1/db-sync-keystone',
      'keystone/ctl1/start',
      'computes/cmp001/disable',
      'computes/cmp001/drain',
    ];
    for (const id of ids) {
      expect([id, await twin.probe(step(id))]).toEqual([id, 'not-done']);
      const r = await runSteps(twin, clock, [step(id)]);
      expect(r[0]?.error).toBeUndefined();
      expect([id, await twin.probe(step(id))]).toEqual([id, 'done']);
    }
    expect(await twin.probe(step('computes/cmp001/enable'))).toBe('not-done');
    expect(await twin.probe(step('final/ctl1/unpin-compute'))).toBe('done');
    const gate: Step = {
      ...step('preflight/@cloud/verify'),
      id: 'x/@cloud/gate',
      action: { kind: 'gate', prompt: 'go?' },
    };
    expect(await twin.probe(gate)).toBe('unknown');
    expect(await twin.probe(step('preflight/@cloud/verify'))).toBe('not-done');
    // A pin set after the last start needs a restart: the restart probes not-done until it happened.
    await runSteps(twin, clock, [step('prepare-computes/cmp002/pin-compute')]);
    expect(await twin.probe(step('prepare-computes/cmp002/restart'))).toBe('not-done');
  });
});

describe('computeStatus', () => {
  it('shows what the Nova API shows', async () => {
    const { twin, clock } = newTwin(inv, 'live-compute');
    expect(await twin.computeStatus('cmp001')).toEqual({ up: true, enabled: true });
    expect(await twin.computeStatus('ctl1')).toBeUndefined();
    expect(await twin.computeStatus('cmp001', 'new')).toBeUndefined();
    await runSteps(
      twin,
      clock,
      ['computes/cmp001/disable', 'computes/cmp001/drain', 'computes/cmp001/stop'].map(step),
    );
    expect(await twin.computeStatus('cmp001')).toEqual({ up: false, enabled: false });
    // Without a conductor a running compute reports down.
    await runSteps(twin, clock, ['nova-controllers/ctl1/stop', 'nova-controllers/ctl2/stop'].map(step));
    expect(await twin.computeStatus('cmp002')).toEqual({ up: false, enabled: true });
    const m = twin.metrics();
    expect(m.compute_control.hosts).toBe(4);
    expect(m.compute_control.most_at_once).toBe(4);
  });
});

describe('determinism', () => {
  async function rehearse(seed: number) {
    const { twin, clock } = newTwin(inv, 'live-compute', { seed });
    const records = await runSteps(twin, clock, plan.steps);
    return {
      metrics: twin.metrics(),
      fingerprint: twin.fingerprint(),
      end: clock.now(),
      durations: records.map((r) => r.endedAt - r.startedAt),
    };
  }

  it('the same seed gives the same metrics, fingerprint and durations; another seed other durations', async () => {
    const a = await rehearse(7);
    const b = await rehearse(7);
    expect(b).toEqual(a);
    const c = await rehearse(8);
    expect(c.end).not.toBe(a.end);
    expect(c.durations).not.toEqual(a.durations);
    // The end state does not depend on the seed.
    expect(c.fingerprint).toBe(a.fingerprint);
  });

  it('durations stay within ±10 % of the estimate', async () => {
    const { twin, clock } = newTwin(inv, 'live-compute', { seed: 3 });
    const s = step('keystone/ctl1/switch-repository');
    const r = await runSteps(twin, clock, [s]);
    const d = (r[0]!.endedAt - r[0]!.startedAt) / 1000;
    expect(d).toBeGreaterThanOrEqual(s.estimate_s * 0.9);
    expect(d).toBeLessThanOrEqual(s.estimate_s * 1.1);
  });
});
