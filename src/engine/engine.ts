// The engine: runs a checked Plan through a Driver under the policy, journaling every transition
// before acting on it. It knows nothing about which world it drives (the twin or real hosts).
//
// One loop owns all scheduling state. Step executions run concurrently and only report back; the loop
// makes their outcomes durable (one journal transaction per wake-up, so steps finishing at the same
// instant share a write), then releases dependents and starts what became ready.

import { EXIT_FAILED, StackhopError } from '../errors.js';
import type { CheckResult } from '../plan/check/types.js';
import { buildGraph, type PlanGraph } from '../plan/graph.js';
import { CLOUD, type Plan, type Step } from '../plan/types.js';
import type { Clock } from './clock.js';
import { type Driver, type StepContext, StepFailure } from './driver.js';
import type { EngineEvent, RunCounts, RunStatus } from './events.js';
import { computeHosts } from './host-classes.js';
import { type Journal, OUTPUT_LIMIT_BYTES, type StoredRun } from './journal.js';
import { bottomLevels, ReadyQueue } from './priority.js';

const PENDING = 0;
const RUNNING = 1;
const SUCCEEDED = 2;
const FAILED = 3;
const SKIPPED = 4;

export interface EngineOptions {
  runId: string;
  plan: Plan;
  /** The checker's verdict on `plan`: a rejected plan is refused. */
  check: CheckResult;
  /**
   * Rehearse a rejected plan anyway, to see how it breaks. Only the twin accepts this; a real cloud
   * never runs a plan the checker rejects.
   */
  rehearseRejected?: boolean;
  driver: Driver;
  clock: Clock;
  journal: Journal;
  /** Steps running at once across the cloud (SSH sessions, API calls). */
  parallelism?: number;
  /** Approves a gate step: who approved, or undefined to pause the run at the gate. */
  approveGate?: (step: Step) => Promise<string | undefined>;
  /** How long a step may run before it is aborted and fails. */
  stepTimeoutMs?: (step: Step) => number;
  /** The journaled state to continue from (`stackhop resume`). */
  resumeFrom?: StoredRun;
  /** Steps the journal shows as restored computes (re-enabled after a stop) before this resume. */
  restoredHosts?: ReadonlySet<string>;
}

export interface RestoredCompute {
  host: string;
  enabled: boolean;
  reason: string;
}

export interface RunOutcome {
  status: Exclude<RunStatus, 'running'>;
  counts: RunCounts;
  failedHosts: readonly string[];
  /** Why the run stopped or paused, when it did. */
  reason?: string;
  /** Computes the run had disabled when it stopped: re-enabled, or left disabled and why. */
  restored: readonly RestoredCompute[];
  startedAt: number;
  finishedAt: number;
}

export const DEFAULT_PARALLELISM = 64;

/**
 * Generous by default: estimates assume the initial spread of instances, and a compute that received
 * migrated instances, or whose workloads run long, drains for much longer.
 */
export function defaultStepTimeoutMs(step: Step): number {
  const floor = step.action.kind === 'drain-compute' ? 24 * 3600 : 3600;
  return Math.max(10 * step.estimate_s, floor) * 1000;
}

interface Completion {
  v: number;
  ok: boolean;
  /** A gate nobody approved: the step goes back to pending and the run pauses. */
  deferred?: boolean;
  summary?: string;
  error?: string;
  output?: string;
  startedAt: number;
}

export type EngineListener = (event: EngineEvent) => void;

