// What an operator sees of a run, as data: folded from the plan and the engine's event stream and from
// nothing else, so the terminal view, the dashboard and the report can never disagree. Types only; the
// fold is in run-tracker.ts. Times are the engine clock's milliseconds (virtual in a rehearsal).

import type { RunStatus } from '../engine/events.js';

/**
 * A host's place in the grid: `waiting` has steps done and none running (between two of its steps, or
 * left there by a stop), `failed` until a retry succeeds, `dropped` once the budget gave up on it.
 */
export type HostState = 'pending' | 'running' | 'waiting' | 'done' | 'failed' | 'dropped';

export interface PhaseView {
  id: string;
  title: string;
  steps: number;
  succeeded: number;
  failed: number;
  skipped: number;
  running: number;
  /** Compute batches of the phase (0 when it has none). */
  batches: number;
  started_at?: number;
  finished_at?: number;
}

export interface BatchView {
  phase: string;
  batch: number;
  /** Batches in its phase. */
  of: number;
  hosts: number;
  steps: number;
  finished: number;
  failed: number;
  started_at?: number;
  finished_at?: number;
}

export interface HostView {
  name: string;
  state: HostState;
  steps: number;
  finished: number;
  /** The step running on it now, or the one that failed. */
  step?: string;
  /** Its compute batch, when it is in one. */
  batch?: number;
  /** First step started, last step finished (when all are). */
  started_at?: number;
  finished_at?: number;
}

export interface OutageView {
  /** The API (or other shared service) whose backends are going down. */
  outage: string;
  /** Hosts whose share of it is down now. */
  down: readonly string[];
  /** Hosts of the plan that serve it: every one down means the API is down. */
  backends: number;
  all_down: boolean;
  /** When the first of `down` went down, and when all of them were (if they are). */
  since: number;
  all_down_since?: number;
}

export interface FailureView {
  step: string;
  host: string;
  attempt: number;
  at: number;
  /** What the step does, in words (the command for a reader of the report). */
  action: string;
  error: string;
  /** Tail of the step's output (stderr and stdout), bounded by the journal. */
  output?: string;
}

/** Downtime of one API over a span it was watched: probes in a real run, the twin's APIs in a rehearsal. */
export interface MeasuredDowntime {
  api: string;
  url: string;
  watched_s: number;
  down_s: number;
  intervals: readonly { start: number; end: number }[];
}

export interface RunView {
  run?: string;
  cloud: string;
  scenario: string;
  from: string;
  to: string;
  status: RunStatus | 'not-started';
  started_at?: number;
  /** Time of the last event folded in. */
  now: number;
  finished_at?: number;
  reason?: string;
  counts: {
    steps: number;
    succeeded: number;
    failed: number;
    skipped: number;
    running: number;
    pending: number;
  };
  hosts_summary: { total: number; done: number; failed: number; running: number };
  phases: readonly PhaseView[];
  /** The phase with running steps that comes first in the plan, or the last one started. */
  current_phase?: string;
  /** The newest batch that has started and not finished. */
  current_batch?: BatchView;
  batches: readonly BatchView[];
  hosts: readonly HostView[];
  /** Estimated seconds until the end: the plan's estimate scaled by the pace observed so far. */
  eta_s?: number;
  planned_duration_s: number;
  /** APIs with at least one backend down now (hypervisor control planes are counted apart). */
  outages: readonly OutageView[];
  /** Hypervisors whose nova-compute is down now. */
  computes_down: number;
  /** Per API: planned seconds of downtime (the plan's estimate). */
  planned_outages: Readonly<Record<string, number>>;
  /** Per API: seconds during which every backend was down, from the steps' real times. */
  step_outages: Readonly<Record<string, number>>;
  /** Per API: the windows during which every backend was down (closed ones, then any still open). */
  outage_windows: Readonly<Record<string, readonly { start: number; end: number }[]>>;
  measured: readonly MeasuredDowntime[];
  failures: readonly FailureView[];
  gate?: { step: string; prompt: string };
  /** The last progress lines (the terminal's line-per-event text). */
  log: readonly string[];
}
