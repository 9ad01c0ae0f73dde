// Instances: where each runs, its RAM, and when its workload ends by itself. Typed arrays, because a
// large cloud has hundreds of thousands of them and every step touches only the few on its host.
//
// The workload is stationary: elsewhere in the cloud an instance that ends is replaced by a new one, so
// the twin models neither; only a compute drained by waiting (`drain-compute` mode `wait`, disabled so
// nothing new lands) sees its instances end, at their drawn lifetimes.

import { instancesOn } from '../../plan/planners/batches.js';
import { keyedRandom } from './random.js';
import type { HostState, TwinContext } from './state.js';

/** Remaining lifetimes are uniform in [0, LIFETIME_SPAN × drain_wait_s] (mean: drain_wait_s). */
export const LIFETIME_SPAN = 2;

export const ALIVE = 0;
export const ENDED = 1;
export const LOST = 2;

export class InstanceTable {
  readonly host: Int32Array;
  readonly endAt: Float64Array;
  readonly status: Uint8Array;
  readonly ramMb: number;
  alive: number;

  constructor(count: number, ramMb: number) {
    this.host = new Int32Array(count).fill(-1);
    this.endAt = new Float64Array(count);
    this.status = new Uint8Array(count);
    this.ramMb = ramMb;
    this.alive = count;
  }

  get count(): number {
    return this.host.length;
  }
}

/**
 * Spreads `facts.instances` over the computes as the planner does (`instancesOn` in its compute
 * order) and draws each instance's end of life from (seed, instance number).
 */
export function initialInstances(
  ctx: TwinContext,
  computes: readonly HostState[],
  t0: number,
): InstanceTable {
  const total = computes.length === 0 ? 0 : ctx.facts.instances;
  const table = new InstanceTable(total, ctx.facts.instance_ram_mb);
  const life = keyedRandom(ctx.seed, 'instance-lifetime');
  const spanMs = LIFETIME_SPAN * ctx.facts.drain_wait_s * 1000;
  let next = 0;
  computes.forEach((h, i) => {
    const n = instancesOn(i, computes.length, total);
    for (let k = 0; k < n; k++) {
      const id = next++;
      table.host[id] = h.index;
      table.endAt[id] = t0 + Math.round(life(id) * spanMs);
      h.instances.push(id);
      h.usedMb += table.ramMb;
    }
  });
  return table;
}