export class Engine {
  private readonly plan: Plan;
  private readonly g: PlanGraph;
  private readonly n: number;
  private readonly status: Uint8Array;
  private readonly waiting: Int32Array;
  private readonly attempt: Int32Array;
  private readonly phaseIdx: Int32Array;
  private readonly isCompute: Uint8Array;
  /** Bottom level of each step: the longer the work behind a step, the sooner it starts. */
  private readonly priority: Float64Array;
  private readonly computeQueue: ReadyQueue;
  private readonly otherQueue: ReadyQueue;
  private readonly held: number[] = [];
  private readonly hostBusy = new Map<string, number>();
  private busyComputes = 0;
  private running = 0;
  private readonly completions: Completion[] = [];
  /** Events decided but not yet journaled; committed before anything acts on them. */
  private readonly buffered: EngineEvent[] = [];
  private wakeUp: (() => void) | undefined;
  private readonly listeners: EngineListener[] = [];
  private readonly failedHosts = new Set<string>();
  private readonly failedAt = new Map<string, string>();
  /** Steps of phases after this index wait: a dropped host holds the run at the end of its phase. */
  private holdPhase = Number.POSITIVE_INFINITY;
  private stopReason: string | undefined;
  private pauseReason: string | undefined;
  /** Held by the operator (the dashboard): nothing new starts, the process waits for `carryOn`. */
  private holdReason: string | undefined;
  private holdJournaled = false;
  private aborted = false;
  private readonly parallelism: number;
  private readonly maxComputes: number;
  private readonly budget: number;
  private readonly inflight = new Map<number, AbortController>();

  constructor(private readonly opts: EngineOptions) {
    if (!opts.check.ok && !(opts.rehearseRejected === true && opts.driver.kind === 'twin')) {
      const first = opts.check.violations[0];
      throw new StackhopError(
        'ERR_PLAN_REJECTED',
        `the plan breaks ${opts.check.violations.length} invariant(s) and will not be run` +
          (first === undefined ? '' : `: ${first.invariant}: ${first.message}`),
        { exitCode: EXIT_FAILED, hint: 'run `stackhop plan` to see every violation' },
      );
    }
    this.plan = opts.plan;
    const { graph, problems } = buildGraph(opts.plan);
    if (problems.length > 0) throw new Error(`the plan's graph is broken: ${problems[0]!.message}`);
    this.g = graph;
    const n = graph.steps.length;
    this.n = n;
    this.status = new Uint8Array(n);
    this.waiting = new Int32Array(n);
    this.attempt = new Int32Array(n);
    this.phaseIdx = new Int32Array(n);
    this.isCompute = new Uint8Array(n);
    const phaseOrder = new Map(opts.plan.phases.map((p, i) => [p.id, i]));
    const computes = computeHosts(opts.plan);
    for (let v = 0; v < n; v++) {
      const s = graph.steps[v]!;
      this.phaseIdx[v] = phaseOrder.get(s.phase) ?? 0;
      if (computes.has(s.host)) this.isCompute[v] = 1;
    }
    this.priority = bottomLevels(graph);
    this.computeQueue = new ReadyQueue(this.priority);
    this.otherQueue = new ReadyQueue(this.priority);
    const policy = opts.plan.policy;
    this.parallelism = Math.max(1, opts.parallelism ?? DEFAULT_PARALLELISM);
    this.maxComputes = Math.max(1, policy.max_parallel_computes);
    this.budget = Math.max(0, policy.max_failed_hosts);
  }

  on(listener: EngineListener): void {
    this.listeners.push(listener);
  }

  /** Start nothing new; the run returns `paused` once running steps finish. */
  pause(reason = 'paused by the operator'): void {
    this.pauseReason ??= reason;
    this.wake();
  }

  /**
   * Start nothing new but keep the run open: `run-paused` is journaled at once, running steps finish,
   * and `carryOn` continues in the same process (a crash meanwhile leaves a paused run to resume).
   */
  hold(reason = 'held by the operator'): void {
    if (this.aborted) return;
    this.holdReason ??= reason;
    this.wake();
  }

  /** Ends a hold: `run-resumed` is journaled and ready steps start again. */
  carryOn(): void {
    if (this.holdReason === undefined) return;
    this.holdReason = undefined;
    this.wake();
  }

  /** Whether the run waits for `carryOn` (nothing it waits for is on a clock). */
  get waitingForOperator(): boolean {
    return this.holdReason !== undefined && this.running === 0;
  }

