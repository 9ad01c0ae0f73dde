// The report's first screen: what ran, on what, how it ended, how long it took, how much is done.

import { formatDuration } from '../plan/render/duration.js';
import { formatCount } from '../plan/render/text.js';
import type { RunView } from '../view/run-view.js';
import { escapeHtml } from './html-escape.js';
import type { ReportRun } from './report-model.js';
import { runSpan } from './run-time.js';

export function driverLabel(driver: ReportRun['driver']): string {
  return driver === 'real' ? 'real run' : 'rehearsal on the twin';
}

/** `6 h 44 min (virtual time)`, `12 min so far`, or undefined before the run starts. */
export function durationLabel(view: RunView, driver: ReportRun['driver']): string | undefined {
  const s = runSpan(view);
  if (s === undefined) return undefined;
  const open = view.finished_at === undefined;
  return `${formatDuration((s.end - s.start) / 1000)}${open ? ' so far' : ''}${driver === 'twin' ? ' (virtual time)' : ''}`;
}

export function summaryHtml(run: ReportRun, view: RunView): string {
  const c = view.counts;
  const h = view.hosts_summary;
  const status = `<span class="badge s-${view.status}">${escapeHtml(view.status)}</span>${
    view.reason === undefined ? '' : ` ${escapeHtml(view.reason)}`
  }`;
  const facts: Array<[string, string]> = [
    ['status', status],
    ['cloud', escapeHtml(run.cloud)],
    ['upgrade', `${escapeHtml(view.from)} → ${escapeHtml(view.to)}`],
    ['scenario', escapeHtml(run.scenario)],
    ['kind', driverLabel(run.driver)],
    ['run', `<span class="mono">${escapeHtml(run.id)}</span>`],
    ['started (wall clock)', escapeHtml(run.created_wall)],
    ['duration', escapeHtml(durationLabel(view, run.driver) ?? 'not started')],
    ['planned duration', formatDuration(view.planned_duration_s)],
    [
      'steps',
      `${formatCount(c.succeeded)} succeeded, ${formatCount(c.failed)} failed, ${formatCount(c.skipped)} skipped, ${formatCount(c.running)} running, ${formatCount(c.pending)} not started (of ${formatCount(c.steps)})`,
    ],
    [
      'hosts',
      `${formatCount(h.done)} done, ${formatCount(h.failed)} failed, ${formatCount(h.running)} running (of ${formatCount(h.total)})`,
    ],
  ];
  if (view.gate !== undefined) {
    facts.push([
      'waiting at a gate',
      `<span class="mono">${escapeHtml(view.gate.step)}</span>: ${escapeHtml(view.gate.prompt)}`,
    ]);
  }
  facts.push(['plan hash', `<span class="mono">${escapeHtml(run.plan_hash)}</span>`]);
  const rows = facts.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`);
  return `<table class="facts">\n${rows.join('\n')}\n</table>`;
}
