// The services spare hosts run in parallel-compute's new environment. A spare host only ever runs the
// new Nova (and what a hypervisor needs beside nova-compute): keystone, glance, cinder and neutron-server
// stay shared with the old environment (RH5 parallel-nova), whatever roles the spare entry lists.

import { isNovaControllerDef, serviceDef, servicesForRoles } from '../../catalog/index.js';
import type { ReleaseDef, ServiceName } from '../../catalog/types.js';
import type { Host, Inventory } from '../../inventory/types.js';

function keepOnSpare(release: ReleaseDef, name: ServiceName): boolean {
  const def = serviceDef(release, name);
  if (def.project === 'nova') return true;
  // Hypervisor companions: the L2 agent and the compute agent of telemetry.
  return (
    !def.dbAccess && (def.project === 'neutron' || def.project === 'ceilometer') && def.api === undefined
  );
}

export function effectiveSpareHosts(inventory: Inventory, release: ReleaseDef): Host[] {
  const spares = inventory.spare_hosts.map((h) => ({
    ...h,
    services: h.services.filter((s) => keepOnSpare(release, s)),
  }));
  const first = spares[0];
  if (first === undefined) return spares;
  if (!spares.some((h) => h.services.some((s) => isNovaControllerDef(serviceDef(release, s))))) {
    // No spare controller: the first spare host also carries the new Nova's controller services.
    const controllerNova = servicesForRoles(release, ['controller'], inventory.networking).filter((s) =>
      isNovaControllerDef(serviceDef(release, s)),
    );
    spares[0] = {
      ...first,
      services: [...controllerNova, ...first.services.filter((s) => !controllerNova.includes(s))],
    };
  }
  return spares;
}