  /** Start nothing new and abort running steps; the run returns `aborted`. */
  abort(reason = 'aborted by the operator'): void {
    if (this.aborted) return;
    this.aborted = true;
    this.stopReason ??= reason;
    for (const ac of this.inflight.values()) ac.abort(new Error(reason));
    this.wake();
  }

  async run(): Promise<RunOutcome> {
    const { clock, runId } = this.opts;
    const startedAt = clock.now();
    const resumed = this.opts.resumeFrom !== undefined;
    await this.commit([{ type: 'run-started', at: startedAt, run: runId, steps: this.n, resumed }]);
    if (resumed) await this.restore(this.opts.resumeFrom!);
    this.initReady();

    for (;;) {
      // Outcomes and the starts they make possible go to the journal in one transaction, before any
      // of those steps reaches the driver.
      this.takeCompletions();
      this.journalHold();
      const starts = this.canStart() ? this.selectReady() : [];
      await this.commit(this.buffered.splice(0));
      for (const v of starts) this.launch(v, this.opts.clock.now());
      if (this.running === 0 && this.completions.length === 0) {
        const idle = this.computeQueue.size === 0 && this.otherQueue.size === 0;
        const onlyHeld =
          this.holdReason !== undefined && this.stopReason === undefined && this.pauseReason === undefined;
        if (!(onlyHeld && !idle) && (!this.canStart() || idle)) break;
      }
      if (this.completions.length === 0) await new Promise<void>((resolve) => (this.wakeUp = resolve));
      this.wakeUp = undefined;
    }

    const counts = this.counts();
    const failedHosts = [...this.failedHosts].sort();
    let status: RunOutcome['status'];
    let reason: string | undefined;
    if (this.aborted) {
      status = 'aborted';
      reason = this.stopReason;
    } else if (this.stopReason !== undefined) {
      status = 'stopped';
      reason = this.stopReason;
    } else if (counts.succeeded === counts.steps) {
      status = 'succeeded';
    } else if (this.pauseReason !== undefined) {
      status = 'paused';
      reason = this.pauseReason;
    } else {
      status = 'stopped';
      reason =
        this.failedHosts.size > 0
          ? `${failedHosts.join(', ')} failed (within max_failed_hosts ${this.budget}); the run waits for ` +
            'them at the end of their phase: fix them and resume'
          : 'no step can start';
    }
    const restored = status === 'stopped' || status === 'aborted' ? await this.restoreComputes() : [];
    const finishedAt = clock.now();
    if (status === 'paused') {
      await this.commit([{ type: 'run-paused', at: finishedAt, reason: reason ?? 'paused' }]);
    } else {
      await this.commit([{ type: 'run-finished', at: finishedAt, status, counts }]);
    }
    return {
      status,
      counts,
      failedHosts,
      ...(reason === undefined ? {} : { reason }),
      restored,
      startedAt,
      finishedAt,
    };
  }

  private canStart(): boolean {
    return this.stopReason === undefined && this.pauseReason === undefined && this.holdReason === undefined;
  }

  /** A hold or its release becomes a journaled event with the next commit. */
  private journalHold(): void {
    const at = this.opts.clock.now();
    if (this.holdReason !== undefined && !this.holdJournaled && !this.aborted) {
      this.buffered.push({ type: 'run-paused', at, reason: this.holdReason });
      this.holdJournaled = true;
    } else if (this.holdReason === undefined && this.holdJournaled) {
      this.buffered.push({ type: 'run-resumed', at });
      this.holdJournaled = false;
    }
  }

  private wake(): void {
    this.wakeUp?.();
  }

  /** Durable first, then visible: listeners only ever see what the journal holds. */
  private async commit(events: EngineEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.opts.journal.append(this.opts.runId, events);
    for (const e of events) for (const l of this.listeners) l(e);
  }

