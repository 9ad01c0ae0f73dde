// The checker's view of a cloud: the same hosts and services the planner used.

import { serviceDef } from '../catalog/index.js';
import type { Catalog, ScenarioId } from '../catalog/types.js';
import type { Inventory } from '../inventory/types.js';
import type { CheckContext } from './check/types.js';
import { effectiveSpareHosts } from './planners/spare-hosts.js';
import { resolveUpgrade } from './upgrade-pair.js';

export function checkContextFor(inventory: Inventory, catalog: Catalog, scenario: ScenarioId): CheckContext {
  const { pack, to } = resolveUpgrade(inventory, catalog);
  return {
    services: (name) => serviceDef(to, name),
    pack,
    hosts: inventory.hosts,
    spareHosts: scenario === 'parallel-compute' ? effectiveSpareHosts(inventory, to) : [],
    dataPlane: to.rpc?.dataPlane ?? [],
  };
}
