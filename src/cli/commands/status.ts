// `stackhop status [RUN]`: the runs in the state directory, or one run in detail: where it stands,
// what failed and why, which computes were left disabled, and exactly what is left to do.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '../../engine/events.js';
import type { Journal, StoredRun } from '../../engine/journal.js';
import { EXIT_BAD_INPUT, StackhopError } from '../../errors.js';
import { formatDuration } from '../../plan/render/duration.js';
import { compressHostNames } from '../../plan/render/hostnames.js';
import { CLOUD } from '../../plan/types.js';
import { isRunId } from '../../store/run-id.js';
import { JOURNAL_FILE, openSqliteJournal } from '../../store/sqlite-journal.js';
import { type CommandResult, ok } from '../result.js';

export interface StatusOptions {
  state: string;
  json: boolean;
}

export interface RunStatusReport {
  run: string;
  cloud: string;
  scenario: string;
  driver: string;
  status: string;
  reason?: string;
  counts: {
    steps: number;
    succeeded: number;
    failed: number;
    skipped: number;
    running: number;
    pending: number;
  };
  failed: Array<{ step: string; attempt: number; error: string }>;
  dropped_hosts: string[];
  computes: Array<{ host: string; enabled: boolean; reason: string }>;
  left: Array<{ phase: string; steps: number; hosts: string }>;
  /** Real runs: API downtime measured by the probes, next to the plan's estimate (seconds). */
  downtime?: Array<{ api: string; planned_s: number; down_s: number; watched_s: number; outages: number }>;
}

export function openJournalForReading(state: string): Journal {
  if (!existsSync(join(state, JOURNAL_FILE))) {
    throw new StackhopError('ERR_NO_STATE', `no runs in ${state}: it holds no ${JOURNAL_FILE}`, {
      exitCode: EXIT_BAD_INPUT,
      hint: 'start one with `stackhop rehearse`, or point --state at the directory a run used',
    });
  }
  return openSqliteJournal(state, { durability: 'process' });
}

