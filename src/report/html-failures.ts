// Each failure as the operator needs it in a ticket: which step on which host, which attempt, what the
// step does (the command), the error, and the tail of its output — all escaped, since it is the cloud's
// text. Past a cap, failures are listed in a table without output, so a run where every host failed
// still gives a document of reasonable size.

import type { FailureView } from '../view/run-view.js';
import { escapeHtml } from './html-escape.js';
import { formatOffset } from './run-time.js';

/** Failures shown in full, with their output; the rest get a row each. */
export const DETAILED_FAILURES = 50;
/** An error line in the short table is cut here (the full text is in the journal). */
const SHORT_ERROR_CHARS = 300;

export function failuresHtml(failures: readonly FailureView[], runStart: number | undefined): string {
  if (failures.length === 0) return '<p>No step failed.</p>';
  const at = (t: number): string => (runStart === undefined ? '' : `, at ${formatOffset(t - runStart)}`);
  const detailed = failures.slice(0, DETAILED_FAILURES).map(
    (f) => `<article class="failure">
<h3><span class="mono">${escapeHtml(f.step)}</span> on <span class="mono">${escapeHtml(f.host)}</span> <span class="muted">(attempt ${f.attempt}${at(f.at)})</span></h3>
<p><b>What it does:</b> ${escapeHtml(f.action)}</p>
<pre class="error">${escapeHtml(f.error)}</pre>
${
  f.output === undefined || f.output === ''
    ? '<p class="note">No output was journaled.</p>'
    : `<details open><summary>output (tail)</summary><pre>${escapeHtml(f.output)}</pre></details>`
}
</article>`,
  );
  const rest = failures.slice(DETAILED_FAILURES);
  if (rest.length === 0) return detailed.join('\n');
  const rows = rest.map(
    (f) =>
      `<tr><td class="mono">${escapeHtml(f.step)}</td><td class="mono">${escapeHtml(f.host)}</td><td class="num">${f.attempt}</td><td>${escapeHtml(clip(f.error))}</td></tr>`,
  );
  return `${detailed.join('\n')}
<h3>${rest.length} more failures</h3>
<p class="note">Shown without their output to keep the report small; <code>stackhop status RUN</code> and the journal have every one.</p>
<table><thead><tr><th>step</th><th>host</th><th class="num">attempt</th><th>error</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}

function clip(text: string): string {
  return text.length <= SHORT_ERROR_CHARS ? text : `${text.slice(0, SHORT_ERROR_CHARS - 1)}…`;
}
