// A plan's estimate: the critical path, and for each API the time during which every one of its backends
// is down (an HA API restarted one controller at a time never goes down; one stopped everywhere does).

import { buildGraph, earliestStart } from './graph.js';
import { isComputeControl, type PlanEstimate, type Step } from './types.js';

interface Interval {
  from: number;
  to: number;
}

/** Per host, the windows between a step that opens an outage and the next step that closes it. */
function downWindows(steps: readonly Step[], start: Float64Array): Map<string, Map<string, Interval[]>> {
  const byOutage = new Map<string, Map<string, Interval[]>>();
  const open = new Map<string, number>();
  const order: number[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.opens.length > 0 || s.closes.length > 0) order.push(i);
  }
  order.sort((a, b) => start[a]! - start[b]! || a - b);
  for (const i of order) {
    const s = steps[i]!;
    const begin = start[i]!;
    const end = begin + s.estimate_s;
    for (const o of s.opens) {
      const key = `${o}\0${s.host}`;
      if (!open.has(key)) open.set(key, begin);
    }
    for (const o of s.closes) {
      const key = `${o}\0${s.host}`;
      const from = open.get(key);
      if (from === undefined) continue;
      open.delete(key);
      const hosts = byOutage.get(o) ?? new Map<string, Interval[]>();
      const list = hosts.get(s.host) ?? [];
      list.push({ from, to: end });
      hosts.set(s.host, list);
      byOutage.set(o, hosts);
    }
  }
  return byOutage;
}

/** Seconds during which all `backends` are down at once. */
function allDown(windows: ReadonlyMap<string, Interval[]>, backends: number): number {
  const events: [number, number][] = [];
  for (const list of windows.values()) for (const w of list) events.push([w.from, 1], [w.to, -1]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let down = 0;
  let since = 0;
  let total = 0;
  for (const [t, delta] of events) {
    if (down >= backends) total += t - since;
    down += delta;
    since = t;
  }
  return total;
}

/**
 * `backends` counts, per API, the hosts that serve it; an API whose backends never all go down has no
 * outage. `ramMb` sizes the data a live migration moves.
 */
export function estimatePlan(
  steps: readonly Step[],
  backends: ReadonlyMap<string, number>,
  ramMb: number,
): PlanEstimate {
  const { graph } = buildGraph({ steps });
  const durations = Float64Array.from(steps, (s) => s.estimate_s);
  const start = earliestStart(graph, durations);
  let duration = 0;
  for (let i = 0; i < steps.length; i++) duration = Math.max(duration, start[i]! + durations[i]!);

  const outages: Record<string, number> = {};
  const control = { hosts: 0, host_seconds: 0, longest_s: 0 };
  for (const [outage, windows] of downWindows(steps, start)) {
    if (isComputeControl(outage)) {
      const seconds = [...windows.values()].flat().reduce((sum, w) => sum + (w.to - w.from), 0);
      control.hosts += 1;
      control.host_seconds += seconds;
      control.longest_s = Math.max(control.longest_s, seconds);
      continue;
    }
    const seconds = allDown(windows, backends.get(outage) ?? windows.size);
    if (seconds > 0) outages[outage] = Math.round(seconds);
  }
  const migrations = { live: 0, cold: 0, gb_moved: 0 };
  for (const s of steps) {
    if (s.action.kind !== 'drain-compute') continue;
    if (s.action.mode === 'live-migrate') {
      migrations.live += s.action.instances;
      migrations.gb_moved += (s.action.instances * ramMb) / 1024;
    } else if (s.action.mode === 'cold-migrate') {
      migrations.cold += s.action.instances;
    }
  }
  migrations.gb_moved = Math.round(migrations.gb_moved);
  const sorted = Object.fromEntries(Object.entries(outages).sort(([a], [b]) => a.localeCompare(b)));
  return {
    duration_s: Math.round(duration),
    outages: sorted,
    compute_control: {
      hosts: control.hosts,
      host_seconds: Math.round(control.host_seconds),
      longest_s: Math.round(control.longest_s),
    },
    migrations,
  };
}