  /** Resume: succeeded steps stay done; running ones are probed; failed and skipped ones run again. */
  private async restore(stored: StoredRun): Promise<void> {
    const { clock, driver } = this.opts;
    const probes: EngineEvent[] = [];
    for (let v = 0; v < this.n; v++) {
      const step = this.g.steps[v]!;
      const st = stored.steps.get(step.id);
      if (st === undefined) continue;
      this.attempt[v] = st.attempt;
      if (st.status === 'succeeded') {
        this.status[v] = SUCCEEDED;
      } else if (st.status === 'running' && step.action.kind !== 'gate') {
        const result = await driver.probe(step);
        probes.push({ type: 'step-probed', at: clock.now(), step: step.id, host: step.host, result });
        if (result === 'done') this.status[v] = SUCCEEDED;
      }
    }
    // A compute re-enabled after an earlier stop must be disabled and drained again before its upgrade
    // goes on.
    const restored = this.opts.restoredHosts ?? new Set<string>();
    if (restored.size > 0) {
      const upgraded = new Set<string>();
      for (let v = 0; v < this.n; v++) {
        const s = this.g.steps[v]!;
        if (s.action.kind === 'enable-compute' && this.status[v] === SUCCEEDED) upgraded.add(s.host);
      }
      for (let v = 0; v < this.n; v++) {
        const s = this.g.steps[v]!;
        const kind = s.action.kind;
        // Instances may have landed on it while it was enabled: disable and drain it again.
        if (!restored.has(s.host) || upgraded.has(s.host) || this.status[v] !== SUCCEEDED) continue;
        if (kind === 'disable-compute' || kind === 'drain-compute') this.status[v] = PENDING;
      }
    }
    await this.commit(probes);
  }

  private initReady(): void {
    const { predOffsets, predTargets } = this.g;
    for (let v = 0; v < this.n; v++) {
      if (this.status[v] === SUCCEEDED) continue;
      let w = 0;
      for (let e = predOffsets[v]!; e < predOffsets[v + 1]!; e++) {
        if (this.status[predTargets[e]!] !== SUCCEEDED) w++;
      }
      this.waiting[v] = w;
      if (w === 0) this.enqueue(v);
    }
  }

  private enqueue(v: number): void {
    if (this.phaseIdx[v]! > this.holdPhase) this.held.push(v);
    else if (this.isCompute[v] === 1) this.computeQueue.push(v);
    else this.otherQueue.push(v);
  }

  /** Picks what may start now, marks it running and buffers its `step-started` events. */
  private selectReady(): number[] {
    const chosen: number[] = [];
    const deferred: number[] = [];
    const now = this.opts.clock.now();
    while (this.running < this.parallelism) {
      const v = this.pickNext();
      if (v === undefined) break;
      if (this.phaseIdx[v]! > this.holdPhase) {
        this.held.push(v);
        continue;
      }
      const host = this.g.steps[v]!.host;
      // One operator session per machine: a second step on a busy host waits for the first.
      if (host !== CLOUD && (this.hostBusy.get(host) ?? 0) > 0) {
        deferred.push(v);
        continue;
      }
      this.take(v);
      chosen.push(v);
    }
    for (const v of deferred) this.enqueue(v);
    for (const v of chosen) {
      const s = this.g.steps[v]!;
      this.attempt[v]!++;
      this.buffered.push({
        type: 'step-started',
        at: now,
        step: s.id,
        host: s.host,
        attempt: this.attempt[v]!,
      });
    }
    return chosen;
  }

  /** The highest-priority startable step: computes only while fewer than the limit are busy. */
  private pickNext(): number | undefined {
    const computeOpen = this.busyComputes < this.maxComputes;
    const c = computeOpen ? this.computeQueue.peek() : undefined;
    const o = this.otherQueue.peek();
    if (c === undefined) return this.otherQueue.pop();
    if (o === undefined) return this.computeQueue.pop();
    // Same order as within a queue: the longer tail first.
    return this.priorityOf(c, o) ? this.computeQueue.pop() : this.otherQueue.pop();
  }

