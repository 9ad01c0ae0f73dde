// The report in a few terminal lines, for `stackhop report RUN` without --html or --json: enough to
// paste into a ticket comment, with the journal's hash to tie it to the run.

import { formatDuration } from '../plan/render/duration.js';
import { driverLabel, durationLabel } from './html-summary.js';
import { measuredLabel, outageRows } from './outage-rows.js';
import type { RunReport } from './report-model.js';

export function renderReportText(report: RunReport): string {
  const { run, view } = report;
  const lines = [
    `${driverLabel(run.driver)} ${run.id}: ${run.scenario} on ${run.cloud} (${view.from} → ${view.to})`,
    `status:   ${view.status}${view.reason === undefined ? '' : ` — ${view.reason}`}`,
    `duration: ${durationLabel(view, run.driver) ?? 'not started'}, planned ${formatDuration(view.planned_duration_s)}`,
  ];
  const rows = outageRows(view);
  if (rows.length > 0) {
    const measured = measuredLabel(run.driver);
    const width = Math.max(...rows.map((r) => r.api.length)) + 2;
    lines.push('API downtime:');
    lines.push(`  ${''.padEnd(width)}${'planned'.padEnd(12)}${measured.padEnd(24)}from step times`);
    for (const r of rows) {
      const m = r.measured === undefined ? '—' : formatDuration(r.measured.down_s);
      lines.push(
        `  ${r.api.padEnd(width)}${formatDuration(r.planned_s).padEnd(12)}${m.padEnd(24)}${formatDuration(r.steps_s)}`,
      );
    }
  }
  const f = view.failures;
  lines.push(
    `failures: ${f.length}${
      f.length === 0
        ? ''
        : ` (${f
            .slice(0, 3)
            .map((x) => x.step)
            .join(', ')}${f.length > 3 ? ', …' : ''})`
    }`,
  );
  lines.push(`journal:  ${report.journal.events} events, sha256 ${report.journal.sha256}`);
  return `${lines.join('\n')}\n`;
}
