// Which hosts play which Nova part: the planners of the rolling scenarios treat them differently.

import type { Host } from '../../inventory/types.js';
import { isComputeSide, isNovaController } from './context.js';
import type { Kit } from './kit.js';

/** Hosts running Nova controller services (api, scheduler, conductor, …). */
export function novaControllerHosts(kit: Kit): Host[] {
  return kit.ctx.hosts.filter((h) => h.services.some((s) => isNovaController(kit.ctx, s)));
}

/** Hypervisors that can be emptied and upgraded on their own: nova-compute, no controller services. */
export function dedicatedComputes(kit: Kit): Host[] {
  return kit.ctx.hosts.filter(
    (h) => h.services.includes('nova-compute') && !h.services.some((s) => isNovaController(kit.ctx, s)),
  );
}

/** Controllers that are hypervisors too: their nova-compute shares the nova packages with them. */
export function colocatedComputes(kit: Kit): Host[] {
  return novaControllerHosts(kit).filter((h) => h.services.includes('nova-compute'));
}

/** nova-network nodes: compute-side Nova without a hypervisor (nova-network's single-host mode). */
export function networkOnlyHosts(kit: Kit): Host[] {
  return kit.ctx.hosts.filter(
    (h) =>
      !h.services.includes('nova-compute') &&
      h.services.some((s) => isComputeSide(kit.ctx, s)) &&
      !h.services.some((s) => isNovaController(kit.ctx, s)),
  );
}
