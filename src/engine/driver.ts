// The port through which the engine acts on a cloud. Two implementations: the twin (drivers/sim) and
// the real hosts (drivers/ssh + drivers/openstack). The engine never knows which one it drives.

import type { Environment, Step } from '../plan/types.js';

export interface StepContext {
  readonly runId: string;
  /** 1 for the first execution of the step in this run, +1 for every re-execution (resume, retry). */
  readonly attempt: number;
  /** Aborted when the step times out or the run is aborted; drivers stop what they can. */
  readonly signal: AbortSignal;
  /** A line of output for the journal (bounded there); never pass secrets. */
  output(line: string): void;
}

export interface StepResult {
  /** Short human summary of what happened (`migrated 40 instances, 160 GB`). */
  summary?: string;
}

/** What a step failed with: the driver's own words plus the context an operator needs. */
export class StepFailure extends Error {
  override readonly name = 'StepFailure';
  constructor(
    message: string,
    readonly detail: {
      command?: string;
      exitCode?: number;
      stderrTail?: string;
      /** The driver knows retrying cannot help (e.g. an RPC version mismatch). */
      permanent?: boolean;
    } = {},
  ) {
    super(message);
  }
}

/**
 * After a crash, whether a step the journal shows as `running` took effect: `done` lets resume mark it
 * succeeded without running it again; `not-done` re-runs it; `unknown` re-runs it only if it is idempotent.
 */
export type ProbeResult = 'done' | 'not-done' | 'unknown';

export interface ComputeStatus {
  /** nova-compute reports up (heartbeat fresh). */
  up: boolean;
  /** Scheduling enabled (`nova service-enable`). */
  enabled: boolean;
}

export interface Driver {
  readonly kind: 'twin' | 'real';
  /** Runs one step's action to completion; throws StepFailure (or any error) when it fails. */
  execute(step: Step, ctx: StepContext): Promise<StepResult>;
  probe(step: Step): Promise<ProbeResult>;
  /** The compute service on a host as the Nova API sees it; undefined when the host runs none. */
  computeStatus(host: string, env?: Environment): Promise<ComputeStatus | undefined>;
  close(): Promise<void>;
}
