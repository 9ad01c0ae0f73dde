// Folds a run's events into the RunView, with the plan as the only other input. Built for big clouds:
// every event costs O(1) plus the outages its step opens or closes, whatever the number of steps (a
// 10,000-compute run has 150,000); `view()` costs O(hosts + batches) and is taken a few times a second
// at most. `apply` also returns the progress lines the event is worth (line-per-event output).

import type { EngineEvent } from '../engine/events.js';
import { buildGraph, earliestStart } from '../plan/graph.js';
import { actionSummary } from '../plan/render/summary.js';
import { isComputeControl, type Plan } from '../plan/types.js';
import { progressLines } from './progress-lines.js';
import type {
  BatchView,
  FailureView,
  HostState,
  HostView,
  MeasuredDowntime,
  OutageView,
  PhaseView,
  RunView,
} from './run-view.js';

/** Step statuses (0, the zero of the typed array, is pending). */
const RUNNING = 1;
const SUCCEEDED = 2;
const FAILED = 3;
const SKIPPED = 4;

/** Progress lines kept for the view's log tail. */
export const LOG_LINES = 200;
/** Failures kept in the view (the journal has them all). */
export const MAX_FAILURES = 100;
/** Below this share of the planned time done, the ETA is the plan's own; after it, scaled by the pace. */
const PACE_FROM = 0.05;

interface Counter {
  steps: number;
  succeeded: number;
  failed: number;
  skipped: number;
  running: number;
  started_at?: number | undefined;
  finished_at?: number | undefined;
}

interface HostAcc extends Counter {
  name: string;
  dropped: boolean;
  step?: string | undefined;
  batch?: number;
}

interface BatchAcc extends Counter {
  phase: string;
  batch: number;
  hosts: Set<string>;
}

interface OutageAcc {
  backends: number;
  down: Map<string, number>;
  allDownSince?: number | undefined;
  windows: { start: number; end: number }[];
}

function counter(): Counter {
  return { steps: 0, succeeded: 0, failed: 0, skipped: 0, running: 0 };
}

function bump(c: Counter, status: number, by: number): void {
  if (status === RUNNING) c.running += by;
  else if (status === SUCCEEDED) c.succeeded += by;
  else if (status === FAILED) c.failed += by;
  else if (status === SKIPPED) c.skipped += by;
}

const finished = (c: Counter) => c.succeeded + c.skipped;

export class RunTracker {
  private readonly plan: Plan;
  private readonly index = new Map<string, number>();
  private readonly status: Uint8Array;
  private readonly stepPhase: Int32Array;
  private readonly stepHost: Int32Array;
  private readonly stepBatch: Int32Array;
  private readonly phases: (Counter & { id: string; title: string; batches: number })[];
  private readonly hostList: HostAcc[] = [];
  private readonly batchList: BatchAcc[] = [];
  private readonly outages = new Map<string, OutageAcc>();
  private readonly computesDown = new Set<string>();
  /** Planned start of each step on the estimate's schedule, and the steps sorted by it. */
  private readonly plannedStart: Float64Array;
  private readonly byPlannedStart: Int32Array;
  private frontier = 0;
  private readonly lines = progressLines();
  private readonly log: string[] = [];
  private readonly failures: FailureView[] = [];
  private readonly measured: MeasuredDowntime[] = [];
  private runId: string | undefined;
  private runStatus: RunView['status'] = 'not-started';
  private startedAt: number | undefined;
  private finishedAt: number | undefined;
  private now = 0;
  private reason: string | undefined;
  private gate: { step: string; prompt: string } | undefined;

