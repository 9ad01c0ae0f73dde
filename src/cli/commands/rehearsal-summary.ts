// The end of a rehearsal in numbers: how long, what was down for how long, what moved, what broke.

import { formatDuration } from '../../plan/render/duration.js';
import { formatCount } from '../../plan/render/text.js';
import type { Rehearsal } from '../../rehearse/rehearse.js';

export function renderRehearsal(r: Rehearsal, state: string): string {
  const { outcome: o, metrics: m, plan } = r;
  const apis = Object.entries(m.api_downtime_s)
    .filter(([, s]) => s > 0)
    .map(([api, s]) => `${api} ${formatDuration(s)}`);
  const lines = [
    `rehearsal ${r.runId}: ${plan.scenario} on ${plan.cloud}: ${o.status} after ${formatDuration((o.finishedAt - o.startedAt) / 1000)} (virtual time)`,
    `  steps            ${formatCount(o.counts.succeeded)} succeeded, ${o.counts.failed} failed, ${o.counts.skipped} skipped, ${o.counts.pending} not run`,
    `  API downtime     ${apis.length > 0 ? apis.join(', ') : 'none'}`,
    `  compute control  ${m.compute_control.hosts} hypervisors lost it for ${formatDuration(m.compute_control.host_seconds)} host-time (longest ${formatDuration(m.compute_control.longest_s)}); at most ${m.compute_stopped.most_at_once} computes stopped at once`,
    `  workloads        ${formatCount(m.workload_interruptions)} interrupted, ${m.instances_lost} lost; ${formatCount(m.live_migrations)} live and ${formatCount(m.cold_migrations)} cold migrations, ${formatCount(Math.round(m.gb_moved))} GB moved`,
    `  extra hosts      ${m.extra_hosts}`,
    `  mixed versions   ${formatDuration(m.mixed_version_window_s)}`,
    `  RPC errors       ${m.rpc_errors}${m.event_errors > 0 ? ` (+ ${m.event_errors} failed neutron→nova events)` : ''}`,
  ];
  for (const sample of m.rpc_error_samples.slice(0, 3)) lines.push(`                   e.g. ${sample}`);
  if (m.not_on_target.length > 0) {
    lines.push(
      `  not upgraded     ${m.not_on_target.slice(0, 8).join(', ')}${m.not_on_target.length > 8 ? ', …' : ''}`,
    );
  }
  if (o.reason !== undefined) lines.push(`  why              ${o.reason}`);
  for (const x of o.restored)
    lines.push(`  ${x.enabled ? 're-enabled' : 'left disabled'}  ${x.host}: ${x.reason}`);
  lines.push(`journal: ${state} (stackhop status ${r.runId} --state ${state})`);
  return `${lines.join('\n')}\n`;
}
