// The twin as a Driver: the engine drives it exactly as it drives real hosts. A step takes virtual time
// on the clock (honouring the step's abort signal), refuses with the error the real cloud would show,
// or changes the model; every change is one transaction in the store when there is one.

import type { Catalog, ScenarioId } from '../../catalog/types.js';
import type { Clock } from '../../engine/clock.js';
import {
  type ComputeStatus,
  type Driver,
  type ProbeResult,
  type StepContext,
  StepFailure,
  type StepResult,
} from '../../engine/driver.js';
import type { Inventory } from '../../inventory/types.js';
import type { Environment, Step } from '../../plan/types.js';
import { type ActionRun, prepare, type Tx } from './actions.js';
import { Cloud } from './cloud.js';
import { describeFault, FAIL_AFTER_SHARE, type Fault, faultFor, SLOW_FACTOR } from './faults.js';
import { fingerprintOf } from './fingerprint.js';
import { metricsOf, type TwinMetrics } from './metrics.js';
import type { Op } from './ops.js';
import { computeStatusOf, probeStep } from './probe.js';
import { createTwinContext } from './state.js';
import type { TwinStore } from './store.js';
import { TwinView } from './view.js';

/** The twin's clock resolution for step ends. */
const TICK_MS = 1000;

export interface TwinOptions {
  inventory: Inventory;
  catalog: Catalog;
  scenario: ScenarioId;
  /** Every random draw derives from it: the same seed gives the same rehearsal. */
  seed: number;
  /** A VirtualClock in rehearsals; with a store, start it at the store's last instant. */
  clock: Clock;
  faults?: readonly Fault[];
  /** Keeps the twin's state across processes; without it the twin lives in memory. */
  store?: TwinStore;
}

export class Twin implements Driver {
  readonly kind = 'twin' as const;
  /** Read-only view of the model, for tests and reports. */
  readonly state: TwinView;
  private readonly cloud: Cloud;
  private readonly clock: Clock;
  private readonly faults: readonly Fault[];
  private readonly store: TwinStore | undefined;

  constructor(opts: TwinOptions) {
    this.clock = opts.clock;
    this.faults = opts.faults ?? [];
    this.store = opts.store;
    const ctx = createTwinContext(opts.inventory, opts.catalog, opts.scenario, opts.seed);
    const meta = opts.store?.meta();
    let t0 = opts.clock.now();
    if (opts.store !== undefined && meta !== undefined) {
      const want = { seed: opts.seed, cloud: opts.inventory.cloud, scenario: opts.scenario };
      const have = { seed: meta.seed, cloud: meta.cloud, scenario: meta.scenario };
      if (JSON.stringify(want) !== JSON.stringify(have)) {
        throw new Error(
          `the twin store ${opts.store.file} holds ${JSON.stringify(have)}, not ${JSON.stringify(want)}: ` +
            'use another directory for another cloud, scenario or seed',
        );
      }
      t0 = meta.t0;
    } else if (opts.store !== undefined) {
      opts.store.setMeta({
        format: 1,
        seed: opts.seed,
        cloud: opts.inventory.cloud,
        scenario: opts.scenario,
        t0,
      });
    }
    this.cloud = new Cloud(ctx, t0);
    let last = t0;
    for (const e of opts.store?.effects() ?? []) {
      for (const op of e.ops) this.cloud.apply(op, e.at);
      last = e.at;
    }
    if (opts.clock.now() < last) {
      throw new Error(
        `the clock (${new Date(opts.clock.now()).toISOString()}) is behind the twin's last change ` +
          `(${new Date(last).toISOString()}): start the virtual clock at the store's lastTime`,
      );
    }
    this.state = new TwinView(this.cloud);
  }