  constructor(plan: Plan) {
    this.plan = plan;
    const n = plan.steps.length;
    this.status = new Uint8Array(n);
    this.stepPhase = new Int32Array(n);
    this.stepHost = new Int32Array(n);
    this.stepBatch = new Int32Array(n).fill(-1);
    const phaseIdx = new Map(plan.phases.map((p, i) => [p.id, i]));
    this.phases = plan.phases.map((p) => ({ ...counter(), id: p.id, title: p.title, batches: 0 }));
    const hostIdx = new Map<string, number>();
    const batchIdx = new Map<string, number>();
    const backends = new Map<string, Set<string>>();
    plan.steps.forEach((s, i) => {
      this.index.set(s.id, i);
      let p = phaseIdx.get(s.phase);
      if (p === undefined) {
        // A phase missing from plan.phases (a hand-edited plan): shown under its id.
        p = this.phases.length;
        phaseIdx.set(s.phase, p);
        this.phases.push({ ...counter(), id: s.phase, title: s.phase, batches: 0 });
      }
      this.stepPhase[i] = p;
      this.phases[p]!.steps++;
      let h = hostIdx.get(s.host);
      if (h === undefined) {
        h = this.hostList.length;
        hostIdx.set(s.host, h);
        this.hostList.push({ ...counter(), name: s.host, dropped: false });
      }
      this.stepHost[i] = h;
      const host = this.hostList[h]!;
      host.steps++;
      if (s.batch !== undefined) {
        host.batch ??= s.batch;
        const key = `${s.phase}\0${s.batch}`;
        let b = batchIdx.get(key);
        if (b === undefined) {
          b = this.batchList.length;
          batchIdx.set(key, b);
          this.batchList.push({ ...counter(), phase: s.phase, batch: s.batch, hosts: new Set() });
          const ph = this.phases[p]!;
          ph.batches = Math.max(ph.batches, s.batch);
        }
        this.stepBatch[i] = b;
        const acc = this.batchList[b]!;
        acc.steps++;
        acc.hosts.add(s.host);
      }
      for (const o of s.opens) {
        if (isComputeControl(o)) continue;
        const set = backends.get(o) ?? new Set<string>();
        set.add(s.host);
        backends.set(o, set);
      }
    });
    for (const [o, hosts] of backends)
      this.outages.set(o, { backends: hosts.size, down: new Map(), windows: [] });
    const { graph } = buildGraph(plan);
    this.plannedStart = earliestStart(
      graph,
      Float64Array.from(plan.steps, (s) => s.estimate_s),
    );
    this.byPlannedStart = Int32Array.from(plan.steps.keys()).sort(
      (a, b) => this.plannedStart[a]! - this.plannedStart[b]! || a - b,
    );
  }

  /** Folds one event in; returns the progress lines it is worth (often none). */
  apply(e: EngineEvent): string[] {
    this.now = Math.max(this.now, e.at);
    switch (e.type) {
      case 'run-started':
        this.runId = e.run;
        this.startedAt ??= e.at;
        this.runStatus = 'running';
        this.finishedAt = undefined;
        this.reason = undefined;
        break;
      case 'step-started':
        this.onStarted(e.step, e.at);
        break;
      case 'step-succeeded':
        this.onSucceeded(e.step, e.at);
        break;
      case 'step-probed':
        if (e.result === 'done') this.onSucceeded(e.step, e.at);
        break;
      case 'step-failed':
        this.onFailed(e);
        break;
      case 'step-skipped':
        this.transition(e.step, SKIPPED, e.at);
        break;
      case 'host-dropped': {
        const h = this.hostOf(e.step);
        if (h !== undefined) h.dropped = true;
        break;
      }
      case 'run-stopping':
        this.reason = e.reason;
        break;
      case 'gate-waiting':
        this.gate = { step: e.step, prompt: e.prompt };
        break;
      case 'gate-approved':
        this.gate = undefined;
        break;
      case 'run-paused':
        this.runStatus = 'paused';
        this.reason = e.reason;
        break;
      case 'run-resumed':
        this.runStatus = 'running';
        this.reason = undefined;
        break;
      case 'run-finished':
        this.runStatus = e.status;
        this.finishedAt = e.at;
        if (e.status === 'stopped' && this.reason === undefined && this.failures.length > 0) {
          // Failures within the budget stop a run without a run-stopping event: say why from them.
          const hosts = [...new Set(this.failures.map((f) => f.host))];
          this.reason = `${hosts.length} host(s) failed (${hosts.slice(0, 5).join(', ')}${hosts.length > 5 ? ', …' : ''}); later phases wait for them: fix them and resume`;
        }
        break;
      case 'api-downtime': {
        // A resumed run measures again over its own span: the spans add up.
        const i = this.measured.findIndex((m) => m.api === e.api && m.url === e.url);
        const before = i < 0 ? undefined : this.measured[i]!;
        const merged: MeasuredDowntime = {
          api: e.api,
          url: e.url,
          watched_s: (before?.watched_s ?? 0) + e.watched_s,
          down_s: (before?.down_s ?? 0) + e.down_s,
          intervals: [...(before?.intervals ?? []), ...e.intervals],
        };
        if (i < 0) this.measured.push(merged);
        else this.measured[i] = merged;
        break;
      }
      case 'compute-restored':
        break;
    }
    const out = this.lines(e, this);
    for (const l of out) this.log.push(l);
    if (this.log.length > LOG_LINES * 2) this.log.splice(0, this.log.length - LOG_LINES);
    return out;
  }

