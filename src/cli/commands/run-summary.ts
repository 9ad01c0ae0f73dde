// The end of a real run: what happened, and the API downtime measured during it next to the plan's
// estimate.

import { EXIT_FAILED } from '../../errors.js';
import { formatDuration } from '../../plan/render/duration.js';
import type { RealRunResult } from '../../run/real-run.js';
import type { Redactor } from '../../security/redactor.js';
import type { CommandResult } from '../result.js';

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

/** What `run` and `rollback` print at the end: pre-flight problems, a refusal, or the summary. */
export function realRunOutput(
  result: RealRunResult,
  o: {
    json: boolean;
    state: string;
    redactor: Redactor;
    measured: readonly MeasuredDowntime[] | undefined;
    /** `plan` or `rollback`, for the refusal message. */
    what: string;
    json_extra?: Record<string, unknown>;
  },
): CommandResult {
  if (result.preflight.length > 0) {
    const lines = result.preflight.map((p) => `  ${p.host}: ${p.check}: ${p.message}`);
    return {
      stdout: '',
      stderr: o.redactor.redact(`pre-flight failed; nothing was changed:\n${lines.join('\n')}\n`),
      exitCode: EXIT_FAILED,
    };
  }
  if (result.cancelled === true) {
    return {
      stdout: '',
      stderr: 'not started: cancelled by a signal; nothing was changed\n',
      exitCode: EXIT_FAILED,
    };
  }
  if (result.declined === true) {
    return { stdout: '', stderr: `not started: the ${o.what} was not confirmed\n`, exitCode: EXIT_FAILED };
  }
  const exitCode = result.outcome?.status === 'succeeded' ? 0 : EXIT_FAILED;
  if (o.json) {
    const json = {
      type: 'result',
      run: result.runId,
      ...o.json_extra,
      outcome: result.outcome,
      downtime: o.measured,
    };
    return { stdout: `${o.redactor.redact(JSON.stringify(json))}\n`, stderr: '', exitCode };
  }
  return { stdout: o.redactor.redact(renderRunSummary(result, o.state, o.measured)), stderr: '', exitCode };
}