  async execute(step: Step, ctx: StepContext): Promise<StepResult> {
    const started = this.clock.now();
    const run = prepare(this.cloud, step, ctx.attempt, started);
    const fault = faultFor(this.faults, step);
    try {
      if (fault?.kind === 'hang') await aborted(ctx.signal);
      const stretch = fault?.kind === 'slow' ? SLOW_FACTOR : 1;
      if (fault?.kind === 'fail') {
        await this.clock.sleep(this.toTick(run.durationMs * FAIL_AFTER_SHARE), ctx.signal);
        throw new StepFailure(`injected fault: ${describeFault(fault)} (${step.id})`);
      }
      if (run.refuse !== undefined) {
        await this.clock.sleep(this.toTick(run.durationMs * stretch), ctx.signal);
        const refusal = run.refuse;
        if (refusal.ops.length > 0) this.transact(step, ctx.attempt, (tx) => refusal.ops.forEach(tx));
        await this.store?.durable();
        throw new StepFailure(refusal.message, { permanent: refusal.permanent });
      }
      if (run.begin !== undefined) this.transact(step, ctx.attempt, run.begin);
      await this.wait(run, stretch, ctx.signal);
      const outcome = this.transact(step, ctx.attempt, run.end);
      // The cloud has it before the engine hears of it (the store batches steps ending together).
      await this.store?.durable();
      if (outcome.error !== undefined) {
        ctx.output(outcome.error);
        throw new StepFailure(outcome.error, { permanent: outcome.permanent === true });
      }
      if (outcome.summary !== undefined) ctx.output(outcome.summary);
      return outcome.summary === undefined ? {} : { summary: outcome.summary };
    } finally {
      run.cleanup?.();
    }
  }

  async probe(step: Step): Promise<ProbeResult> {
    return probeStep(this.cloud, step);
  }

  async computeStatus(host: string, env?: Environment): Promise<ComputeStatus | undefined> {
    return computeStatusOf(this.cloud, host, env);
  }

  /**
   * Milliseconds from now to the first whole second at or after now + ms. Steps end on the twin's
   * one-second tick, as a cloud's logs would show them; steps of a batch then finish together, and the
   * engine journals them in one transaction instead of one each.
   */
  private toTick(ms: number): number {
    const now = this.clock.now();
    return Math.ceil((now + ms) / TICK_MS) * TICK_MS - now;
  }

  async close(): Promise<void> {
    this.store?.close();
  }

  /** Per API the windows it was down (every backend down, or keystone down), as the twin saw them. */
  apiDownWindows(): Map<string, { start: number; end: number }[]> {
    const now = this.clock.now();
    const { apis } = this.cloud;
    return new Map(apis.apis.map((api) => [api, apis.down.windowsOf(api, now)]));
  }

  metrics(): TwinMetrics {
    return metricsOf(this.cloud, this.clock.now());
  }

  fingerprint(): string {
    return fingerprintOf(this.cloud, this.clock.now());
  }

  private async wait(run: ActionRun, stretch: number, signal: AbortSignal): Promise<void> {
    const poll = run.poll;
    if (poll === undefined || poll.pending() === undefined) {
      await this.clock.sleep(this.toTick(run.durationMs * stretch), signal);
      return;
    }
    const from = this.clock.now();
    while (poll.pending() !== undefined && this.clock.now() - from < poll.deadlineMs) {
      await this.clock.sleep(poll.everyMs, signal);
    }
  }

  /**
   * Runs `fn`, applying each op to the model at once (later checks in `fn` see it) and logging them
   * all in one store transaction. Consecutive single-instance moves are logged as runs.
   */
  private transact<T>(step: Step, attempt: number, fn: (tx: Tx) => T): T {
    const at = this.clock.now();
    const ops: Op[] = [];
    const result = fn((op) => {
      this.cloud.apply(op, at);
      record(ops, op);
    });
    if (ops.length > 0) this.store?.append({ at, step: step.id, attempt, ops });
    return result;
  }
}

function record(ops: Op[], op: Op): void {
  const last = ops[ops.length - 1];
  if (op.op === 'move' && last?.op === 'move' && last.from === op.from && last.kind === op.kind) {
    const runs = last.to as [string, number][];
    for (const [to, n] of op.to) {
      const tail = runs[runs.length - 1];
      if (tail !== undefined && tail[0] === to) tail[1] += n;
      else runs.push([to, n]);
    }
    return;
  }
  ops.push(op.op === 'move' ? { ...op, to: op.to.map(([h, n]) => [h, n] as [string, number]) } : op);
}

/** Never resolves; rejects with the signal's reason when it aborts (a hung step). */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
