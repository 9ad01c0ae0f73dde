// The human view of a plan, the one an operator reads before saying yes: what the upgrade costs (header),
// then each phase as a short list of lines "action — which hosts — how long", rolling phases folded so a
// thousand-compute plan still fits on a screen, then the planner's warnings.

import type { Plan } from '../types.js';
import { CLOUD } from '../types.js';
import { formatDuration } from './duration.js';
import {
  buildPlanView,
  compareOutages,
  type PhaseView,
  type PlanView,
  type StepGroup,
  type Unit,
} from './groups.js';
import { compressHostNames, hostClassLabel } from './hostnames.js';
import { makeStyle, type Style } from './style.js';

export interface TextOptions {
  color: boolean;
  /** Terminal width; when given, long summaries are shortened with `…` to keep lines within it. */
  width?: number;
}

/** A run of more than this many look-alike batches is folded. */
const FOLD_OVER = 6;
const FOLD_HEAD = 3;
const FOLD_TAIL = 2;
const IRREVERSIBLE = '⚠ irreversible';
const MAX_HOST_COLUMN = 40;
const MIN_SUMMARY_COLUMN = 24;
const MAX_WARNING_REFS = 10;

/** `70,000`: digits grouped by hand, so the output does not depend on the machine's locale. */
export function formatCount(n: number): string {
  const [int = '0', frac] = String(n).split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign === '' ? int : int.slice(1);
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${frac === undefined ? '' : `.${frac}`}`;
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

function header(plan: Plan, style: Style): string[] {
  const hosts = new Set<string>();
  for (const s of plan.steps) if (s.host !== CLOUD) hosts.add(s.host);
  const e = plan.estimate;
  const outages = Object.entries(e.outages)
    .filter(([, s]) => s > 0)
    .sort(([a], [b]) => compareOutages(a, b))
    .map(([api, s]) => `${api} ${formatDuration(s)}`);
  const cc = e.compute_control;
  const m = e.migrations;
  const rows: Array<[string, string]> = [
    ['scenario', plan.scenario],
    ['upgrade', `${plan.from} → ${plan.to}`],
    ['distro', `${plan.distro}, networking ${plan.networking}`],
    ['size', `${plural(plan.steps.length, 'step')} on ${plural(hosts.size, 'host')}`],
    ['duration', `${formatDuration(e.duration_s)} (estimated critical path)`],
    ['API outages', outages.length > 0 ? outages.join(', ') : 'none'],
    [
      'compute control',
      cc.hosts > 0
        ? `${plural(cc.hosts, 'host')} interrupted, ${(cc.host_seconds / 3600).toFixed(1)} host-hours, longest ${formatDuration(cc.longest_s)}`
        : 'not interrupted',
    ],
    [
      'migrations',
      m.live + m.cold > 0
        ? `${formatCount(m.live)} live, ${formatCount(m.cold)} cold, ${formatCount(Number(m.gb_moved.toFixed(1)))} GB moved`
        : 'none',
    ],
  ];
  const keyWidth = Math.max(...rows.map(([k]) => k.length));
  return [
    style.bold(`stackhop plan for ${plan.cloud}`),
    ...rows.map(([k, v]) => `  ${k.padEnd(keyWidth)}  ${v}`),
  ];
}

type Row = { kind: 'text'; text: string; dim?: boolean } | { kind: 'line'; indent: string; group: StepGroup };

function batchSignature(unit: Extract<Unit, { kind: 'batch' }>): string {
  return unit.groups.map((g) => g.shape).join('\n');
}

function batchHeading(unit: Extract<Unit, { kind: 'batch' }>): string {
  return `  batch ${unit.batch} (${plural(unit.hosts.length, 'host')}, ${formatDuration(unit.span_s)})`;
}

function foldLine(folded: ReadonlyArray<Extract<Unit, { kind: 'batch' }>>): string {
  const first = folded[0]!;
  const last = folded[folded.length - 1]!;
  const sizes = folded.map((u) => u.hosts.length);
  const lo = sizes.reduce((a, b) => Math.min(a, b));
  const hi = sizes.reduce((a, b) => Math.max(a, b));
  const each = lo === hi ? `${plural(lo, 'host')} each` : `${formatCount(lo)}–${formatCount(hi)} hosts each`;
  const hosts = compressHostNames(folded.flatMap((u) => u.hosts));
  return `  … batches ${first.batch}–${last.batch}: same steps, ${each} (${hosts})`;
}

function phaseRows(view: PhaseView): Row[] {
  const rows: Row[] = [];
  const pushBatch = (u: Extract<Unit, { kind: 'batch' }>): void => {
    rows.push({ kind: 'text', text: batchHeading(u) });
    for (const g of u.groups) rows.push({ kind: 'line', indent: '    ', group: g });
  };
  const units = view.units;
  let i = 0;
  while (i < units.length) {
    const u = units[i]!;
    if (u.kind === 'line') {
      rows.push({ kind: 'line', indent: '  ', group: u.group });
      i += 1;
      continue;
    }
    // The run of consecutive batches that look alike.
    const sig = batchSignature(u);
    let j = i + 1;
    while (j < units.length) {
      const v = units[j]!;
      if (v.kind !== 'batch' || batchSignature(v) !== sig) break;
      j += 1;
    }
    const run = units.slice(i, j) as Array<Extract<Unit, { kind: 'batch' }>>;
    if (run.length > FOLD_OVER) {
      for (const b of run.slice(0, FOLD_HEAD)) pushBatch(b);
      rows.push({ kind: 'text', text: foldLine(run.slice(FOLD_HEAD, run.length - FOLD_TAIL)), dim: true });
      for (const b of run.slice(run.length - FOLD_TAIL)) pushBatch(b);
    } else {
      for (const b of run) pushBatch(b);
    }
    i = j;
  }
  return rows;
}

function lineSummary(g: StepGroup): string {
  return g.env === undefined ? g.summary : `${g.summary} [${g.env} env]`;
}

/** Longest length; a loop, not `Math.max(...)`, which overflows the stack on huge phases. */
function widest(texts: readonly string[]): number {
  let w = 0;
  for (const t of texts) w = Math.max(w, t.length);
  return w;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(1, width - 1))}…`;
}

