// The recommendation: a pure function of the rehearsals and the operator's constraints. A scenario is
// excluded when it could not be planned, when its rehearsal broke something (RPC errors, lost
// instances, services left behind, a stop), or when it breaks a constraint. The rest are ranked by what
// operators dread most: the longest API outage first, then extra hardware, then hypervisors without
// control, then total time. Every verdict says why, in numbers.

import { formatDuration } from '../plan/render/duration.js';
import type { Comparison, Constraints, ScenarioOutcome, Verdict } from './types.js';

type Feasible = Extract<ScenarioOutcome, { feasible: true }>;

export function maxApiDowntime(o: Feasible): { api: string; seconds: number } {
  let worst = { api: 'none', seconds: 0 };
  for (const [api, seconds] of Object.entries(o.measure.api_downtime_s)) {
    if (seconds > worst.seconds) worst = { api, seconds };
  }
  return worst;
}

/** Why a rehearsed scenario cannot be recommended whatever the constraints. */
function brokeSomething(o: Feasible): string[] {
  const m = o.measure;
  const out: string[] = [];
  if (o.status !== 'succeeded') out.push(`the rehearsal ended ${o.status}`);
  if (m.rpc_errors > 0) out.push(`${m.rpc_errors} RPC errors in rehearsal`);
  if (m.event_errors > 0) out.push(`${m.event_errors} failed neutron→nova events in rehearsal`);
  if (m.instances_lost > 0) out.push(`${m.instances_lost} instances lost in rehearsal`);
  if (m.not_on_target.length > 0) out.push(`${m.not_on_target.length} services not upgraded`);
  return out;
}

function breaksConstraints(o: Feasible, c: Constraints, spares: number): string[] {
  const out: string[] = [];
  const worst = maxApiDowntime(o);
  if (c.maxApiDowntime_s !== undefined && worst.seconds > c.maxApiDowntime_s) {
    out.push(
      `${worst.api} down ${formatDuration(worst.seconds)}, over the allowed ${formatDuration(c.maxApiDowntime_s)}`,
    );
  }
  if (o.measure.extra_hosts > spares) {
    out.push(`needs ${o.measure.extra_hosts} extra hosts, ${spares} available`);
  }
  if (c.window_s !== undefined && o.measure.duration_s > c.window_s) {
    out.push(
      `takes ${formatDuration(o.measure.duration_s)}, longer than the ${formatDuration(c.window_s)} window`,
    );
  }
  return out;
}

/**
 * Lexicographic: longest API outage (to the minute, as the table shows it: two outages the operator
 * reads as equal are equal), extra hosts, workload interruptions, compute-control host-time, duration.
 */
function compareFeasible(a: Feasible, b: Feasible): number {
  const minutes = (o: Feasible) => Math.round(maxApiDowntime(o).seconds / 60);
  return (
    minutes(a) - minutes(b) ||
    a.measure.extra_hosts - b.measure.extra_hosts ||
    a.measure.workload_interruptions - b.measure.workload_interruptions ||
    a.measure.compute_control.host_seconds - b.measure.compute_control.host_seconds ||
    a.measure.duration_s - b.measure.duration_s
  );
}

function strengths(o: Feasible): string {
  const m = o.measure;
  const worst = maxApiDowntime(o);
  const parts = [
    worst.seconds > 0
      ? `longest API outage ${formatDuration(worst.seconds)} (${worst.api})`
      : 'no API outage',
    m.extra_hosts > 0 ? `${m.extra_hosts} extra hosts` : 'no extra hosts',
    `${m.workload_interruptions} workload interruptions`,
    `compute control lost ${formatDuration(m.compute_control.host_seconds)} host-time; at most ${m.compute_stopped.most_at_once} computes stopped at once`,
    `${formatDuration(m.duration_s)} in all`,
  ];
  return parts.join('; ');
}

export function recommend(
  cloud: string,
  seed: number,
  outcomes: readonly ScenarioOutcome[],
  constraints: Constraints,
  sparesInInventory: number,
): Comparison {
  const spares = constraints.spareHosts ?? sparesInInventory;
  const verdicts = new Map<string, Verdict>();
  const eligible: Feasible[] = [];
  for (const o of outcomes) {
    if (!o.feasible) {
      verdicts.set(o.scenario, { scenario: o.scenario, because: [`cannot be planned: ${o.reason}`] });
      continue;
    }
    const problems = [...brokeSomething(o), ...breaksConstraints(o, constraints, spares)];
    if (problems.length > 0) {
      verdicts.set(o.scenario, { scenario: o.scenario, because: problems });
      continue;
    }
    eligible.push(o);
  }
  eligible.sort(compareFeasible);
  eligible.forEach((o, i) => {
    verdicts.set(o.scenario, { scenario: o.scenario, rank: i + 1, because: [strengths(o), ...o.risks] });
  });
  const best = eligible[0];
  const summary =
    best === undefined
      ? 'No scenario meets the constraints: relax them (longer window, more downtime, more spare hosts) or fix what the rehearsals broke.'
      : recommendationText(best, eligible.slice(1), constraints);
  return {
    cloud,
    seed,
    constraints,
    outcomes,
    verdicts: outcomes.map((o) => verdicts.get(o.scenario)!),
    ...(best === undefined ? {} : { recommended: best.scenario }),
    summary,
  };
}

function recommendationText(best: Feasible, others: readonly Feasible[], c: Constraints): string {
  const worst = maxApiDowntime(best);
  const under: string[] = [];
  if (c.maxApiDowntime_s !== undefined) under.push(`API downtime ≤ ${formatDuration(c.maxApiDowntime_s)}`);
  if (c.spareHosts !== undefined) under.push(`${c.spareHosts} spare hosts`);
  if (c.window_s !== undefined) under.push(`a ${formatDuration(c.window_s)} window`);
  const head = `Recommended: ${best.scenario}${under.length > 0 ? ` (under ${under.join(', ')})` : ''}.`;
  const why =
    worst.seconds > 0
      ? ` Its longest API outage is ${formatDuration(worst.seconds)} (${worst.api})`
      : ' It takes no API down';
  const hw =
    best.measure.extra_hosts > 0
      ? `, it needs ${best.measure.extra_hosts} extra hosts`
      : ', it needs no extra hosts';
  const next = others[0];
  const vs =
    next === undefined
      ? ''
      : ` The runner-up, ${next.scenario}, has a longest API outage of ${formatDuration(maxApiDowntime(next).seconds)} and needs ${next.measure.extra_hosts} extra hosts.`;
  return `${head}${why}${hw} and it takes ${formatDuration(best.measure.duration_s)}.${vs}`;
}
