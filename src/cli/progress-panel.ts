// The terminal panel: a handful of lines an operator reads at a glance at 3 a.m. — where the run is, how
// much is left, what is down right now and what is failing. Pure: a RunView in, lines out, each cut to
// the terminal's width so that redrawing in place never has to guess how a line wrapped.

import { formatDuration } from '../plan/render/duration.js';
import type { RunView } from '../view/run-view.js';

const BAR = 20;
/** Lines of a failing step's output shown under it. */
const TAIL_LINES = 4;

function bar(done: number, total: number): string {
  const n = total === 0 ? BAR : Math.round((done / total) * BAR);
  return `${'█'.repeat(n)}${'░'.repeat(BAR - n)}`;
}

function cut(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join('')}…`;
}

function since(v: RunView, at: number | undefined): string {
  return at === undefined || v.started_at === undefined
    ? ''
    : `+${formatDuration((at - v.started_at) / 1000)}`;
}

export function renderPanel(v: RunView, width: number): string[] {
  const lines: string[] = [];
  const elapsed = v.started_at === undefined ? 0 : ((v.finished_at ?? v.now) - v.started_at) / 1000;
  const eta =
    v.eta_s === undefined || v.finished_at !== undefined ? '' : `   ETA ~${formatDuration(v.eta_s)}`;
  lines.push(
    `── ${v.run ?? 'run'}  ${v.cloud}: ${v.from} → ${v.to} (${v.scenario})  ${v.status.toUpperCase()}  ${formatDuration(elapsed)}${eta}`,
  );
  const c = v.counts;
  const h = v.hosts_summary;
  lines.push(
    `   steps ${bar(c.succeeded + c.skipped, c.steps)} ${c.succeeded + c.skipped}/${c.steps}` +
      `  running ${c.running}  failed ${c.failed}   hosts done ${h.done}/${h.total}  failed ${h.failed}`,
  );
  const phase = v.phases.find((p) => p.id === v.current_phase);
  if (phase !== undefined) {
    lines.push(`   phase ${phase.id} (${phase.succeeded + phase.skipped}/${phase.steps}): ${phase.title}`);
  }
  const b = v.current_batch;
  if (b !== undefined) {
    lines.push(`   batch ${b.batch}/${b.of}: ${b.hosts} hosts, ${b.finished}/${b.steps} steps (${b.phase})`);
  }
  const down = v.outages.map((o) =>
    o.all_down
      ? `${o.outage} DOWN ${since(v, o.all_down_since)}`
      : `${o.outage} ${o.down.length}/${o.backends}`,
  );
  if (v.computes_down > 0) down.push(`${v.computes_down} hypervisor(s) without nova-compute`);
  lines.push(`   down now: ${down.length === 0 ? 'nothing' : down.join(' · ')}`);
  if (v.gate !== undefined) lines.push(`   ⏸ gate ${v.gate.step}: ${v.gate.prompt}`);
  if (v.reason !== undefined && v.status !== 'running') lines.push(`   ${v.status}: ${v.reason}`);
  const f = v.failures.at(-1);
  if (f !== undefined) {
    lines.push(`   ✗ ${f.step} (attempt ${f.attempt}): ${f.error.split('\n')[0] ?? ''}`);
    const tail = (f.output ?? '').trimEnd().split('\n').filter(Boolean).slice(-TAIL_LINES);
    for (const t of tail) lines.push(`     │ ${t}`);
  }
  return lines.map((l) => cut(l, width));
}
