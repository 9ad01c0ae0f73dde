// Rolling compute upgrades in batches (live-compute, parallel-compute): check capacity, disable the whole
// batch before moving anything (so no instance lands on a host about to go, as StarlingX does), drain,
// upgrade each host, re-enable, then a health gate before the next batch.

import type { DrainMode, Host } from '../../inventory/types.js';
import type { Environment } from '../types.js';
import { batchSizes, instancesOn, splitIntoBatches } from './batches.js';
import type { StepOptions } from './builder.js';
import type { Kit } from './kit.js';

export interface ComputeBatchOptions {
  computes: readonly Host[];
  /** All computes of the cloud, to spread the instance count over. */
  computeCount: number;
  drain: Exclude<DrainMode, 'none'> | undefined;
  /** Cold-migrate means redeploying into this region (parallel-compute), not `nova migrate`. */
  drainToRegion?: string;
  /** Environment of disable and drain (the old one in parallel-compute). */
  outEnv?: Environment;
  /** Environment of the re-enable and of the capacity that absorbs the batch's instances. */
  inEnv?: Environment;
  /** Steps the last batch must wait for (parallel-compute retires the old scheduler first). */
  beforeLastBatch?: () => readonly string[];
  /** Stop, upgrade, edit, start one host; runs between drain and enable. */
  body: (host: Host, batch: number) => void;
}

export function computeBatches(kit: Kit, opts: ComputeBatchOptions): void {
  const { b, ctx } = kit;
  const policy = ctx.inventory.policy;
  // A migrating drain needs somewhere to go: no batch takes every compute of the environment.
  const moves = opts.drain === 'live-migrate' || opts.drain === 'cold-migrate';
  const cap =
    moves && opts.inEnv !== 'new' ? Math.max(1, opts.computes.length - 1) : policy.max_parallel_computes;
  const sizes = batchSizes(opts.computes.length, policy.canary, Math.min(policy.max_parallel_computes, cap));
  const batches = splitIntoBatches(opts.computes, sizes);
  // Instances are spread evenly over every compute of the cloud; the position of a host in `computes`
  // picks its share.
  const position = new Map(opts.computes.map((h, i) => [h.name, i]));
  const instancesOf = (h: Host) =>
    instancesOn(position.get(h.name) ?? 0, opts.computeCount, ctx.facts.instances);
  const outEnv = opts.outEnv === undefined ? {} : { env: opts.outEnv };
  const inEnv = opts.inEnv === undefined ? {} : { env: opts.inEnv };
  const ram = ctx.facts.instance_ram_mb;

  batches.forEach((batch, i) => {
    const k = i + 1;
    b.batch = k;
    const last = k === batches.length;
    const waitFor = last && opts.beforeLastBatch !== undefined ? opts.beforeLastBatch() : [];
    const instances = batch.reduce((sum, h) => sum + instancesOf(h), 0);
    // Room is checked where instances go, when they go somewhere: a drain that waits moves nothing.
    const capacity = moves
      ? b.onCloud(
          `verify-capacity-b${k}`,
          {
            kind: 'verify',
            checks: [
              {
                check: 'capacity',
                env: opts.inEnv ?? 'old',
                instances,
                ram_mb: instances * ram,
                hosts: batch.map((h) => h.name),
              },
            ],
          },
          { after: waitFor, batch: k },
        )
      : undefined;
    disableAndDrain(kit, batch, {
      after: capacity === undefined ? waitFor : [capacity],
      drain: opts.drain,
      instancesOf,
      ...(opts.drainToRegion === undefined ? {} : { toRegion: opts.drainToRegion }),
      stepOpts: { batch: k, ...outEnv },
    });
    for (const h of batch) {
      opts.body(h, k);
      b.onHost(h.name, 'enable', { kind: 'enable-compute' }, { batch: k, ...inEnv });
    }
    const enables = batch.map((h) => b.last(h.name));
    const verify = b.onCloud(
      `verify-b${k}`,
      {
        kind: 'verify',
        checks: [
          { check: 'services-up', services: ['nova-compute'], ...inEnv },
          { check: 'smoke-boot', ...inEnv },
        ],
      },
      { after: enables, batch: k },
    );
    b.setBarrier(verify);
    if (k === 1 && batches.length > 1) {
      const gate = kit.gate(
        'after-canary',
        `Canary batch done (${batch.map((h) => h.name).join(', ')}). Continue?`,
        {
          batch: k,
        },
      );
      if (gate !== undefined) b.setBarrier(gate);
    }
  });
  b.batch = undefined;
}

/**
 * Disables every host of a group before draining any (StarlingX's rule: nothing may be scheduled onto a
 * host that is about to go), then drains each one.
 */
export function disableAndDrain(
  kit: Kit,
  hosts: readonly Host[],
  opts: {
    after?: readonly string[];
    drain: Exclude<DrainMode, 'none'> | undefined;
    instancesOf: (h: Host) => number;
    toRegion?: string;
    stepOpts?: StepOptions;
  },
): void {
  const { b, ctx } = kit;
  const disables = hosts.map((h) =>
    b.onHost(
      h.name,
      'disable',
      { kind: 'disable-compute', reason: `stackhop: upgrade to ${ctx.to.name}` },
      { ...opts.stepOpts, after: opts.after ?? [] },
    ),
  );
  const drain = opts.drain;
  if (drain === undefined) return;
  for (const h of hosts) {
    b.onHost(
      h.name,
      'drain',
      {
        kind: 'drain-compute',
        mode: drain,
        instances: opts.instancesOf(h),
        ...(opts.toRegion === undefined ? {} : { to_region: opts.toRegion }),
      },
      { ...opts.stepOpts, after: disables },
    );
  }
}
