// Per API, the three numbers an operator compares: what the plan estimated, what was measured (probes
// in a real run, the twin's APIs in a rehearsal) and what the steps' real times imply.

import { compareOutages } from '../plan/render/groups.js';
import { isComputeControl } from '../plan/types.js';
import type { RunView } from '../view/run-view.js';

export interface OutageRow {
  api: string;
  planned_s: number;
  /** Summed over every measured span (each resume watches its own); absent when nothing measured it. */
  measured?: { down_s: number; watched_s: number; outages: number };
  steps_s: number;
}

export function outageRows(view: RunView): OutageRow[] {
  const measured = new Map<string, { down_s: number; watched_s: number; outages: number }>();
  for (const m of view.measured) {
    const sum = measured.get(m.api) ?? { down_s: 0, watched_s: 0, outages: 0 };
    sum.down_s += m.down_s;
    sum.watched_s += m.watched_s;
    sum.outages += m.intervals.length;
    measured.set(m.api, sum);
  }
  const apis = new Set([
    ...Object.keys(view.planned_outages),
    ...Object.keys(view.step_outages),
    ...measured.keys(),
  ]);
  const rows: OutageRow[] = [];
  for (const api of [...apis].filter((a) => !isComputeControl(a)).sort(compareOutages)) {
    const planned_s = view.planned_outages[api] ?? 0;
    const steps_s = view.step_outages[api] ?? 0;
    const m = measured.get(api);
    // An API no estimate, step or probe ever saw down is noise in a downtime chart.
    if (planned_s <= 0 && steps_s <= 0 && m === undefined) continue;
    rows.push({ api, planned_s, steps_s, ...(m === undefined ? {} : { measured: m }) });
  }
  return rows;
}

/** What the measured numbers are, in the report's words. */
export function measuredLabel(driver: 'twin' | 'real'): string {
  return driver === 'real' ? 'measured by probes' : 'measured on the twin';
}