  /** Phase of a step, for the progress lines. */
  phaseOf(step: string): { id: string; title: string; steps: number; done: number } | undefined {
    const i = this.index.get(step);
    if (i === undefined) return undefined;
    const p = this.phases[this.stepPhase[i]!]!;
    return { id: p.id, title: p.title, steps: p.steps, done: finished(p) };
  }

  /** Batch of a step: its number, how many its phase has, its hosts. */
  batchOf(step: string): BatchView | undefined {
    const i = this.index.get(step);
    if (i === undefined) return undefined;
    const b = this.stepBatch[i]!;
    return b < 0 ? undefined : this.batchView(this.batchList[b]!);
  }

  view(): RunView {
    const counts = {
      steps: this.plan.steps.length,
      succeeded: 0,
      failed: 0,
      skipped: 0,
      running: 0,
      pending: 0,
    };
    for (const p of this.phases) {
      counts.succeeded += p.succeeded;
      counts.failed += p.failed;
      counts.skipped += p.skipped;
      counts.running += p.running;
    }
    counts.pending = counts.steps - counts.succeeded - counts.failed - counts.skipped - counts.running;
    const hosts = this.hostList.map((h) => this.hostView(h));
    const hosts_summary = { total: hosts.length, done: 0, failed: 0, running: 0 };
    for (const h of hosts) {
      if (h.state === 'done') hosts_summary.done++;
      else if (h.state === 'failed' || h.state === 'dropped') hosts_summary.failed++;
      else if (h.state === 'running') hosts_summary.running++;
    }
    const phases: PhaseView[] = this.phases.map((p) => ({
      id: p.id,
      title: p.title,
      steps: p.steps,
      succeeded: p.succeeded,
      failed: p.failed,
      skipped: p.skipped,
      running: p.running,
      batches: p.batches,
      ...(p.started_at === undefined ? {} : { started_at: p.started_at }),
      ...(p.finished_at === undefined ? {} : { finished_at: p.finished_at }),
    }));
    const batches = this.batchList.map((b) => this.batchView(b));
    const current_phase =
      phases.find((p) => p.running > 0)?.id ??
      [...phases].reverse().find((p) => p.started_at !== undefined)?.id;
    let current_batch: BatchView | undefined;
    for (const b of batches) {
      if (b.started_at !== undefined && b.finished_at === undefined) {
        if (current_batch === undefined || (b.started_at ?? 0) >= (current_batch.started_at ?? 0))
          current_batch = b;
      }
    }
    const outages: OutageView[] = [];
    const step_outages: Record<string, number> = {};
    const outage_windows: Record<string, { start: number; end: number }[]> = {};
    for (const [outage, acc] of [...this.outages].sort(([a], [b]) => a.localeCompare(b))) {
      const windows = [...acc.windows];
      if (acc.allDownSince !== undefined) windows.push({ start: acc.allDownSince, end: this.now });
      if (windows.length > 0) {
        outage_windows[outage] = windows;
        step_outages[outage] = Math.round(windows.reduce((s, w) => s + (w.end - w.start), 0) / 1000);
      }
      if (acc.down.size === 0) continue;
      outages.push({
        outage,
        down: [...acc.down.keys()].sort(),
        backends: acc.backends,
        all_down: acc.allDownSince !== undefined,
        since: Math.min(...acc.down.values()),
        ...(acc.allDownSince === undefined ? {} : { all_down_since: acc.allDownSince }),
      });
    }
    const view: RunView = {
      cloud: this.plan.cloud,
      scenario: this.plan.scenario,
      from: this.plan.from,
      to: this.plan.to,
      status: this.runStatus,
      now: this.now,
      counts,
      hosts_summary,
      phases,
      batches,
      hosts,
      planned_duration_s: this.plan.estimate.duration_s,
      outages,
      computes_down: this.computesDown.size,
      planned_outages: this.plan.estimate.outages,
      step_outages,
      outage_windows,
      measured: [...this.measured],
      failures: [...this.failures],
      log: this.log.slice(-LOG_LINES),
      ...(this.runId === undefined ? {} : { run: this.runId }),
      ...(this.startedAt === undefined ? {} : { started_at: this.startedAt }),
      ...(this.finishedAt === undefined ? {} : { finished_at: this.finishedAt }),
      ...(this.reason === undefined ? {} : { reason: this.reason }),
      ...(current_phase === undefined ? {} : { current_phase }),
      ...(current_batch === undefined ? {} : { current_batch }),
      ...(this.gate === undefined ? {} : { gate: this.gate }),
    };
    const eta = this.eta(counts.steps - counts.succeeded - counts.skipped);
    return eta === undefined ? view : { ...view, eta_s: eta };
  }

