// Accumulates a plan's steps. Steps on one host are chained in the order they are added (one operator
// session per machine, and it makes every service's history on a host a total order); each phase ends in
// a barrier step that the next phase's steps wait for.

import { InternalError } from '../../errors.js';
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
  private readonly ids = new Set<string>();
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

  private push(
    host: string,
    name: string,
    action: Action,
    first: string | undefined,
    second: string | undefined,
    opts: StepOptions,
  ): string {
    const id = `${this.phase}/${host}/${name}`;
    if (this.ids.has(id)) throw new InternalError(`planner produced the step id ${id} twice`);
    // Hot path (a 10,000-compute plan has 160k steps): no closures, intermediate arrays or spreads; a
    // linear duplicate check for the usual handful of dependencies, a set for the long lists of joins.
    const extra = opts.after ?? NONE;
    const deps: string[] = [];
    if (first !== undefined && first !== id) deps.push(first);
    if (second !== undefined && second !== id && second !== first) deps.push(second);
    if (extra.length > 16) {
      const seen = new Set(deps);
      for (const dep of extra) {
        if (dep === undefined || dep === id || seen.has(dep)) continue;
        seen.add(dep);
        deps.push(dep);
      }
    } else {
      for (const dep of extra) if (dep !== undefined && dep !== id && !deps.includes(dep)) deps.push(dep);
    }
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
    this.ids.add(id);
    this.steps.push(step);
    this.phaseSteps.push(id);
    return id;
  }
}
