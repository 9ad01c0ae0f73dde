// What `stackhop compare` measures for each scenario on the twin, and the constraints an operator
// chooses under. Numbers come from rehearsals, not from the planner's estimates.

import type { ScenarioId } from '../catalog/types.js';

export interface ScenarioMeasure {
  /** Wall time of the upgrade on the twin, first step to last. */
  duration_s: number;
  /** Seconds each API was unavailable (every backend down, or keystone down). */
  api_downtime_s: Readonly<Record<string, number>>;
  /**
   * Hypervisors without control of their instances (nova-compute down, or no compatible conductor to
   * talk to), and for how long.
   */
  compute_control: { hosts: number; host_seconds: number; longest_s: number; most_at_once: number };
  /** Hypervisors whose own nova-compute was stopped: what a batch takes out. */
  compute_stopped: { hosts: number; host_seconds: number; longest_s: number; most_at_once: number };
  /** Instances that saw an interruption (network blip on an agent restart, redeploy). */
  workload_interruptions: number;
  instances_lost: number;
  live_migrations: number;
  cold_migrations: number;
  gb_moved: number;
  /** Machines needed beyond the ones the cloud runs on. */
  extra_hosts: number;
  /** Time during which Nova services of both releases ran side by side. */
  mixed_version_s: number;
  /** Seconds the compute API was down while the Nova schema migrated. */
  nova_db_wait_s: number;
  rpc_errors: number;
  event_errors: number;
  /** `host:service` pairs not on the target release at the end. */
  not_on_target: readonly string[];
}

export type ScenarioOutcome =
  | { scenario: ScenarioId; feasible: false; reason: string }
  | {
      scenario: ScenarioId;
      feasible: true;
      /** The rehearsal's own status: anything but `succeeded` is a finding. */
      status: string;
      measure: ScenarioMeasure;
      steps: number;
      risks: readonly string[];
    };

export interface Constraints {
  /** Longest acceptable outage of any single API. */
  maxApiDowntime_s?: number;
  /** Spare machines available (default: the inventory's spare_hosts). */
  spareHosts?: number;
  /** The whole upgrade must fit in this window. */
  window_s?: number;
}

export interface Verdict {
  scenario: ScenarioId;
  /** Ranked position among eligible scenarios (1 = recommended); undefined when excluded. */
  rank?: number;
  /** Why it was excluded, or what speaks for and against it. */
  because: readonly string[];
}

export interface Comparison {
  cloud: string;
  seed: number;
  constraints: Constraints;
  outcomes: readonly ScenarioOutcome[];
  verdicts: readonly Verdict[];
  recommended?: ScenarioId;
  /** One paragraph: the choice and why, under the constraints. */
  summary: string;
}