  private eta(left: number): number | undefined {
    if (this.startedAt === undefined) return undefined;
    if (left === 0 || this.finishedAt !== undefined) return 0;
    const planned = this.plan.estimate.duration_s;
    const position = this.plannedPosition();
    const remaining = Math.max(0, planned - position);
    if (position < planned * PACE_FROM) return Math.round(remaining);
    const elapsed = (this.now - this.startedAt) / 1000;
    return Math.round(remaining * (elapsed / position));
  }

  /** Seconds into the planned schedule: the planned start of the earliest step not finished yet. */
  private plannedPosition(): number {
    const order = this.byPlannedStart;
    while (this.frontier < order.length) {
      const s = this.status[order[this.frontier]!]!;
      if (s !== SUCCEEDED && s !== SKIPPED) break;
      this.frontier++;
    }
    if (this.frontier >= order.length) return this.plan.estimate.duration_s;
    return this.plannedStart[order[this.frontier]!]!;
  }

  private hostView(h: HostAcc): HostView {
    const done = finished(h);
    let state: HostState = 'pending';
    if (h.dropped) state = 'dropped';
    else if (h.failed > 0) state = 'failed';
    else if (h.running > 0) state = 'running';
    else if (done === h.steps) state = 'done';
    else if (h.started_at !== undefined) state = 'waiting';
    return {
      name: h.name,
      state,
      steps: h.steps,
      finished: done,
      ...(h.step === undefined ? {} : { step: h.step }),
      ...(h.batch === undefined ? {} : { batch: h.batch }),
      ...(h.started_at === undefined ? {} : { started_at: h.started_at }),
      ...(h.finished_at === undefined ? {} : { finished_at: h.finished_at }),
    };
  }

