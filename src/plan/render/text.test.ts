import { describe, expect, it } from 'vitest';
import type { Plan, Step } from '../types.js';
import { renderPlan, wantColor } from './index.js';
import { testPlan } from './test-plans.js';
import { renderText } from './text.js';

const ESC = '\x1b';

function phaseBlock(text: string, n: number): string {
  const start = text.indexOf(`== ${n}. `);
  const end = text.indexOf('\n\n', start);
  return text.slice(start, end < 0 ? undefined : end);
}

describe('renderText', () => {
  const plan = testPlan();
  const text = renderText(plan, { color: false });

  it('summarizes the plan in the header', () => {
    expect(text).toContain('stackhop plan for east-1');
    expect(text).toContain('havana → icehouse');
    expect(text).toContain('743 steps on 123 hosts');
    expect(text).toContain('10 h 00 min');
    // Only non-zero outages, in the identity, image, compute, … order.
    expect(text).toContain('API outages      identity-api 30 s, compute-api 11 min, dashboard 5 s\n');
    expect(text).toContain('120 hosts interrupted, 4.3 host-hours, longest 2 min');
    expect(text).toContain('300 live, 0 cold, 1,200 GB moved');
  });

  it('groups the same action of one batch on several hosts into one line', () => {
    expect(text).toMatch(/^ {4}stop-services nova-compute +cmp\[002:006\] ×5 +20 s$/m);
    expect(text).toMatch(/^ {2}stop-services nova-api, nova-scheduler +ctl\[1:3\] ×3 +10 s$/m);
    // Per-host instance counts do not split the line; their total is shown.
    expect(text).toMatch(/^ {4}drain-compute live-migrate \(20 instances\) +cmp\[002:006\] ×5 +5 min$/m);
  });

  it('shows phases in plan order with their span and outages', () => {
    const controllers = phaseBlock(text, 2);
    expect(controllers.split('\n')[0]).toBe('== 2. Nova controller services  (10 min, 14 steps)');
    expect(controllers).toContain('  opens:  compute-api\n');
    expect(controllers).toContain('  closes: compute-api\n');
    const computes = phaseBlock(text, 3);
    expect(computes).toContain('  opens:  compute control of 120 hosts\n');
    expect(computes).not.toContain('compute-control:');
    // Lines follow the DAG: upgrade before db-sync, pin before start.
    const order = ['stop-services', 'upgrade-packages', 'db-sync', 'start-services'].map((s) =>
      controllers.indexOf(s),
    );
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('marks irreversible steps', () => {
    expect(text).toMatch(/db-sync nova 216 → 233 +ctl1 +7 min {2}⚠ irreversible$/m);
    expect(text).toMatch(/pre-sync nova utf8-conversion \(2 tables\) .*⚠ irreversible$/m);
    expect(text).not.toMatch(/stop-services.*irreversible/);
  });

  it('folds long runs of look-alike batches', () => {
    const computes = phaseBlock(text, 3);
    const headings = computes.split('\n').filter((l) => /^ {2}(batch|…)/.test(l));
    expect(headings).toEqual([
      '  batch 1 (1 host, 7 min)',
      '  batch 2 (5 hosts, 7 min)',
      '  batch 3 (10 hosts, 7 min)',
      '  … batches 4–12: same steps, 10 hosts each (cmp[017:106])',
      '  batch 13 (10 hosts, 7 min)',
      '  batch 14 (4 hosts, 7 min)',
    ]);
  });

  it('does not fold six batches or fewer', () => {
    const small = renderText(testPlan({ computes: 36, ramp: [1, 5, 10] }), { color: false });
    expect(small).not.toContain('… batches');
    expect(small).toContain('  batch 5 (10 hosts, 7 min)');
  });

  it('lists warnings with their steps compressed by host class', () => {
    expect(text).toContain('  ⚠ live-compute-new: Live compute upgrade is the newest, least tested path.\n');
    expect(text).toContain('      computes/stop on cmp[001:120] ×120\n');
    expect(text).toContain('      controllers/utf8 on ctl1\n');
  });

  it('is deterministic', () => {
    expect(renderText(testPlan(), { color: false })).toBe(text);
    expect(renderText(plan, { color: true })).toBe(renderText(plan, { color: true }));
  });

  it('gives the same text when actions are built with another key order', () => {
    const reordered: Plan = {
      ...plan,
      steps: plan.steps.map(
        (s): Step => ({
          ...s,
          action: Object.fromEntries(Object.entries(s.action).reverse()) as Step['action'],
        }),
      ),
    };
    expect(renderText(reordered, { color: false })).toBe(text);
  });

  it('has no escape codes without color, and colors irreversible lines with color', () => {
    expect(text).not.toContain(ESC);
    expect(renderPlan(plan, 'text', { color: false })).toBe(text);
    const colored = renderText(plan, { color: true });
    expect(colored).toContain(ESC);
    expect(colored).toMatch(new RegExp(`${ESC}\\[31m {2}db-sync nova 216 → 233 .*⚠ irreversible${ESC}\\[0m`));
    expect(colored.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '')).toBe(text);
  });

  it('keeps lines within the given width by shortening summaries', () => {
    const narrow = renderText(plan, { color: false, width: 80 });
    const phases = narrow.slice(narrow.indexOf('== 1.'), narrow.indexOf('\nwarnings'));
    for (const line of phases.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(narrow).toMatch(/^ {2}upgrade-packages nova-api, nova-sched.*… +ctl\[1:3\] ×3 +2 min$/m);
  });

  it('gives a repeated action on the same hosts its own line, in DAG order', () => {
    const restart = { kind: 'restart-services', services: ['nova-api'] } as const;
    const base = { phase: 'controllers', estimate_s: 10, opens: [], closes: [] };
    const steps: Step[] = ['ctl1', 'ctl2'].flatMap((h) => [
      { ...base, id: `controllers/${h}/r1`, host: h, action: restart, after: [] },
      {
        ...base,
        id: `controllers/${h}/pin`,
        host: h,
        action: { kind: 'set-rpc-pin', service: 'compute', level: 'icehouse-compat' },
        after: [`controllers/${h}/r1`],
      },
      { ...base, id: `controllers/${h}/r2`, host: h, action: restart, after: [`controllers/${h}/pin`] },
    ]);
    const out = renderText({ ...plan, steps, warnings: [] }, { color: false });
    const lines = phaseBlock(out, 2).split('\n').slice(1);
    expect(lines).toEqual([
      '  restart-services nova-api                             ctl[1:2] ×2  10 s',
      '  set-rpc-pin [upgrade_levels] compute=icehouse-compat  ctl[1:2] ×2  10 s',
      '  restart-services nova-api                             ctl[1:2] ×2  10 s',
    ]);
    expect(phaseBlock(out, 2).split('\n')[0]).toBe('== 2. Nova controller services  (30 s, 6 steps)');
  });

  it('renders unknown phases, cycles and dangling dependencies without failing', () => {
    const odd: Plan = {
      ...plan,
      phases: [],
      steps: [
        { ...plan.steps[0]!, id: 'a', phase: 'x', after: ['b', 'missing'] },
        { ...plan.steps[1]!, id: 'b', phase: 'x', after: ['a'] },
      ],
      warnings: [{ id: 'w', text: 'dangling', steps: ['nope'] }],
    };
    const out = renderText(odd, { color: false });
    expect(out).toContain('== 1. x');
    expect(out).toContain('nope (not in the plan)');
  });

  it('renders a 70,000-step plan quickly', () => {
    const big = testPlan({ computes: 11_700, ramp: [1, 5, 10], pad: 5 });
    expect(big.steps.length).toBeGreaterThan(70_000);
    const t0 = performance.now();
    const out = renderText(big, { color: false });
    const ms = performance.now() - t0;
    expect(out).toContain('… batches 4–1170: same steps, 10 hosts each (cmp[00017:11686])');
    expect(out.split('\n').length).toBeLessThan(120);
    // The target is well under a second; the bound leaves room for a loaded CI machine.
    expect(ms).toBeLessThan(1500);
  });
});

describe('wantColor', () => {
  it('follows NO_COLOR, TERM=dumb and the TTY', () => {
    expect(wantColor({ isTTY: true }, {})).toBe(true);
    expect(wantColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(wantColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(wantColor({ isTTY: false }, {})).toBe(false);
    expect(wantColor({}, {})).toBe(false);
  });
});
