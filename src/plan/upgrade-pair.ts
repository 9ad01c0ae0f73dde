// The catalog entries of an inventory's upgrade: the pack and both releases.

import { findPack } from '../catalog/index.js';
import type { Catalog, ReleaseDef, UpgradePack } from '../catalog/types.js';
import { inventoryError } from '../inventory/locate.js';
import type { Inventory } from '../inventory/types.js';

export function resolveUpgrade(
  inventory: Inventory,
  catalog: Catalog,
): { pack: UpgradePack; from: ReleaseDef; to: ReleaseDef } {
  const { from, to } = inventory.upgrade;
  const pack = findPack(catalog, from, to);
  const fromRelease = catalog.releases[from];
  const toRelease = catalog.releases[to];
  // The loader refuses unsupported pairs; this only guards a catalog edited under a loaded inventory.
  if (pack === undefined || fromRelease === undefined || toRelease === undefined) {
    throw inventoryError(inventory, 'upgrade', `no upgrade pack for ${from} → ${to}`);
  }
  return { pack, from: fromRelease, to: toRelease };
}
