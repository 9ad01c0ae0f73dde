// The checker's view of a cloud: the same hosts and services the planner used.

import { findPack, serviceDef } from '../catalog/index.js';
import type { Catalog, ScenarioId } from '../catalog/types.js';
import { InputError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import type { CheckContext } from './check/types.js';
import { effectiveSpareHosts } from './planners/spare-hosts.js';

export function checkContextFor(inventory: Inventory, catalog: Catalog, scenario: ScenarioId): CheckContext {
  const pack = findPack(catalog, inventory.upgrade.from, inventory.upgrade.to);
  const to = catalog.releases[inventory.upgrade.to];
  if (pack === undefined || to === undefined) {
    throw new InputError(
      { file: inventory.file, line: 0, col: 0 },
      'upgrade',
      'no upgrade pack for this pair',
    );
  }
  return {
    services: (name) => serviceDef(to, name),
    pack,
    hosts: inventory.hosts,
    spareHosts: scenario === 'parallel-compute' ? effectiveSpareHosts(inventory, to) : [],
  };
}
