// Planned next to measured API downtime, as bars on one scale: per API the plan's estimate, the
// measurement (when the run journaled one) and the steps' real times, each with its value beside it.

import { formatDuration } from '../plan/render/duration.js';
import { escapeHtml } from './html-escape.js';
import type { OutageRow } from './outage-rows.js';

const WIDTH = 1000;
const NAME = 170;
const KIND = 150;
const VALUE = 160;
const PLOT = WIDTH - NAME - KIND - VALUE;
const BAR = 13;
const GAP = 10;

interface Bar {
  kind: string;
  cls: string;
  seconds: number | undefined;
  text: string;
}

/** `measured`: what the measurement is called (by probes, on the twin). */
export function outagesSvg(rows: readonly OutageRow[], measured: string): string {
  if (rows.length === 0) return '<p class="muted">No API was planned or seen to go down entirely.</p>';
  // Without any measurement, a row of "not measured" per API would only repeat the note above the chart.
  const anyMeasured = rows.some((r) => r.measured !== undefined);
  const max = Math.max(1, ...rows.flatMap((r) => [r.planned_s, r.steps_s, r.measured?.down_s ?? 0]));
  const per = anyMeasured ? 3 : 2;
  const group = per * BAR + GAP;
  const height = rows.length * group + 4;
  const out = [`<svg class="outages" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="API downtime">`];
  rows.forEach((r, i) => {
    const top = 4 + i * group;
    out.push(`<text x="0" y="${top + BAR + 4}">${escapeHtml(r.api)}</text>`);
    const bars: Bar[] = [
      { kind: 'planned', cls: 'b-plan', seconds: r.planned_s, text: formatDuration(r.planned_s) },
    ];
    if (anyMeasured) bars.push(measuredBar(r, measured));
    bars.push({
      kind: 'from step times',
      cls: 'b-step',
      seconds: r.steps_s,
      text: formatDuration(r.steps_s),
    });
    bars.forEach((b, j) => {
      const y = top + j * BAR;
      out.push(`<text class="dim" x="${NAME}" y="${y + BAR - 3}">${escapeHtml(b.kind)}</text>`);
      const w = b.seconds === undefined ? 0 : Math.max((PLOT * b.seconds) / max, b.seconds > 0 ? 1.5 : 0);
      if (b.seconds !== undefined) {
        const tip = `${r.api}, ${b.kind}: ${b.text} (${Math.round(b.seconds)} s)`;
        out.push(
          `<rect class="${b.cls}" x="${NAME + KIND}" y="${y + 1}" width="${round(w)}" height="${BAR - 2}"><title>${escapeHtml(tip)}</title></rect>`,
        );
      }
      out.push(`<text x="${round(NAME + KIND + w + 6)}" y="${y + BAR - 3}">${escapeHtml(b.text)}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n');
}

function measuredBar(r: OutageRow, kind: string): Bar {
  const m = r.measured;
  if (m === undefined) return { kind, cls: 'b-meas', seconds: undefined, text: 'not measured' };
  const outages = `${m.outages} outage${m.outages === 1 ? '' : 's'}`;
  return { kind, cls: 'b-meas', seconds: m.down_s, text: `${formatDuration(m.down_s)} (${outages})` };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
