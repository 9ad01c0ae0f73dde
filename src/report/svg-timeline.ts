// The run on its own time axis: one bar per phase from its first step started to its last finished,
// under a rolling phase one bar per batch, and below them, per API, when it was measured down and when
// every backend of it was down by the steps' times. Bars carry a <title> (a tooltip) with exact times;
// no per-step shapes, so a 2,000-compute run stays a few hundred elements.

import { formatDuration } from '../plan/render/duration.js';
import { compareOutages } from '../plan/render/groups.js';
import { isComputeControl } from '../plan/types.js';
import type { BatchView, RunView } from '../view/run-view.js';
import { escapeHtml } from './html-escape.js';
import { formatOffset, runSpan, type Span } from './run-time.js';

const WIDTH = 1000;
const LABEL = 240;
const RIGHT = 16;
const PLOT = WIDTH - LABEL - RIGHT;
const AXIS = 26;
const PHASE_ROW = 22;
const OUTAGE_ROW = 18;
const BATCH_ROW = 14;
/** Batches get a labelled row each up to this many; beyond, thin rows under one label per phase. */
const LABELLED_BATCHES = 40;
/** Height shared by the thin batch rows, so 200 batches do not make the chart 3,000 units tall. */
const THIN_BATCH_AREA = 600;
const LABEL_CHARS = 38;
const INDENT = 18;
/** Tick spacings, seconds: the first that gives at most MAX_TICKS ticks is used. */
const TICK_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
];
const MAX_TICKS = 8;

interface Bar {
  start: number;
  end: number;
  cls: string;
  title: string;
  /** Half of the row it takes (an API's row: measured above, from step times below); all of it if absent. */
  lane?: 'top' | 'bottom';
}

interface Row {
  label: string;
  /** The full text when the label is clipped. */
  hint?: string;
  /** Indented under the row above (SVG collapses leading spaces, so this is an x offset). */
  indent?: boolean;
  height: number;
  bars: Bar[];
  dim?: boolean;
}

export function timelineSvg(view: RunView): string {
  const s = runSpan(view);
  if (s === undefined) return '<p class="muted">The run has not started: nothing to draw.</p>';
  const rows = [...phaseRows(view, s), ...outageRows(view, s)];
  const height = AXIS + rows.reduce((h, r) => h + r.height, 0) + 4;
  const x = (t: number): number =>
    LABEL + (PLOT * (Math.min(Math.max(t, s.start), s.end) - s.start)) / (s.end - s.start);
  const out = [
    `<svg class="tl" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="timeline of the run">`,
    ...axis(s, height, x),
  ];
  let y = AXIS;
  for (const r of rows) {
    if (r.label !== '') {
      const hint = r.hint === undefined ? '' : `<title>${escapeHtml(r.hint)}</title>`;
      const cls = r.dim === true ? ' class="dim"' : '';
      const base = y + Math.min(r.height, PHASE_ROW) / 2 + 4;
      const left = r.indent === true ? INDENT : 4;
      out.push(`<text x="${left}" y="${n(base)}"${cls}>${hint}${escapeHtml(r.label)}</text>`);
    }
    const full = Math.max(r.height - (r.height > 6 ? 4 : 1), 1);
    for (const b of r.bars) {
      const x0 = x(b.start);
      const w = Math.max(x(b.end) - x0, 1.5);
      const h = b.lane === undefined ? full : full / 2;
      const top = y + (r.height - full) / 2 + (b.lane === 'bottom' ? h : 0);
      out.push(
        `<rect class="${b.cls}" x="${n(x0)}" y="${n(top)}" width="${n(w)}" height="${n(h)}"><title>${escapeHtml(b.title)}</title></rect>`,
      );
    }
    y += r.height;
  }
  out.push('</svg>');
  return out.join('\n');
}

