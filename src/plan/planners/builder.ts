// Accumulates a plan's steps. Steps on one host are chained in the order they are added (one operator
// session per machine, and it makes every service's history on a host a total order); each phase ends in
// a barrier step that the next phase's steps wait for.

import { InternalError } from '../../errors.js';
import { adoptGraph } from '../graph.js';
import type { Action, Environment, Phase, PlanWarning, Step } from '../types.js';
import { CLOUD } from '../types.js';

const NONE: readonly string[] = Object.freeze([]);

export interface StepOptions {
  /** Extra dependencies besides the host's previous step and the current barrier. */
  after?: readonly (string | undefined)[];
  opens?: readonly string[];
  closes?: readonly string[];
  env?: Environment;
  batch?: number;
  irreversible?: boolean;
}

export class PlanBuilder {
  readonly steps: Step[] = [];
  readonly phases: Phase[] = [];
  readonly warnings: PlanWarning[] = [];
  /** Step id → index in `steps`; with `preds` it is the plan's graph, handed over by `finish`. */
  private readonly index = new Map<string, number>();
  private readonly preds = new EdgeList();
  private readonly hostIds = new Map<string, number>();
  private hostOf = new Int32Array(1024);
  private readonly lastOnHost = new Map<string, string>();
  private phaseSteps: string[] = [];
  private current: Phase | undefined;
  private barrierId: string | undefined;
  /** Compute batch that steps added now belong to, unless they say otherwise. */
  batch: number | undefined;

  constructor(private readonly estimate: (action: Action) => number) {}

  get phase(): string {
    if (this.current === undefined) throw new InternalError('a step was added before any phase was started');
    return this.current.id;
  }

  startPhase(id: string, title: string): void {
    if (this.phases.some((p) => p.id === id)) throw new InternalError(`phase ${id} started twice`);
    this.current = { id, title };
    this.phases.push(this.current);
    this.phaseSteps = [];
    this.batch = undefined;
  }

  /** A step on a machine, after that machine's previous step and the current barrier. */
  onHost(host: string, name: string, action: Action, opts: StepOptions = {}): string {
    const previous = this.lastOnHost.get(host);
    const id = this.push(host, name, action, previous, this.barrierId, opts);
    this.lastOnHost.set(host, id);
    return id;
  }

  /** A step acting through the cloud's APIs: ordered only by what it names and the barrier. */
  onCloud(name: string, action: Action, opts: StepOptions = {}): string {
    return this.push(CLOUD, name, action, this.barrierId, undefined, opts);
  }

  /** The last step added on a host, if any. */
  last(host: string): string | undefined {
    return this.lastOnHost.get(host);
  }

  /** Steps added in the current phase so far. */
  get stepsOfPhase(): readonly string[] {
    return this.phaseSteps;
  }

  /** Ends the phase with a cloud-wide step that waits for every step of the phase. */
  closePhase(name: string, action: Action): string {
    // Every step of the phase, not only each machine's last: the per-host chains would imply the rest,
    // but a plan edited by hand (one edge removed) then still keeps every step before the next phase.
    const id = this.onCloud(name, action, { after: [...this.phaseSteps] });
    this.barrierId = id;
    return id;
  }

  setBarrier(id: string): void {
    this.barrierId = id;
  }

  warn(warning: PlanWarning): void {
    if (!this.warnings.some((w) => w.id === warning.id)) this.warnings.push(warning);
  }

  /**
   * The finished steps, frozen, with the plan's graph registered for them: dependencies always name
   * earlier steps, so insertion order is already a topological order.
   */
  finish(): readonly Step[] {
    const steps = Object.freeze(this.steps);
    adoptGraph(
      steps,
      this.index,
      this.preds.offsets(),
      this.preds.targets(),
      this.hostOf.slice(0, steps.length),
    );
    return steps;
  }

  private depend(deps: string[], dep: string, id: string, from: number): void {
    if (dep === id) return;
    const j = this.index.get(dep);
    if (j === undefined)
      throw new InternalError(`step ${id} depends on ${dep}, which was not added before it`);
    // The usual handful of dependencies is checked linearly; long join lists go through a set.
    if (deps.length > 16 ? this.preds.hasSince(from, j) : deps.includes(dep)) return;
    deps.push(dep);
    this.preds.push(j);
  }

  private push(
    host: string,
    name: string,
    action: Action,
    first: string | undefined,
    second: string | undefined,
    opts: StepOptions,
  ): string {
    const id = `${this.phase}/${host}/${name}`;
    if (this.index.has(id)) throw new InternalError(`planner produced the step id ${id} twice`);
    // Hot path (a 10,000-compute plan has 160k steps): no closures, intermediate arrays or spreads.
    // Every dependency names a step added earlier, so indices are resolved here once and the graph
    // never has to re-hash the ids.
    const extra = opts.after ?? NONE;
    const deps: string[] = [];
    const preds = this.preds;
    const from = preds.length;
    if (first !== undefined) this.depend(deps, first, id, from);
    if (second !== undefined) this.depend(deps, second, id, from);
    for (const dep of extra) if (dep !== undefined) this.depend(deps, dep, id, from);
    const step: Step = {
      id,
      phase: this.phase,
      host,
      action,
      after: deps,
      estimate_s: this.estimate(action),
      opens: opts.opens ?? NONE,
      closes: opts.closes ?? NONE,
    };
    if (opts.env !== undefined) step.env = opts.env;
    const batch = opts.batch ?? this.batch;
    if (batch !== undefined) step.batch = batch;
    if (opts.irreversible === true) step.irreversible = true;
    // Plans are immutable once built: the graph cached for a steps array must never go stale.
    Object.freeze(deps);
    Object.freeze(step);
    const i = this.steps.length;
    this.index.set(id, i);
    this.steps.push(step);
    preds.close();
    let h = this.hostIds.get(host);
    if (h === undefined) {
      h = this.hostIds.size;
      this.hostIds.set(host, h);
    }
    if (i >= this.hostOf.length) {
      const grown = new Int32Array(this.hostOf.length * 2);
      grown.set(this.hostOf);
      this.hostOf = grown;
    }
    this.hostOf[i] = h;
    this.phaseSteps.push(id);
    return id;
  }
}

/** Growable CSR of predecessor indices, one row per step, rows closed in step order. */
class EdgeList {
  private data = new Int32Array(4096);
  private rows = new Int32Array(1025);
  private rowCount = 0;
  length = 0;
  private seen = new Set<number>();
  private seenFrom = -1;

  push(j: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = j;
    if (this.seenFrom >= 0) this.seen.add(j);
  }

  /** Whether j is already in the row that started at `from` (the row being filled). */
  hasSince(from: number, j: number): boolean {
    if (this.seenFrom !== from) {
      this.seen = new Set();
      for (let k = from; k < this.length; k++) this.seen.add(this.data[k]!);
      this.seenFrom = from;
    }
    return this.seen.has(j);
  }

  close(): void {
    if (this.rowCount + 1 >= this.rows.length) {
      const grown = new Int32Array(this.rows.length * 2);
      grown.set(this.rows);
      this.rows = grown;
    }
    this.rows[++this.rowCount] = this.length;
    this.seenFrom = -1;
  }

  offsets(): Int32Array {
    return this.rows.slice(0, this.rowCount + 1);
  }

  targets(): Int32Array {
    return this.data.slice(0, this.length);
  }
}
