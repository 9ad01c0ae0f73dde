import { describe, expect, it } from 'vitest';
import { rehearsedEvents } from '../../test/support/rehearsed.js';
import type { EngineEvent } from '../engine/events.js';
import { RunTracker } from '../view/run-tracker.js';
import { rehearseCommand } from './commands/rehearse.js';
import { renderPanel } from './progress-panel.js';

const FILE = 'examples/ha-ubuntu.yaml';

async function events(faults: string[]) {
  const { r, events } = await rehearsedEvents(FILE, 'live-compute', faults);
  return { plan: r.plan, events };
}

describe('the terminal panel', () => {
  it('shows phase, batch, hosts, ETA, what is down and the failing step’s tail, within the width', async () => {
    const { plan, events: all } = await events(['cmp003:upgrade-packages:fail']);
    const t = new RunTracker(plan);
    let panel: string[] = [];
    let sawBatch = false;
    let sawDown = false;
    for (const e of all) {
      t.apply(e);
      if (e.type !== 'step-started') continue;
      panel = renderPanel(t.view(), 100);
      for (const l of panel) expect([...l].length).toBeLessThanOrEqual(100);
      if (panel.some((l) => /batch \d+\/\d+: \d+ hosts/.test(l))) sawBatch = true;
      if (panel.some((l) => /down now: .*(DOWN|\d+\/\d+|hypervisor)/.test(l))) sawDown = true;
    }
    expect(sawBatch).toBe(true);
    expect(sawDown).toBe(true);
    const end = renderPanel(t.view(), 100);
    expect(end[0]).toMatch(/east-1: havana → icehouse \(live-compute\)/);
    expect(end.some((l) => /hosts done \d+\/\d+ {2}failed [1-9]/.test(l))).toBe(true);
    expect(end.some((l) => l.includes('✗') && l.includes('cmp003'))).toBe(true);
  });

  it('--json prints one parsable event per line, then the result', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const state = mkdtempSync(join(tmpdir(), 'stackhop-json-'));
    try {
      const lines: string[] = [];
      const r = await rehearseCommand(FILE, {
        scenario: 'live-compute',
        seed: 1,
        inject: [],
        rehearseRejected: false,
        state,
        json: true,
        quiet: false,
        progress: () => undefined,
        events: (l) => lines.push(l),
      });
      const parsed = lines.map((l) => JSON.parse(l) as EngineEvent);
      expect(parsed[0]?.type).toBe('run-started');
      expect(parsed.at(-1)?.type).toBe('run-finished');
      expect(parsed.filter((e) => e.type === 'step-succeeded').length).toBeGreaterThan(800);
      const result = JSON.parse(r.stdout) as { type: string; outcome: { status: string } };
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
      expect(result).toMatchObject({ type: 'result', outcome: { status: 'succeeded' } });
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});