function phaseRows(view: RunView, s: Span): Row[] {
  const batchesOf = new Map<string, BatchView[]>();
  for (const b of view.batches) {
    const list = batchesOf.get(b.phase) ?? [];
    list.push(b);
    batchesOf.set(b.phase, list);
  }
  const thin = view.batches.length > LABELLED_BATCHES;
  const batchRow = thin
    ? Math.max(2, Math.min(8, Math.floor(THIN_BATCH_AREA / view.batches.length)))
    : BATCH_ROW;
  const rows: Row[] = [];
  for (const p of view.phases) {
    const started = p.started_at !== undefined;
    const label = started ? p.title : `${p.title} (not started)`;
    const row: Row = { ...clipped(label), height: PHASE_ROW, bars: [], dim: !started };
    if (p.started_at !== undefined) {
      const counts = `${p.steps} steps: ${p.succeeded} succeeded, ${p.failed} failed, ${p.skipped} skipped`;
      row.bars.push(
        bar(p.started_at, p.finished_at, s, p.failed > 0 ? 'ph bad' : 'ph', `${p.title}`, counts),
      );
    }
    rows.push(row);
    const batches = [...(batchesOf.get(p.id) ?? [])].sort((a, b) => a.batch - b.batch);
    batches.forEach((b, i) => {
      const text = thin ? (i === 0 ? `batches 1–${b.of}` : '') : `batch ${b.batch} of ${b.of}`;
      const bars =
        b.started_at === undefined
          ? []
          : [
              bar(
                b.started_at,
                b.finished_at,
                s,
                b.failed > 0 ? 'bt bad' : 'bt',
                `${p.title}, batch ${b.batch} of ${b.of}`,
                `${b.hosts} hosts, ${b.finished}/${b.steps} steps finished, ${b.failed} failed`,
              ),
            ];
      rows.push({ label: text, height: batchRow, bars, dim: true, indent: true });
    });
  }
  return rows;
}

/**
 * One row per API that was down: in its lower half the windows during which every backend was down
 * (from the steps' real times), in its upper half the intervals it was measured down (probes, or the
 * twin's own APIs), on the same axis so the two can be compared.
 */
function outageRows(view: RunView, s: Span): Row[] {
  const measured = new Map<string, { start: number; end: number }[]>();
  for (const m of view.measured) measured.set(m.api, [...(measured.get(m.api) ?? []), ...m.intervals]);
  const apis = new Set([...Object.keys(view.outage_windows), ...measured.keys()]);
  const shown = [...apis]
    .filter((api) => !isComputeControl(api))
    .filter((api) => (view.outage_windows[api]?.length ?? 0) + (measured.get(api)?.length ?? 0) > 0)
    .sort(compareOutages);
  if (shown.length === 0) return [];
  const rows: Row[] = [{ label: 'APIs down:', height: OUTAGE_ROW, bars: [], dim: true }];
  for (const api of shown) {
    const bars = [
      ...(measured.get(api) ?? []).map((w) => ({
        ...bar(w.start, w.end, s, 'meas', `${api} measured down`, ''),
        lane: 'top' as const,
      })),
      ...(view.outage_windows[api] ?? []).map((w) => ({
        ...bar(w.start, w.end, s, 'down', `${api}: every backend down (step times)`, ''),
        lane: 'bottom' as const,
      })),
    ];
    rows.push({ ...clipped(api), height: OUTAGE_ROW, bars, indent: true });
  }
  return rows;
}

/** A bar from `start` to `end`, or to the chart's end (drawn lighter) when it has not finished. */
function bar(start: number, end: number | undefined, s: Span, cls: string, what: string, more: string): Bar {
  const open = end === undefined;
  const stop = end ?? s.end;
  const when = `${formatOffset(start - s.start)} → ${open ? 'not finished' : formatOffset(stop - s.start)}`;
  const took = `${formatDuration((stop - start) / 1000)}${open ? ' so far' : ''}`;
  return {
    start,
    end: stop,
    cls: open ? `${cls} open` : cls,
    title: `${what}: ${when} (${took})${more === '' ? '' : `; ${more}`}`,
  };
}

function axis(s: Span, height: number, x: (t: number) => number): string[] {
  const seconds = (s.end - s.start) / 1000;
  const step = TICK_STEPS.find((t) => seconds / t <= MAX_TICKS) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
  const out: string[] = [];
  for (let t = 0; t <= seconds; t += step) {
    const at = x(s.start + t * 1000);
    const label = t === 0 ? 'start' : formatDuration(t);
    out.push(`<line class="grid" x1="${n(at)}" y1="${AXIS - 6}" x2="${n(at)}" y2="${height}"/>`);
    out.push(`<text class="dim" x="${n(at + 3)}" y="${AXIS - 10}">${escapeHtml(label)}</text>`);
  }
  return out;
}

function clipped(label: string): { label: string; hint?: string } {
  return label.length <= LABEL_CHARS
    ? { label }
    : { label: `${label.slice(0, LABEL_CHARS - 1)}…`, hint: label };
}

/** Coordinates to one decimal: enough for the eye, and a quarter of the bytes of full precision. */
function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}
