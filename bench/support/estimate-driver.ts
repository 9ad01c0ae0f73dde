// A driver in which every step takes exactly its estimate: the engine's schedule can then be compared
// with bounds computed from the same numbers.

import type { Clock } from '../../src/engine/clock.js';
import type { ComputeStatus, Driver, ProbeResult, StepContext, StepResult } from '../../src/engine/driver.js';
import type { Step } from '../../src/plan/types.js';

export class EstimateDriver implements Driver {
  readonly kind = 'twin' as const;
  constructor(private readonly clock: Clock) {}
  async execute(step: Step, ctx: StepContext): Promise<StepResult> {
    await this.clock.sleep(step.estimate_s * 1000, ctx.signal);
    return {};
  }
  async probe(): Promise<ProbeResult> {
    return 'not-done';
  }
  async computeStatus(): Promise<ComputeStatus | undefined> {
    return { up: true, enabled: true };
  }
  async close(): Promise<void> {}
}
