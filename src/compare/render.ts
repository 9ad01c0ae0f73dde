// The comparison as a table an operator reads in one glance: one column per scenario, one row per cost,
// then the recommendation and every scenario's verdict in words.

import { formatDuration } from '../plan/render/duration.js';
import { formatCount } from '../plan/render/text.js';
import type { Comparison, ScenarioOutcome } from './types.js';

type Feasible = Extract<ScenarioOutcome, { feasible: true }>;

const API_ORDER = [
  'identity-api',
  'image-api',
  'compute-api',
  'placement-api',
  'network-api',
  'volume-api',
  'orchestration-api',
  'telemetry-api',
  'dashboard',
];

function dur(s: number): string {
  return s > 0 ? formatDuration(s) : '—';
}

export function renderComparison(c: Comparison): string {
  const cols = c.outcomes;
  const feasible = (o: ScenarioOutcome): o is Feasible => o.feasible;
  const apis = API_ORDER.filter((api) =>
    cols.some((o) => feasible(o) && (o.measure.api_downtime_s[api] ?? -1) >= 0),
  );
  const rows: Array<[string, (o: Feasible) => string]> = [
    ['rehearsal', (o) => o.status],
    ['total duration', (o) => formatDuration(o.measure.duration_s)],
    ...apis.map((api): [string, (o: Feasible) => string] => [
      `${api} down`,
      (o) => dur(o.measure.api_downtime_s[api] ?? 0),
    ]),
    ['compute control lost', (o) => `${dur(o.measure.compute_control.host_seconds)} host-time`],
    ['computes stopped at once', (o) => formatCount(o.measure.compute_stopped.most_at_once)],
    ['without control at once', (o) => formatCount(o.measure.compute_control.most_at_once)],
    ['longest per hypervisor', (o) => dur(o.measure.compute_control.longest_s)],
    ['workload interruptions', (o) => formatCount(o.measure.workload_interruptions)],
    ['live migrations', (o) => formatCount(o.measure.live_migrations)],
    ['cold migrations', (o) => formatCount(o.measure.cold_migrations)],
    ['GB moved', (o) => formatCount(Math.round(o.measure.gb_moved))],
    ['extra hosts', (o) => formatCount(o.measure.extra_hosts)],
    ['mixed-version window', (o) => dur(o.measure.mixed_version_s)],
    ['Nova DB-migration wait', (o) => dur(o.measure.nova_db_wait_s)],
    ['RPC errors', (o) => formatCount(o.measure.rpc_errors + o.measure.event_errors)],
    ['instances lost', (o) => formatCount(o.measure.instances_lost)],
  ];
  const verdictOf = new Map(c.verdicts.map((v) => [v.scenario, v]));
  const header = ['', ...cols.map((o) => o.scenario)];
  const table: string[][] = [header];
  for (const [label, cell] of rows) table.push([label, ...cols.map((o) => (feasible(o) ? cell(o) : 'n/a'))]);
  table.push([
    'verdict',
    ...cols.map((o) => {
      const rank = verdictOf.get(o.scenario)?.rank;
      return rank === undefined ? 'excluded' : rank === 1 ? '★ recommended' : `#${rank}`;
    }),
  ]);
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = [`compare: ${c.cloud} on the twin (seed ${c.seed})`, ''];
  for (const r of table)
    lines.push(
      r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
    );
  lines.push('', c.summary, '');
  for (const v of c.verdicts) {
    const tag = v.rank === undefined ? 'excluded' : `#${v.rank}`;
    lines.push(`${v.scenario} (${tag}):`);
    for (const b of v.because) lines.push(`  - ${b}`);
  }
  return `${lines.join('\n')}\n`;
}
