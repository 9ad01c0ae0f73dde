// The one stream of what a run does. The journal stores it, the terminal view and the dashboard render
// it, the report summarises it: every consumer reads the same discriminated union.

import type { ProbeResult } from './driver.js';

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** `stopped`: failures exceeded the budget (or a step that cannot be dropped failed); nothing new started. */
export type RunStatus = 'running' | 'paused' | 'succeeded' | 'stopped' | 'aborted';

export interface RunCounts {
  steps: number;
  succeeded: number;
  failed: number;
  skipped: number;
  pending: number;
}

/** Times are the engine clock's milliseconds (virtual in a rehearsal). */
export type EngineEvent =
  | { type: 'run-started'; at: number; run: string; steps: number; resumed: boolean }
  | { type: 'step-started'; at: number; step: string; host: string; attempt: number }
  | {
      type: 'step-succeeded';
      at: number;
      step: string;
      host: string;
      attempt: number;
      duration_ms: number;
      summary?: string;
      output?: string;
    }
  | {
      type: 'step-failed';
      at: number;
      step: string;
      host: string;
      attempt: number;
      duration_ms: number;
      error: string;
      output?: string;
    }
  /** Not run: its host was dropped after a failure, within the failure budget. */
  | { type: 'step-skipped'; at: number; step: string; host: string; reason: string }
  /** A step found `running` on resume was probed: `done` marks it succeeded without running it again. */
  | { type: 'step-probed'; at: number; step: string; host: string; result: ProbeResult }
  | { type: 'host-dropped'; at: number; host: string; step: string; failed_hosts: number; budget: number }
  | { type: 'run-stopping'; at: number; reason: string; failed_hosts: readonly string[] }
  | { type: 'gate-waiting'; at: number; step: string; prompt: string }
  | { type: 'gate-approved'; at: number; step: string; by: string }
  | { type: 'run-paused'; at: number; reason: string }
  | { type: 'run-resumed'; at: number }
  /** After a stop: a disabled compute put back into service, or left out with the reason. */
  | { type: 'compute-restored'; at: number; host: string; enabled: boolean; reason: string }
  | { type: 'run-finished'; at: number; status: Exclude<RunStatus, 'running' | 'paused'>; counts: RunCounts }
  /**
   * Measured during a real run (probe/): an API's availability over the span it was watched, with the
   * intervals it did not answer. Journaled when the probes stop, next to the plan's estimate.
   */
  | {
      type: 'api-downtime';
      at: number;
      api: string;
      url: string;
      watched_s: number;
      down_s: number;
      intervals: readonly { start: number; end: number }[];
    };

export type EventType = EngineEvent['type'];

export function isStepEvent(
  e: EngineEvent,
): e is Extract<EngineEvent, { step: string; host: string; type: `step-${string}` }> {
  return e.type.startsWith('step-');
}
