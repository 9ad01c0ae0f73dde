// What a rehearsal measured, read off the cloud model at an instant. Seconds are virtual seconds.

import type { Cloud } from './cloud.js';
import type { Windows } from './intervals.js';

export interface ComputeControl {
  hosts: number;
  host_seconds: number;
  longest_s: number;
  most_at_once: number;
}

export interface TwinMetrics {
  /** Per API: seconds during which it was down (every backend down, or keystone down). */
  api_downtime_s: Record<string, number>;
  /**
   * Hypervisors whose instances had no control plane: nova-compute not running, or running without a
   * compatible conductor. `most_at_once`: the most hosts in that state at the same time.
   */
  compute_control: ComputeControl;
  /**
   * The part of compute_control where nova-compute was not running at all (stopped for its upgrade);
   * the rest is computes left without a conductor (e.g. while every conductor is stopped for the
   * Nova schema migration).
   */
  compute_stopped: ComputeControl;
  /** Instance interruptions: network blips on agent stops/restarts, redeploys into another region. */
  workload_interruptions: number;
  instances_lost: number;
  instances_alive: number;
  /** Instances that ended by themselves while their compute was drained by waiting. */
  instances_ended: number;
  live_migrations: number;
  cold_migrations: number;
  /** RAM copied by live migrations. */
  gb_moved: number;
  /** Spare hosts the upgrade brought into service. */
  extra_hosts: number;
  rpc_errors: number;
  rpc_error_samples: string[];
  event_errors: number;
  event_error_samples: string[];
  /** Seconds the compute API was down while the Nova schema migrated. */
  db_wait_s: number;
  /** Seconds during which Nova services of both releases ran in the same deployment. */
  mixed_version_window_s: number;
  /** `host:service` not on the target release at the end (installed or running). */
  not_on_target: string[];
}

const s = (ms: number) => Math.round(ms / 100) / 10;

function windows(w: Windows, now: number): ComputeControl {
  return {
    hosts: w.keys.size,
    host_seconds: s(w.totalMs(now)),
    longest_s: s(w.longestMs(now)),
    most_at_once: w.mostAtOnce,
  };
}

export function metricsOf(cloud: Cloud, now: number): TwinMetrics {
  const api: Record<string, number> = {};
  for (const name of cloud.apis.apis) api[name] = s(cloud.apis.down.totalMs(now, name));
  const to = cloud.ctx.to.name;
  const notOnTarget: string[] = [];
  let extra = 0;
  for (const h of cloud.hostList) {
    if (h.env === undefined) continue;
    if (h.spare) extra++;
    for (const sv of h.services.values()) {
      if (sv.removed) continue;
      if (sv.installed !== to || (sv.run !== undefined && sv.run.release !== to))
        notOnTarget.push(`${h.name}:${sv.name}`);
    }
  }
  return {
    api_downtime_s: api,
    compute_control: windows(cloud.control, now),
    compute_stopped: windows(cloud.stopped, now),
    workload_interruptions: cloud.counters.workload_interruptions,
    instances_lost: cloud.counters.instances_lost,
    instances_alive: cloud.instances.alive,
    instances_ended: cloud.counters.instances_ended,
    live_migrations: cloud.counters.live_migrations,
    cold_migrations: cloud.counters.cold_migrations,
    gb_moved: Math.round((cloud.counters.mb_moved / 1024) * 10) / 10,
    extra_hosts: extra,
    rpc_errors: cloud.rpc.total(now),
    rpc_error_samples: [...cloud.rpc.samples],
    event_errors: cloud.events.total(now),
    event_error_samples: [...cloud.events.samples],
    db_wait_s: s(cloud.counters.db_wait_ms),
    mixed_version_window_s: s(cloud.mixed.totalMs(now)),
    not_on_target: notOnTarget,
  };
}
