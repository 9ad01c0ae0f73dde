// The upgrade report as one self-contained HTML document, to attach to a change ticket: inline CSS and
// SVG, no script, no URL of any kind, and a Content-Security-Policy that forbids every fetch, so the
// file shows the same offline, in a mail client or years later, and untrusted step output (escaped
// everywhere) could not load anything even if it slipped through.

import type { Plan } from '../plan/types.js';
import { JOURNAL_FILE } from '../store/sqlite-journal.js';
import { MAX_FAILURES } from '../view/run-tracker.js';
import { escapeHtml } from './html-escape.js';
import { failuresHtml } from './html-failures.js';
import { hostsTable } from './html-hosts.js';
import { planHtml } from './html-plan.js';
import { driverLabel, summaryHtml } from './html-summary.js';
import { JOURNAL_HASH_RULE } from './journal-hash.js';
import { measuredLabel, outageRows } from './outage-rows.js';
import { REPORT_CSS } from './report-css.js';
import type { RunReport } from './report-model.js';
import { runSpan } from './run-time.js';
import { outagesSvg } from './svg-outages.js';
import { timelineSvg } from './svg-timeline.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'";

/** `plan`: the run's plan (from the journal), shown collapsed at the end. */
export function renderReportHtml(report: RunReport, plan: Plan): string {
  const { run, view } = report;
  const start = runSpan(view)?.start;
  const title = `${run.cloud}: ${view.from} → ${view.to}, ${run.scenario} (${driverLabel(run.driver)} ${run.id})`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="stackhop ${escapeHtml(report.format)}">
<title>Upgrade report — ${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>Upgrade report: ${escapeHtml(run.cloud)}, ${escapeHtml(view.from)} → ${escapeHtml(view.to)}</h1>
<p class="sub">${driverLabel(run.driver)} · ${escapeHtml(run.scenario)} · run <span class="mono">${escapeHtml(run.id)}</span></p>
</header>
<section id="summary">
<h2>Summary</h2>
${summaryHtml(run, view)}
</section>
<section id="timeline">
<h2>Timeline</h2>
<p class="note">Phases from their first step started to their last finished; under rolling phases, their batches; below, per API, when it was measured down (orange, upper half) and when every backend was down by the steps’ times (red, lower half). Lighter bars had not finished. Hover a bar for its times (offsets from the run’s start${run.driver === 'twin' ? ', in the twin’s virtual time' : ''}).</p>
${timelineSvg(view)}
</section>
<section id="downtime">
<h2>API downtime</h2>
${downtimeHtml(report)}
</section>
<section id="failures">
<h2>Failures (${view.failures.length})</h2>
${view.failures.length >= MAX_FAILURES ? `<p class="note">Only the last ${MAX_FAILURES} failures are kept for the report; <code>stackhop status RUN</code> and the journal have every one.</p>` : ''}
${failuresHtml(view.failures, start)}
</section>
<section id="hosts">
<h2>Hosts</h2>
<p class="note">${view.hosts_summary.done} done, ${view.hosts_summary.failed} failed, ${view.hosts_summary.total} in all. Times are offsets from the run’s start.</p>
${hostsTable(view.hosts, start)}
</section>
<section id="plan">
<h2>Plan</h2>
${planHtml(plan)}
</section>
<footer id="journal">
<p><b>Journal:</b> ${report.journal.events} events, sha256 <span class="mono">${escapeHtml(report.journal.sha256)}</span></p>
<p class="note">The hash is the ${escapeHtml(JOURNAL_HASH_RULE)}: re-hash the run’s events from the journal to check that this report describes exactly them, e.g. <code>${escapeHtml(rehashCommand(run.id))}</code> in the state directory (jq writes a few rare control characters differently; the rule is the reference). Report format ${escapeHtml(report.format)}.</p>
</footer>
</body>
</html>
`;
}

function downtimeHtml(report: RunReport): string {
  const rows = outageRows(report.view);
  const measured = measuredLabel(report.run.driver);
  const anyMeasured = rows.some((r) => r.measured !== undefined);
  const keys = [
    '<span><i class="k-plan"></i>planned (the plan’s estimate)</span>',
    ...(anyMeasured ? [`<span><i class="k-meas"></i>${measured}</span>`] : []),
    '<span><i class="k-step"></i>from step times (every backend down)</span>',
  ];
  const none = anyMeasured
    ? ''
    : `<p class="note">No downtime was ${measured} for this run: the plan’s estimate and the steps’ times only.</p>`;
  return `${none}<p class="legend">${keys.join('')}</p>\n${outagesSvg(rows, measured)}`;
}

/** A shell line that re-hashes a run's events from the journal (canonical JSON = jq's sorted compact form). */
function rehashCommand(runId: string): string {
  return `sqlite3 ${JOURNAL_FILE} "select json from events where run_id='${runId}' order by seq" | jq -cS . | sha256sum`;
}
