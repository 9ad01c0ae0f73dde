// A scripted Driver for engine tests: every step takes its estimate on the given clock, chosen steps
// fail or hang, and every execution is recorded so tests can check order and concurrency. The real
// behaviour of a cloud is the twin's business (src/drivers/sim); this only exercises the scheduler.

import type { Clock } from '../../src/engine/clock.js';
import type { ComputeStatus, Driver, ProbeResult, StepContext, StepResult } from '../../src/engine/driver.js';
import { StepFailure } from '../../src/engine/driver.js';
import type { Step } from '../../src/plan/types.js';

export interface Execution {
  step: string;
  host: string;
  start: number;
  end: number;
  ok: boolean;
}

export class FakeDriver implements Driver {
  readonly kind = 'twin' as const;
  readonly executions: Execution[] = [];
  /** Steps whose effect happened (probe says done). */
  readonly done = new Set<string>();
  readonly enabled = new Map<string, boolean>();
  readonly up = new Map<string, boolean>();
  running = 0;
  maxRunning = 0;

  constructor(
    private readonly clock: Clock,
    private readonly script: {
      fails?: (step: Step, attempt: number) => boolean;
      hangs?: (step: Step) => boolean;
      durationMs?: (step: Step) => number;
    } = {},
  ) {}

  async execute(step: Step, ctx: StepContext): Promise<StepResult> {
    const start = this.clock.now();
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.script.hangs?.(step) === true) await this.clock.sleep(Number.MAX_SAFE_INTEGER / 4, ctx.signal);
      await this.clock.sleep(this.script.durationMs?.(step) ?? step.estimate_s * 1000, ctx.signal);
      if (this.script.fails?.(step, ctx.attempt) === true) {
        this.executions.push({ step: step.id, host: step.host, start, end: this.clock.now(), ok: false });
        throw new StepFailure(`scripted failure of ${step.id}`);
      }
      this.apply(step);
      this.executions.push({ step: step.id, host: step.host, start, end: this.clock.now(), ok: true });
      ctx.output(`did ${step.action.kind}`);
      return { summary: `${step.action.kind} done` };
    } finally {
      this.running--;
    }
  }

  private apply(step: Step): void {
    this.done.add(step.id);
    const a = step.action;
    if (a.kind === 'disable-compute') this.enabled.set(step.host, false);
    if (a.kind === 'enable-compute') this.enabled.set(step.host, true);
    if (a.kind === 'stop-services' && a.services.includes('nova-compute')) this.up.set(step.host, false);
    if (a.kind === 'start-services' && a.services.includes('nova-compute')) this.up.set(step.host, true);
  }

  async probe(step: Step): Promise<ProbeResult> {
    return this.done.has(step.id) ? 'done' : 'not-done';
  }

  async computeStatus(host: string): Promise<ComputeStatus | undefined> {
    return { up: this.up.get(host) ?? true, enabled: this.enabled.get(host) ?? true };
  }

  async close(): Promise<void> {}
}
