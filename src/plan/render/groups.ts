// The grouping shared by the text view and the graphs: steps of one phase and batch that do the same
// action (same shape) on different hosts become one group, i.e. one line or one node. A host that does
// the same action twice in a phase (restart before and after a config change) yields two groups: the
// k-th occurrence on each host goes to the k-th group, so a group never holds one host twice.

import type { Phase, Plan, Step } from '../types.js';
import { CLOUD, isComputeControl } from '../types.js';
import { hostClassLabel } from './hostnames.js';
import { indexSteps, type StepIndex } from './order.js';
import { actionShape, actionSummary } from './summary.js';

export interface StepGroup {
  /** Position in render order across the whole plan (node id in the graphs). */
  index: number;
  phase: string;
  batch: number | undefined;
  /** What the group does, independent of hosts and batch: two batches with equal shapes look alike. */
  shape: string;
  summary: string;
  /** Step indices in topological order. */
  steps: number[];
  /** Distinct hosts, in topological order. */
  hosts: string[];
  hostLabel: string;
  /** Longest step estimate: the group's steps run side by side. */
  estimate_s: number;
  irreversible: boolean;
  env: string | undefined;
}

/** A stretch of a phase: one ungrouped line, or a batch of a rolling phase with its lines. */
export type Unit =
  | { kind: 'line'; group: StepGroup }
  | { kind: 'batch'; batch: number; groups: StepGroup[]; hosts: string[]; span_s: number };

export interface PhaseView {
  phase: Phase;
  /** 1-based, as shown in the text view. */
  number: number;
  units: Unit[];
  groups: StepGroup[];
  /** Critical path of the phase's own steps. */
  span_s: number;
  stepCount: number;
  opens: string[];
  closes: string[];
  /** Hosts whose compute control the phase interrupts (`compute-control:<host>` in `opens`). */
  computeControlOpened: number;
  computeControlClosed: number;
}

export interface PlanView {
  index: StepIndex;
  phases: PhaseView[];
  groups: StepGroup[];
  /** Group index of each step (by step index). */
  groupOf: Int32Array;
}

/** Outages in the order operators think about the APIs, then any others alphabetically. */
const API_ORDER = [
  'identity',
  'image',
  'compute',
  'network',
  'volume',
  'orchestration',
  'telemetry',
  'dashboard',
];

function apiRank(name: string): number {
  const i = API_ORDER.indexOf(name.replace(/-api$/, ''));
  return i < 0 ? API_ORDER.length : i;
}

