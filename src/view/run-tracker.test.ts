import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { rehearsedEvents } from '../../test/support/rehearsed.js';
import type { EngineEvent } from '../engine/events.js';
import type { Plan } from '../plan/types.js';
import type { Rehearsal } from '../rehearse/rehearse.js';
import { RunTracker } from './run-tracker.js';

const FILE = 'examples/ha-ubuntu.yaml';

const rehearsal = (faults: string[] = []) => rehearsedEvents(FILE, 'live-compute', faults);

function fold(plan: Plan, events: readonly EngineEvent[]) {
  const t = new RunTracker(plan);
  const lines = events.flatMap((e) => t.apply(e));
  return { view: t.view(), lines };
}

describe('RunTracker', () => {
  let clean: { r: Rehearsal; events: EngineEvent[] };
  let failing: { r: Rehearsal; events: EngineEvent[] };
  beforeAll(async () => {
    clean = await rehearsal();
    failing = await rehearsal(['cmp003:upgrade-packages:fail']);
  });

  it('ends a clean rehearsal with everything done, nothing down and the twin’s downtime measured', () => {
    const { view } = fold(clean.r.plan, clean.events);
    expect(view.status).toBe('succeeded');
    expect(view.counts).toMatchObject({
      steps: clean.r.plan.steps.length,
      failed: 0,
      running: 0,
      pending: 0,
    });
    expect(view.counts.succeeded).toBe(clean.r.outcome.counts.succeeded);
    expect(view.hosts_summary.done).toBe(view.hosts_summary.total);
    expect(view.hosts.every((h) => h.state === 'done')).toBe(true);
    expect(view.phases.every((p) => p.finished_at !== undefined)).toBe(true);
    expect(view.outages).toEqual([]);
    expect(view.computes_down).toBe(0);
    expect(view.eta_s).toBe(0);
    // Every API the plan takes down has a window from the steps' real times, and the twin's measure.
    for (const api of Object.keys(clean.r.plan.estimate.outages)) {
      expect(view.step_outages[api], api).toBeGreaterThan(0);
      expect(view.measured.find((m) => m.api === api)?.down_s, api).toBe(clean.r.metrics.api_downtime_s[api]);
    }
    const batches = view.batches.filter((b) => b.phase === 'computes');
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.every((b) => b.of === batches.length && b.finished === b.steps)).toBe(true);
  });

  it('says what it is worth in a few lines: phases, batches, APIs down and back, never one per step', () => {
    const { lines } = fold(clean.r.plan, clean.events);
    expect(lines.length).toBeLessThan(clean.r.plan.steps.length / 5);
    expect(lines.some((l) => /▶ computes: batch 2\/\d+ \(\d+ hosts\)/.test(l))).toBe(true);
    expect(lines.some((l) => /⚠ compute-api down: all 3 of its hosts are down/.test(l))).toBe(true);
    expect(lines.some((l) => /✓ compute-api back after/.test(l))).toBe(true);
    expect(lines.some((l) => /compute-api: down .* of .* watched/.test(l))).toBe(true);
  });

  it('keeps every prefix of the stream consistent (what the dashboard shows mid-run)', () => {
    const { plan } = clean.r;
    const events = clean.events;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: events.length }), (n) => {
        const t = new RunTracker(plan);
        for (const e of events.slice(0, n)) t.apply(e);
        const v = t.view();
        const c = v.counts;
        expect(c.succeeded + c.failed + c.skipped + c.running + c.pending).toBe(c.steps);
        expect(c.pending).toBeGreaterThanOrEqual(0);
        expect(v.phases.reduce((s, p) => s + p.succeeded + p.running, 0)).toBe(c.succeeded + c.running);
        const h = v.hosts_summary;
        expect(h.done + h.failed + h.running).toBeLessThanOrEqual(h.total);
        for (const o of v.outages) {
          expect(o.down.length).toBeGreaterThan(0);
          expect(o.down.length).toBeLessThanOrEqual(o.backends);
          expect(o.all_down).toBe(o.down.length === o.backends);
        }
        if (v.started_at !== undefined) expect(v.eta_s).toBeGreaterThanOrEqual(0);
        if (v.current_batch !== undefined)
          expect(v.current_batch.finished).toBeLessThan(v.current_batch.steps);
        expect(v.log.length).toBeLessThanOrEqual(200);
      }),
      { numRuns: 60 },
    );
  });

  it('shows a failure with what the step does, its error and the host it stopped, and why the run stopped', () => {
    const { view, lines } = fold(failing.r.plan, failing.events);
    const f = view.failures.find((x) => x.host === 'cmp003');
    expect(f?.action).toMatch(/upgrade/i);
    expect(f?.error.length).toBeGreaterThan(0);
    expect(['failed', 'dropped']).toContain(view.hosts.find((h) => h.name === 'cmp003')?.state);
    expect(lines.some((l) => l.includes('✗') && l.includes('cmp003'))).toBe(true);
    if (view.status === 'stopped') expect(view.reason).toMatch(/cmp003/);
  });

  it('ignores steps the plan does not have instead of failing (a hand-edited journal)', () => {
    const t = new RunTracker(clean.r.plan);
    expect(() =>
      t.apply({ type: 'step-started', at: 1, step: 'nope/x/y', host: 'x', attempt: 1 }),
    ).not.toThrow();
    expect(t.view().counts.running).toBe(0);
  });
});
