// The views walk the plan in the DAG's topological order. They use the graph the planner already built
// (cached per steps array), so rendering a 150,000-step plan costs no second sort; a broken plan (an
// unknown `after`, a cycle) still renders, because the graph drops unknown ids and orders cyclic steps last.

import { buildGraph } from '../graph.js';
import type { Step } from '../types.js';

export interface StepIndex {
  /** Step indices in topological order. */
  order: Int32Array;
  /** Position of each step (by index) in `order`. */
  position: Int32Array;
  /** Predecessors of one step (by index), unknown ids dropped. */
  predsOf: (step: number) => Int32Array;
  byId: ReadonlyMap<string, number>;
}

export function indexSteps(steps: readonly Step[]): StepIndex {
  const { graph } = buildGraph({ steps });
  const { predOffsets, predTargets } = graph;
  return {
    order: graph.order,
    position: graph.pos,
    predsOf: (step) => predTargets.subarray(predOffsets[step]!, predOffsets[step + 1]!),
    byId: graph.index,
  };
}
