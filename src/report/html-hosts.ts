// One row per host: a 2,000-compute run is a 2,000-row table, which browsers render in a blink; no
// per-step rows (30,000 of them would make the report slow and unreadable).

import type { HostView } from '../view/run-view.js';
import { escapeHtml } from './html-escape.js';
import { formatOffset } from './run-time.js';

/** Past this many rows the table keeps the hosts that need attention first and says what it left out. */
export const HOST_ROWS_LIMIT = 5000;

export function hostsTable(hosts: readonly HostView[], runStart: number | undefined): string {
  const ordered = hosts.length <= HOST_ROWS_LIMIT ? hosts : attentionFirst(hosts);
  const shown = ordered.slice(0, HOST_ROWS_LIMIT);
  const omitted = ordered.slice(HOST_ROWS_LIMIT);
  const at = (t: number | undefined): string =>
    t === undefined || runStart === undefined ? '' : formatOffset(t - runStart);
  const rows = shown.map((h) => {
    const step = h.step === undefined ? '' : escapeHtml(h.step);
    const where =
      h.state === 'failed' || h.state === 'dropped'
        ? step
        : h.state === 'running' && step !== ''
          ? `<span class="muted">${step}</span>`
          : '';
    return `<tr><td class="mono">${escapeHtml(h.name)}</td><td class="h-${h.state}">${h.state}</td><td class="num">${h.batch ?? ''}</td><td class="num">${h.finished}/${h.steps}</td><td class="num mono">${at(h.started_at)}</td><td class="num mono">${at(h.finished_at)}</td><td class="mono">${where}</td></tr>`;
  });
  const notDone = omitted.filter((h) => h.state !== 'done').length;
  const note =
    omitted.length > 0
      ? `<p class="note">${omitted.length} more hosts (${notDone} of them not done) are not listed: the table is limited to ${HOST_ROWS_LIMIT} rows, hosts that are not done first.</p>`
      : '';
  return `${note}<table class="hosts">
<thead><tr><th>host</th><th>state</th><th class="num">batch</th><th class="num">steps done</th><th class="num">started</th><th class="num">finished</th><th>failing step (running, greyed)</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

/** Hosts not done first (in their order), then the done ones: the ones a reader must see survive a cap. */
function attentionFirst(hosts: readonly HostView[]): HostView[] {
  return [...hosts.filter((h) => h.state !== 'done'), ...hosts.filter((h) => h.state === 'done')];
}