function outageList(names: readonly string[], computeControl: number): string {
  const parts = [...names];
  if (computeControl > 0) parts.push(`compute control of ${plural(computeControl, 'host')}`);
  return parts.join(', ');
}

function renderPhase(view: PhaseView, opts: TextOptions, style: Style): string[] {
  const out: string[] = [];
  const title = `== ${view.number}. ${view.phase.title}`;
  out.push(style.cyan(`${title}  (${formatDuration(view.span_s)}, ${plural(view.stepCount, 'step')})`));
  if (view.opens.length > 0 || view.computeControlOpened > 0) {
    out.push(`  opens:  ${outageList(view.opens, view.computeControlOpened)}`);
  }
  if (view.closes.length > 0 || view.computeControlClosed > 0) {
    out.push(`  closes: ${outageList(view.closes, view.computeControlClosed)}`);
  }
  const rows = phaseRows(view);
  const lines = rows.filter((r): r is Extract<Row, { kind: 'line' }> => r.kind === 'line');
  const hostWidth = Math.min(MAX_HOST_COLUMN, widest(lines.map((r) => r.group.hostLabel)));
  const durWidth = widest(lines.map((r) => formatDuration(r.group.estimate_s)));
  let leftWidth = widest(lines.map((r) => r.indent + lineSummary(r.group)));
  if (opts.width !== undefined) {
    const marker = lines.some((r) => r.group.irreversible) ? IRREVERSIBLE.length + 2 : 0;
    const room = opts.width - hostWidth - durWidth - 4 - marker;
    leftWidth = Math.min(leftWidth, Math.max(MIN_SUMMARY_COLUMN, room));
  }
  for (const r of rows) {
    if (r.kind === 'text') {
      out.push(r.dim === true ? style.dim(r.text) : r.text);
      continue;
    }
    const g = r.group;
    const left = truncate(r.indent + lineSummary(g), leftWidth);
    const dur = formatDuration(g.estimate_s);
    let line = `${left.padEnd(leftWidth)}  ${g.hostLabel.padEnd(hostWidth)}  ${dur.padStart(durWidth)}`;
    if (g.irreversible) line = style.red(`${line}  ${IRREVERSIBLE}`);
    out.push(line);
  }
  return out;
}

function warningRefs(plan: Plan, view: PlanView, ids: readonly string[]): string[] {
  // Group referenced steps by (phase, step name) so "the same step on 120 computes" is one entry.
  const refs = new Map<string, { label: string; hosts: string[] }>();
  const missing: string[] = [];
  for (const id of ids) {
    const i = view.index.byId.get(id);
    if (i === undefined) {
      missing.push(id);
      continue;
    }
    const s = plan.steps[i]!;
    const prefix = `${s.phase}/${s.host}/`;
    const label = id.startsWith(prefix) ? `${s.phase}/${id.slice(prefix.length)}` : id;
    const ref = refs.get(label);
    if (ref === undefined) refs.set(label, { label, hosts: [s.host] });
    else ref.hosts.push(s.host);
  }
  const out = [...refs.values()].map((r) => `${r.label} on ${hostClassLabel(r.hosts)}`);
  for (const id of missing) out.push(`${id} (not in the plan)`);
  if (out.length <= MAX_WARNING_REFS) return out;
  return [...out.slice(0, MAX_WARNING_REFS), `… ${out.length - MAX_WARNING_REFS} more`];
}

function renderWarnings(plan: Plan, view: PlanView, style: Style): string[] {
  if (plan.warnings.length === 0) return ['warnings: none'];
  const out = [style.bold(`warnings (${plan.warnings.length})`)];
  for (const w of plan.warnings) {
    out.push(style.yellow(`  ⚠ ${w.id}: ${w.text}`));
    for (const ref of warningRefs(plan, view, w.steps ?? [])) out.push(`      ${ref}`);
  }
  return out;
}

/** The text view of a plan. Deterministic: the same plan always gives byte-identical text. */
export function renderText(plan: Plan, opts: TextOptions): string {
  const style = makeStyle(opts.color);
  const view = buildPlanView(plan);
  const out: string[] = [...header(plan, style)];
  for (const phase of view.phases) {
    out.push('', ...renderPhase(phase, opts, style));
  }
  out.push('', ...renderWarnings(plan, view, style));
  return `${out.map((l) => l.trimEnd()).join('\n')}\n`;
}