export function compareOutages(a: string, b: string): number {
  return apiRank(a) - apiRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

interface Builder {
  phase: string;
  batch: number | undefined;
  shape: string;
  steps: number[];
  hosts: string[];
  hostSet: Set<string>;
}

function buildGroup(plan: Plan, b: Builder): Omit<StepGroup, 'index'> {
  const first = plan.steps[b.steps[0]!]!;
  let estimate = 0;
  let instances = 0;
  for (const i of b.steps) {
    const s = plan.steps[i]!;
    estimate = Math.max(estimate, s.estimate_s);
    if (s.action.kind === 'drain-compute') instances += s.action.instances;
  }
  return {
    phase: b.phase,
    batch: b.batch,
    shape: b.shape,
    summary: actionSummary(first.action, instances),
    steps: b.steps,
    hosts: b.hosts,
    hostLabel: hostClassLabel(b.hosts),
    estimate_s: estimate,
    irreversible: first.irreversible === true,
    env: first.env,
  };
}

function phaseList(plan: Plan): Phase[] {
  // Steps naming a phase the plan does not list still get rendered, after the listed phases.
  const phases = [...plan.phases];
  const known = new Set(phases.map((p) => p.id));
  for (const s of plan.steps) {
    if (!known.has(s.phase)) {
      known.add(s.phase);
      phases.push({ id: s.phase, title: s.phase });
    }
  }
  return phases;
}

function stepShape(s: Step): string {
  return `${actionShape(s.action)}\u0000${s.env ?? ''}\u0000${s.irreversible === true ? '!' : ''}`;
}

function sortedSet(set: Set<string>): string[] {
  return [...set].sort(compareOutages);
}

export function buildPlanView(plan: Plan): PlanView {
  const index = indexSteps(plan.steps);
  const { order, predsOf } = index;
  const steps = plan.steps;

  // Longest path inside the phase and inside the batch, in one pass over the topological order.
  const finishPhase = new Float64Array(steps.length);
  const finishBatch = new Float64Array(steps.length);
  const chains = new Map<string, Builder[]>();
  const shapeIds = new Map<string, number>();
  const perPhase = new Map<string, Builder[]>();
  for (const i of order) {
    const s = steps[i]!;
    let startPhase = 0;
    let startBatch = 0;
    for (const p of predsOf(i)) {
      const ps = steps[p]!;
      if (ps.phase !== s.phase) continue;
      startPhase = Math.max(startPhase, finishPhase[p]!);
      if (ps.batch === s.batch) startBatch = Math.max(startBatch, finishBatch[p]!);
    }
    finishPhase[i] = startPhase + s.estimate_s;
    finishBatch[i] = startBatch + s.estimate_s;

    // Shapes are long JSON strings: intern them once so the per-step keys below stay short.
    const shape = stepShape(s);
    let shapeId = shapeIds.get(shape);
    if (shapeId === undefined) {
      shapeId = shapeIds.size;
      shapeIds.set(shape, shapeId);
    }
    const base = `${s.phase}\u0000${s.batch ?? ''}\u0000${shapeId}`;
    let chain = chains.get(base);
    if (chain === undefined) {
      chain = [];
      chains.set(base, chain);
    }
    // The first group of this shape that does not have the host yet (k-th occurrence → k-th group).
    let b = chain.find((c) => !c.hostSet.has(s.host));
    if (b === undefined) {
      b = { phase: s.phase, batch: s.batch, shape, steps: [], hosts: [], hostSet: new Set() };
      chain.push(b);
      const list = perPhase.get(s.phase);
      if (list === undefined) perPhase.set(s.phase, [b]);
      else list.push(b);
    }
    b.steps.push(i);
    b.hostSet.add(s.host);
    b.hosts.push(s.host);
  }

  const groups: StepGroup[] = [];
  const groupOf = new Int32Array(steps.length).fill(-1);
  const phases: PhaseView[] = [];
  const stepsOfPhase = new Map<string, number[]>();
  for (const i of order) {
    const id = steps[i]!.phase;
    const list = stepsOfPhase.get(id);
    if (list === undefined) stepsOfPhase.set(id, [i]);
    else list.push(i);
  }

  phaseList(plan).forEach((phase, n) => {
    const view: PhaseView = {
      phase,
      number: n + 1,
      units: [],
      groups: [],
      span_s: 0,
      stepCount: 0,
      opens: [],
      closes: [],
      computeControlOpened: 0,
      computeControlClosed: 0,
    };
    const opens = new Set<string>();
    const closes = new Set<string>();
    const ccOpen = new Set<string>();
    const ccClose = new Set<string>();
    const batchSpan = new Map<number, number>();
    for (const i of stepsOfPhase.get(phase.id) ?? []) {
      const s = steps[i]!;
      view.stepCount += 1;
      view.span_s = Math.max(view.span_s, finishPhase[i]!);
      if (s.batch !== undefined)
        batchSpan.set(s.batch, Math.max(batchSpan.get(s.batch) ?? 0, finishBatch[i]!));
      for (const o of s.opens) (isComputeControl(o) ? ccOpen : opens).add(o);
      for (const c of s.closes) (isComputeControl(c) ? ccClose : closes).add(c);
    }
    view.opens = sortedSet(opens);
    view.closes = sortedSet(closes);
    view.computeControlOpened = ccOpen.size;
    view.computeControlClosed = ccClose.size;

    // Builders were created in the topological order of their first step, which is the line order.
    const batches = new Map<number, Extract<Unit, { kind: 'batch' }>>();
    for (const b of perPhase.get(phase.id) ?? []) {
      const g: StepGroup = { index: groups.length, ...buildGroup(plan, b) };
      groups.push(g);
      view.groups.push(g);
      for (const i of g.steps) groupOf[i] = g.index;
      if (g.batch === undefined) {
        view.units.push({ kind: 'line', group: g });
        continue;
      }
      // A batch is shown where its first line falls; its later lines join it even if other lines
      // (of other batches or none) come between them in the topological order.
      let unit = batches.get(g.batch);
      if (unit === undefined) {
        unit = { kind: 'batch', batch: g.batch, groups: [], hosts: [], span_s: batchSpan.get(g.batch) ?? 0 };
        batches.set(g.batch, unit);
        view.units.push(unit);
      }
      unit.groups.push(g);
    }
    for (const unit of batches.values()) {
      const hosts = new Set<string>();
      // The batch heading counts machines: cloud-wide steps (capacity checks, health gates) are not one.
      for (const g of unit.groups) for (const h of g.hosts) if (h !== CLOUD) hosts.add(h);
      unit.hosts = [...hosts];
    }
    phases.push(view);
  });

  return { index, phases, groups, groupOf };
}