  private batchView(b: BatchAcc): BatchView {
    return {
      phase: b.phase,
      batch: b.batch,
      of: this.phases.find((p) => p.id === b.phase)?.batches ?? 0,
      hosts: b.hosts.size,
      steps: b.steps,
      finished: finished(b),
      failed: b.failed,
      ...(b.started_at === undefined ? {} : { started_at: b.started_at }),
      ...(b.finished_at === undefined ? {} : { finished_at: b.finished_at }),
    };
  }

  private hostOf(step: string): HostAcc | undefined {
    const i = this.index.get(step);
    return i === undefined ? undefined : this.hostList[this.stepHost[i]!];
  }

  /** Moves a step to a new status, keeping its phase, host and batch counters in step. */
  private transition(step: string, to: number, at: number): number | undefined {
    const i = this.index.get(step);
    if (i === undefined) return undefined;
    const from = this.status[i]!;
    this.status[i] = to;
    const accs: Counter[] = [this.phases[this.stepPhase[i]!]!, this.hostList[this.stepHost[i]!]!];
    const b = this.stepBatch[i]!;
    if (b >= 0) accs.push(this.batchList[b]!);
    for (const c of accs) {
      bump(c, from, -1);
      bump(c, to, 1);
      if (to === RUNNING) c.started_at ??= at;
      if (finished(c) === c.steps) c.finished_at ??= at;
      else if (to !== SUCCEEDED && to !== SKIPPED) c.finished_at = undefined;
    }
    return i;
  }

  private onStarted(step: string, at: number): void {
    const i = this.transition(step, RUNNING, at);
    if (i === undefined) return;
    const h = this.hostList[this.stepHost[i]!]!;
    h.step = step;
    const s = this.plan.steps[i]!;
    for (const o of s.opens) this.setDown(o, s.host, true, at);
  }

  private onSucceeded(step: string, at: number): void {
    const i = this.transition(step, SUCCEEDED, at);
    if (i === undefined) return;
    const h = this.hostList[this.stepHost[i]!]!;
    if (h.failed === 0 && h.running === 0) h.step = undefined;
    const s = this.plan.steps[i]!;
    for (const o of s.closes) this.setDown(o, s.host, false, at);
  }

  private onFailed(e: Extract<EngineEvent, { type: 'step-failed' }>): void {
    const i = this.transition(e.step, FAILED, e.at);
    const step = i === undefined ? undefined : this.plan.steps[i];
    if (i !== undefined) this.hostList[this.stepHost[i]!]!.step = e.step;
    this.failures.push({
      step: e.step,
      host: e.host,
      attempt: e.attempt,
      at: e.at,
      action: step === undefined ? 'not in the plan' : actionSummary(step.action),
      error: e.error,
      ...(e.output === undefined ? {} : { output: e.output }),
    });
    if (this.failures.length > MAX_FAILURES) this.failures.shift();
  }

  private setDown(outage: string, host: string, down: boolean, at: number): void {
    if (isComputeControl(outage)) {
      if (down) this.computesDown.add(host);
      else this.computesDown.delete(host);
      return;
    }
    const acc = this.outages.get(outage);
    if (acc === undefined) return;
    if (down) {
      if (!acc.down.has(host)) acc.down.set(host, at);
      if (acc.allDownSince === undefined && acc.down.size >= acc.backends) acc.allDownSince = at;
    } else {
      acc.down.delete(host);
      if (acc.allDownSince !== undefined && acc.down.size < acc.backends) {
        acc.windows.push({ start: acc.allDownSince, end: at });
        acc.allDownSince = undefined;
      }
    }
  }

  /** Outage state for the progress lines. */
  outage(name: string): { all_down: boolean; since?: number; backends: number } | undefined {
    const acc = this.outages.get(name);
    if (acc === undefined) return undefined;
    return {
      all_down: acc.allDownSince !== undefined,
      backends: acc.backends,
      ...(acc.allDownSince === undefined ? {} : { since: acc.allDownSince }),
    };
  }

  /** The plan's step, for the progress lines. */
  step(id: string): Plan['steps'][number] | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.plan.steps[i];
  }
}
