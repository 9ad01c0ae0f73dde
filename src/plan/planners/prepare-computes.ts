// Computes that keep the old release while others move (live-compute, parallel-compute) get the
// catalog's "stay-on-old" config first (file injection off, OPS) and, when migrations cross releases,
// the RPC pin; a restart of their compute-side services makes it take effect.

import type { Host } from '../../inventory/types.js';
import { isComputeSide } from './context.js';
import type { Kit } from './kit.js';

export function prepareComputes(
  kit: Kit,
  computes: readonly Host[],
  opts: { title: string; pin: boolean },
): void {
  if (computes.length === 0) return;
  const { b, ctx } = kit;
  b.startPhase('prepare-computes', opts.title);
  for (const h of computes) {
    const edited = kit.edit(h, 'nova', 'stay-on-old') !== undefined;
    if (opts.pin) kit.pin(h);
    // The pin and the edit are read by nova-compute; restarting a data-plane service (nova-network)
    // would cut the network of the instances still on the host.
    const dataPlane = ctx.from.rpc?.dataPlane ?? [];
    if (edited || opts.pin)
      kit.restart(
        h.name,
        h.services.filter((s) => isComputeSide(ctx, s) && !dataPlane.includes(s)),
      );
  }
  b.closePhase('verify', { kind: 'verify', checks: [{ check: 'services-up', services: ['nova-compute'] }] });
}
