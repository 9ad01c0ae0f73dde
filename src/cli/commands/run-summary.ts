// The end of a real run: what happened, and the API downtime measured during it next to the plan's
// estimate.

import { formatDuration } from '../../plan/render/duration.js';
import type { RealRunResult } from '../../run/real-run.js';

export interface MeasuredDowntime {
  api: string;
  watched_s: number;
  down_s: number;
  intervals: readonly { start: number; end: number }[];
}

export function renderRunSummary(
  r: RealRunResult,
  state: string,
  measured: readonly MeasuredDowntime[] | undefined,
): string {
  const o = r.outcome;
  if (o === undefined) return `run ${r.runId}: not started\n`;
  const lines = [
    `run ${r.runId}: ${r.plan.scenario} on ${r.plan.cloud}: ${o.status} after ${formatDuration((o.finishedAt - o.startedAt) / 1000)}`,
    `  steps            ${o.counts.succeeded} succeeded, ${o.counts.failed} failed, ${o.counts.skipped} skipped, ${o.counts.pending} not run`,
  ];
  if (o.failedHosts.length > 0) lines.push(`  failed hosts     ${o.failedHosts.join(', ')}`);
  const planned = r.plan.estimate.outages;
  const apis = new Set([
    ...Object.keys(planned).filter((a) => (planned[a] ?? 0) > 0),
    ...(measured ?? []).map((m) => m.api),
  ]);
  if (apis.size > 0) {
    lines.push('  API downtime     planned      measured');
    for (const api of [...apis].sort()) {
      const m = measured?.find((x) => x.api === api);
      const p = planned[api];
      lines.push(
        `    ${api.padEnd(18)} ${(p === undefined ? '-' : formatDuration(p)).padEnd(12)} ${m === undefined ? 'not probed' : `${formatDuration(m.down_s)} (${m.intervals.length} outage${m.intervals.length === 1 ? '' : 's'})`}`,
      );
    }
  }
  if (o.reason !== undefined) lines.push(`  why              ${o.reason}`);
  for (const x of o.restored)
    lines.push(`  ${x.enabled ? 're-enabled' : 'left disabled'}  ${x.host}: ${x.reason}`);
  lines.push(`journal: ${state} (stackhop status ${r.runId} --state ${state})`);
  if (o.status !== 'succeeded' && o.status !== 'aborted')
    lines.push(`continue with: stackhop resume ${r.runId} --state ${state}`);
  return `${lines.join('\n')}\n`;
}