export async function status(runId: string | undefined, opts: StatusOptions): Promise<CommandResult> {
  if (runId !== undefined && !isRunId(runId)) {
    throw new StackhopError('ERR_USAGE', `RUN: "${runId}" is not a run id (like r20261125-171503-4f2a)`, {
      exitCode: EXIT_BAD_INPUT,
    });
  }
  const journal = openJournalForReading(opts.state);
  try {
    if (runId === undefined) {
      const runs = await journal.listRuns();
      if (opts.json) return ok(`${JSON.stringify(runs, null, 2)}\n`);
      if (runs.length === 0) return ok(`no runs in ${opts.state}\n`);
      const lines = runs.map(
        (r) => `${r.id}  ${r.status.padEnd(9)} ${r.scenario.padEnd(19)} ${r.cloud}  ${r.created_wall}`,
      );
      return ok(`${lines.join('\n')}\n`);
    }
    const stored = await journal.loadRun(runId);
    if (stored === undefined) {
      throw new StackhopError('ERR_NO_RUN', `no run ${runId} in ${opts.state}`, {
        exitCode: EXIT_BAD_INPUT,
        hint: 'list the runs with `stackhop status`',
      });
    }
    const report = statusReport(stored, await runEvents(journal, runId));
    return ok(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
  } finally {
    await journal.close();
  }
}

/** The events status needs (stop reasons, dropped and restored hosts), read page by page. */
async function runEvents(journal: Journal, runId: string): Promise<EngineEvent[]> {
  const keep: EngineEvent[] = [];
  const PAGE = 5000;
  for (let from = 0; ; from += PAGE) {
    const page = await journal.events(runId, from, PAGE);
    for (const e of page) {
      if (
        e.type === 'run-stopping' ||
        e.type === 'host-dropped' ||
        e.type === 'compute-restored' ||
        e.type === 'run-paused' ||
        e.type === 'run-started' ||
        e.type === 'api-downtime'
      ) {
        keep.push(e);
      }
    }
    if (page.length < PAGE) return keep;
  }
}

export function statusReport(stored: StoredRun, events: readonly EngineEvent[]): RunStatusReport {
  const counts = {
    steps: stored.plan.steps.length,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    running: 0,
    pending: 0,
  };
  const failed: RunStatusReport['failed'] = [];
  const leftByPhase = new Map<string, { steps: number; hosts: Set<string> }>();
  for (const s of stored.plan.steps) {
    const st = stored.steps.get(s.id);
    const status = st?.status ?? 'pending';
    if (status === 'succeeded') {
      counts.succeeded++;
      continue;
    }
    if (status === 'failed') {
      counts.failed++;
      failed.push({ step: s.id, attempt: st?.attempt ?? 0, error: st?.error ?? 'failed' });
    } else if (status === 'skipped') counts.skipped++;
    else if (status === 'running') counts.running++;
    else counts.pending++;
    const left = leftByPhase.get(s.phase) ?? { steps: 0, hosts: new Set<string>() };
    left.steps++;
    left.hosts.add(s.host);
    leftByPhase.set(s.phase, left);
  }
  // Only the latest word on each run segment counts: a resumed run's earlier stop is history.
  let lastStart = -1;
  events.forEach((e, i) => {
    if (e.type === 'run-started') lastStart = i;
  });
  const current = events.slice(Math.max(0, lastStart));
  let reason: string | undefined;
  const dropped = new Set<string>();
  const computes = new Map<string, { host: string; enabled: boolean; reason: string }>();
  for (const e of current) {
    if (e.type === 'run-stopping' || e.type === 'run-paused') reason = e.reason;
    if (e.type === 'host-dropped') dropped.add(e.host);
    if (e.type === 'compute-restored')
      computes.set(e.host, { host: e.host, enabled: e.enabled, reason: e.reason });
  }
  if (reason === undefined && stored.status === 'stopped' && dropped.size > 0) {
    reason = `${[...dropped].sort().join(', ')} failed within the budget; later phases wait for them`;
  }
  // Measured downtime adds up over every segment of the run (each resume probes its own window).
  const measured = new Map<string, { api: string; down_s: number; watched_s: number; outages: number }>();
  for (const e of events) {
    if (e.type !== 'api-downtime') continue;
    const m = measured.get(e.api) ?? { api: e.api, down_s: 0, watched_s: 0, outages: 0 };
    m.down_s += e.down_s;
    m.watched_s += e.watched_s;
    m.outages += e.intervals.length;
    measured.set(e.api, m);
  }
  const phaseOrder = new Map(stored.plan.phases.map((p, i) => [p.id, i]));
  const left = [...leftByPhase]
    .sort((a, b) => (phaseOrder.get(a[0]) ?? 0) - (phaseOrder.get(b[0]) ?? 0))
    .map(([phase, l]) => ({ phase, steps: l.steps, hosts: hostsLabel(l.hosts) }));
  return {
    run: stored.header.id,
    cloud: stored.header.cloud,
    scenario: stored.header.scenario,
    driver: stored.header.driver,
    status: stored.status,
    ...(reason === undefined ? {} : { reason }),
    counts,
    failed,
    dropped_hosts: [...dropped].sort(),
    computes: [...computes.values()].sort((a, b) => a.host.localeCompare(b.host)),
    left,
    ...(measured.size > 0
      ? {
          downtime: [...measured.values()]
            .sort((a, b) => a.api.localeCompare(b.api))
            .map((m) => ({ ...m, planned_s: stored.plan.estimate.outages[m.api] ?? 0 })),
        }
      : {}),
  };
}

function hostsLabel(hosts: Set<string>): string {
  const machines = [...hosts].filter((h) => h !== CLOUD).sort();
  const parts: string[] = [];
  if (machines.length > 0) parts.push(compressHostNames(machines));
  if (hosts.has(CLOUD)) parts.push('the cloud APIs');
  return parts.join(' + ');
}

export function renderStatus(r: RunStatusReport): string {
  const kind = r.driver === 'twin' ? 'rehearsal' : 'run';
  const c = r.counts;
  const lines = [
    `${kind} ${r.run}: ${r.scenario} on ${r.cloud}`,
    `status: ${r.status}${r.reason === undefined ? '' : ` — ${r.reason}`}`,
    `steps: ${c.succeeded} succeeded, ${c.failed} failed, ${c.skipped} skipped, ${c.running} running, ${c.pending} not started (of ${c.steps})`,
  ];
  if (r.failed.length > 0) {
    lines.push('failed:');
    for (const f of r.failed) lines.push(`  ✗ ${f.step} (attempt ${f.attempt}): ${f.error}`);
  }
  if (r.dropped_hosts.length > 0) lines.push(`dropped hosts: ${r.dropped_hosts.join(', ')}`);
  const off = r.computes.filter((x) => !x.enabled);
  const on = r.computes.filter((x) => x.enabled);
  if (off.length > 0) {
    lines.push('computes left disabled:');
    for (const x of off) lines.push(`  ${x.host}: ${x.reason}`);
  }
  if (on.length > 0)
    lines.push(`computes re-enabled after the stop: ${compressHostNames(on.map((x) => x.host))}`);
  if (r.downtime !== undefined) {
    lines.push('API downtime (planned, measured):');
    for (const d of r.downtime) {
      lines.push(
        `  ${d.api.padEnd(18)} ${formatDuration(d.planned_s).padEnd(10)} ${formatDuration(d.down_s)} in ${d.outages} outage(s), watched ${formatDuration(d.watched_s)}`,
      );
    }
  }
  if (r.left.length > 0) {
    lines.push('left to do:');
    for (const l of r.left)
      lines.push(`  ${l.phase.padEnd(22)} ${String(l.steps).padStart(6)} steps on ${l.hosts}`);
    if (r.status !== 'running') lines.push(`next: stackhop resume ${r.run}`);
  }
  return `${lines.join('\n')}\n`;
}