  private priorityOf(a: number, b: number): boolean {
    const p = this.priority;
    return p[a]! > p[b]! || (p[a] === p[b] && a < b);
  }

  private take(v: number): void {
    const s = this.g.steps[v]!;
    this.status[v] = RUNNING;
    this.running++;
    if (s.host !== CLOUD) {
      const busy = this.hostBusy.get(s.host) ?? 0;
      if (busy === 0 && this.isCompute[v] === 1) this.busyComputes++;
      this.hostBusy.set(s.host, busy + 1);
    }
  }

  private release(v: number): void {
    const s = this.g.steps[v]!;
    this.running--;
    if (s.host !== CLOUD) {
      const busy = (this.hostBusy.get(s.host) ?? 1) - 1;
      if (busy === 0) {
        this.hostBusy.delete(s.host);
        if (this.isCompute[v] === 1) this.busyComputes--;
      } else {
        this.hostBusy.set(s.host, busy);
      }
    }
  }

  private launch(v: number, startedAt: number): void {
    const step = this.g.steps[v]!;
    const { driver, clock } = this.opts;
    const ac = new AbortController();
    this.inflight.set(v, ac);
    const output = new OutputTail();
    const ctx: StepContext = {
      runId: this.opts.runId,
      attempt: this.attempt[v]!,
      signal: ac.signal,
      output: (line) => output.add(line),
    };
    // A timeout aborts the step's controller with its reason; the step's end cancels the timer, so the
    // signal is only ever aborted for a reason the driver must act on (a timeout, the operator's abort).
    const isGate = step.action.kind === 'gate';
    let cancelTimeout: (() => void) | undefined;
    if (!isGate) {
      // A gate waits for a person as long as it takes.
      const timeoutMs = (this.opts.stepTimeoutMs ?? defaultStepTimeoutMs)(step);
      cancelTimeout = clock.timer(timeoutMs, () =>
        ac.abort(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`)),
      );
    }
    const ended = (c: Completion) => {
      cancelTimeout?.();
      this.complete(c);
    };
    const failed = (err: unknown) =>
      ended({ v, ok: false, startedAt, output: output.text(), error: errorText(err) });
    if (isGate) {
      this.gate(step).then((r) => ended({ v, startedAt, output: output.text(), ...r }), failed);
    } else {
      driver
        .execute(step, ctx)
        .then((r) => ended({ v, ok: true, startedAt, output: output.text(), ...r }), failed);
    }
  }

  private async gate(step: Step): Promise<{ ok: boolean; summary?: string; deferred?: boolean }> {
    const prompt = step.action.kind === 'gate' ? step.action.prompt : step.id;
    await this.commit([{ type: 'gate-waiting', at: this.opts.clock.now(), step: step.id, prompt }]);
    const by = await (this.opts.approveGate?.(step) ?? Promise.resolve(undefined));
    if (by === undefined) return { ok: false, deferred: true };
    await this.commit([{ type: 'gate-approved', at: this.opts.clock.now(), step: step.id, by }]);
    return { ok: true, summary: `approved by ${by}` };
  }

  private complete(c: Completion): void {
    this.inflight.delete(c.v);
    this.completions.push(c);
    this.wake();
  }

  /** Turns finished executions into buffered events and scheduling state (nothing acts before the commit). */
  private takeCompletions(): void {
    if (this.completions.length === 0) return;
    const batch = this.completions.splice(0);
    const now = this.opts.clock.now();
    const events: EngineEvent[] = [];
    const succeeded: number[] = [];
    const skipped: number[] = [];
    const backToPending: number[] = [];
    for (const c of batch) {
      const s = this.g.steps[c.v]!;
      const duration_ms = now - c.startedAt;
      if (c.deferred === true) {
        backToPending.push(c.v);
        this.pauseReason ??= `gate ${s.id} waits for an operator's approval`;
        continue;
      }
      if (c.ok) {
        succeeded.push(c.v);
        events.push({
          type: 'step-succeeded',
          at: now,
          step: s.id,
          host: s.host,
          attempt: this.attempt[c.v]!,
          duration_ms,
          ...(c.summary === undefined ? {} : { summary: c.summary }),
          ...(c.output === undefined || c.output === '' ? {} : { output: c.output }),
        });
        continue;
      }
      events.push({
        type: 'step-failed',
        at: now,
        step: s.id,
        host: s.host,
        attempt: this.attempt[c.v]!,
        duration_ms,
        error: c.error ?? 'failed',
        ...(c.output === undefined || c.output === '' ? {} : { output: c.output }),
      });
      this.onFailure(c.v, now, events, skipped);
    }
    this.buffered.push(...events);
    for (const c of batch) this.release(c.v);
    for (const v of backToPending) {
      this.status[v] = PENDING;
      this.attempt[v]!--;
      this.enqueue(v);
    }
    for (const c of batch) if (!c.ok && c.deferred !== true) this.status[c.v] = FAILED;
    for (const v of succeeded) {
      this.status[v] = SUCCEEDED;
      this.satisfy(v, false);
    }
    for (const v of skipped) this.satisfy(v, true);
  }

  /**
   * Within the failure budget a failed compute is dropped: its remaining steps are skipped and its
   * batch goes on without it, but later phases wait. Past the budget, or when a step that no other
   * host can stand in for fails (controllers, the cloud's APIs), nothing new starts.
   */
  private onFailure(v: number, now: number, events: EngineEvent[], skipped: number[]): void {
    const s = this.g.steps[v]!;
    if (this.aborted) return;
    if (this.isCompute[v] !== 1) {
      this.stopReason ??= `${s.id} failed; later steps depend on it`;
      events.push({
        type: 'run-stopping',
        at: now,
        reason: this.stopReason,
        failed_hosts: [...this.failedHosts],
      });
      return;
    }
    this.failedHosts.add(s.host);
    this.failedAt.set(s.host, s.id);
    if (this.failedHosts.size > this.budget) {
      this.stopReason ??=
        `${this.failedHosts.size} computes failed (${[...this.failedHosts].sort().join(', ')}), more than ` +
        `max_failed_hosts ${this.budget}`;
      events.push({
        type: 'run-stopping',
        at: now,
        reason: this.stopReason,
        failed_hosts: [...this.failedHosts],
      });
      return;
    }
    events.push({
      type: 'host-dropped',
      at: now,
      host: s.host,
      step: s.id,
      failed_hosts: this.failedHosts.size,
      budget: this.budget,
    });
    this.holdPhase = Math.min(this.holdPhase, this.phaseIdx[v]!);
    // The batch goes on without the host: what waits for its failed step in this phase (the batch's
    // verify) no longer does, as for its skipped steps.
    skipped.push(v);
    for (let u = 0; u < this.n; u++) {
      const t = this.g.steps[u]!;
      if (t.host !== s.host || this.status[u] !== PENDING) continue;
      this.status[u] = SKIPPED;
      skipped.push(u);
      events.push({ type: 'step-skipped', at: now, step: t.id, host: t.host, reason: `${s.id} failed` });
    }
  }

  /** A finished step releases its dependents; a skipped one only those of its own phase. */
  private satisfy(v: number, skipped: boolean): void {
    const { succOffsets, succTargets } = this.g;
    for (let e = succOffsets[v]!; e < succOffsets[v + 1]!; e++) {
      const t = succTargets[e]!;
      if (this.status[t] !== PENDING) continue;
      if (skipped && this.phaseIdx[t] !== this.phaseIdx[v]) continue;
      if (--this.waiting[t]! === 0) this.enqueue(t);
    }
  }

  /**
   * After a stop, put back into service every compute the run disabled whose nova-compute still
   * reports up; report the others (failed hosts stay disabled for inspection).
   */
  private async restoreComputes(): Promise<RestoredCompute[]> {
    const { driver, clock } = this.opts;
    const disabled = new Map<string, Step>();
    const enabled = new Set<string>();
    for (let v = 0; v < this.n; v++) {
      const s = this.g.steps[v]!;
      if (this.status[v] !== SUCCEEDED) continue;
      if (s.action.kind === 'disable-compute') disabled.set(s.host, s);
      if (s.action.kind === 'enable-compute') enabled.add(s.host);
    }
    const out: RestoredCompute[] = [];
    const journaled = new Set<string>();
    for (const [host, disable] of [...disabled].sort((a, b) => a[0].localeCompare(b[0]))) {
      if (enabled.has(host)) continue;
      const failedAt = this.failedAt.get(host);
      if (failedAt !== undefined) {
        out.push({ host, enabled: false, reason: `${failedAt} failed; left disabled for inspection` });
        continue;
      }
      const env = disable.env;
      const state = await driver.computeStatus(host, env);
      if (state?.up !== true) {
        out.push({ host, enabled: false, reason: `nova-compute is not running (${this.lastDone(host)})` });
        continue;
      }
      const restore: Step = {
        id: `restore/${host}/enable`,
        phase: 'restore',
        host,
        action: { kind: 'enable-compute' },
        after: [],
        estimate_s: 5,
        opens: [],
        closes: [],
        ...(env === undefined ? {} : { env }),
      };
      // Journaled before it acts: a resume must know the host may be enabled again, and disable it
      // before its upgrade goes on.
      const restored = {
        host,
        enabled: true,
        reason: 'nova-compute is up; re-enabled after the run stopped',
      };
      await this.commit([{ type: 'compute-restored', at: clock.now(), ...restored }]);
      journaled.add(host);
      const ac = new AbortController();
      try {
        await driver.execute(restore, {
          runId: this.opts.runId,
          attempt: 1,
          signal: ac.signal,
          output: () => undefined,
        });
        out.push(restored);
      } catch (err) {
        out.push({ host, enabled: false, reason: `re-enabling failed: ${errorText(err)}` });
        journaled.delete(host);
      }
    }
    // The re-enabled hosts were journaled before acting; every other verdict is journaled now.
    await this.commit(
      out
        .filter((r) => !journaled.has(r.host))
        .map((r) => ({ type: 'compute-restored', at: clock.now(), ...r })),
    );
    return out;
  }

  private lastDone(host: string): string {
    let last: string | undefined;
    for (let v = 0; v < this.n; v++) {
      const s = this.g.steps[v]!;
      if (s.host === host && this.status[v] === SUCCEEDED) last = s.id;
    }
    return last === undefined ? 'nothing ran on it' : `the last step done on it was ${last}`;
  }

  private counts(): RunCounts {
    const c: RunCounts = { steps: this.n, succeeded: 0, failed: 0, skipped: 0, pending: 0 };
    for (let v = 0; v < this.n; v++) {
      const st = this.status[v];
      if (st === SUCCEEDED) c.succeeded++;
      else if (st === FAILED) c.failed++;
      else if (st === SKIPPED) c.skipped++;
      else c.pending++;
    }
    return c;
  }
}

function errorText(err: unknown): string {
  if (err instanceof StepFailure) {
    const d = err.detail;
    const parts = [err.message];
    if (d.command !== undefined) parts.push(`command: ${d.command}`);
    if (d.exitCode !== undefined) parts.push(`exit code: ${d.exitCode}`);
    if (d.stderrTail !== undefined && d.stderrTail !== '') parts.push(`stderr: ${d.stderrTail}`);
    return parts.join('\n');
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The last OUTPUT_LIMIT_BYTES of a step's output: errors are at the end. */
class OutputTail {
  private lines: string[] = [];
  private bytes = 0;
  add(line: string): void {
    this.lines.push(line);
    this.bytes += Buffer.byteLength(line) + 1;
    while (this.bytes > OUTPUT_LIMIT_BYTES && this.lines.length > 1) {
      this.bytes -= Buffer.byteLength(this.lines.shift()!) + 1;
    }
  }
  text(): string {
    return this.lines.join('\n');
  }
}
