// Accumulates a plan's steps. Steps on one host are chained in the order they are added (one operator
// session per machine, and it makes every service's history on a host a total order); each phase ends in
// a barrier step that the next phase's steps wait for.

import { InternalError } from '../../errors.js';
import type { Action, Environment, Phase, PlanWarning, Step } from '../types.js';
import { CLOUD } from '../types.js';

export interface StepOptions {
  /** Extra dependencies besides the host's previous step and the current barrier. */
  after?: readonly (string | undefined)[];
  opens?: readonly string[];
  closes?: readonly string[];
  env?: Environment;
  batch?: number;
  irreversible?: boolean;
  /** Do not wait for the current barrier (steps that belong to the barrier's own phase). */
  noBarrier?: boolean;
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

  get barrier(): string | undefined {
    return this.barrierId;
  }

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
    const id = this.push(
      host,
      name,
      action,
      [previous, ...this.barrierOf(opts), ...(opts.after ?? [])],
      opts,
    );
    this.lastOnHost.set(host, id);
    return id;
  }

  /** A step acting through the cloud's APIs: ordered only by what it names and the barrier. */
  onCloud(name: string, action: Action, opts: StepOptions = {}): string {
    return this.push(CLOUD, name, action, [...this.barrierOf(opts), ...(opts.after ?? [])], opts);
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

  private barrierOf(opts: StepOptions): (string | undefined)[] {
    return opts.noBarrier === true ? [] : [this.barrierId];
  }

  private push(
    host: string,
    name: string,
    action: Action,
    after: readonly (string | undefined)[],
    opts: StepOptions,
  ): string {
    const id = `${this.phase}/${host}/${name}`;
    if (this.ids.has(id)) throw new InternalError(`planner produced the step id ${id} twice`);
    const deps = new Set<string>();
    for (const a of after) if (a !== undefined && a !== id) deps.add(a);
    const batch = opts.batch ?? this.batch;
    const step: Step = {
      id,
      phase: this.phase,
      host,
      action,
      after: [...deps],
      estimate_s: this.estimate(action),
      opens: opts.opens ?? [],
      closes: opts.closes ?? [],
      ...(opts.env === undefined ? {} : { env: opts.env }),
      ...(batch === undefined ? {} : { batch }),
      ...(opts.irreversible === true ? { irreversible: true } : {}),
    };
    this.ids.add(id);
    this.steps.push(step);
    this.phaseSteps.push(id);
    return id;
  }
}
