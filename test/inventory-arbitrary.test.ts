import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../src/catalog/index.js';
import { parseInventory } from '../src/inventory/load.js';
import { arbInventory, arbInventoryYaml } from './arbitraries/inventory.js';
import { TEST_CATALOG } from './helpers/inventory-catalog.js';

describe('inventory arbitraries', () => {
  it('generate YAML the loader accepts (fixture catalog)', () => {
    fc.assert(
      fc.property(arbInventoryYaml(), (text) => {
        const inv = parseInventory(text, 'arb.yaml', TEST_CATALOG);
        const computes = inv.hosts.filter((h) => h.roles.includes('compute')).length;
        expect(computes).toBeGreaterThanOrEqual(1);
        expect(computes).toBeLessThanOrEqual(500);
      }),
      { numRuns: 200 },
    );
  });

  it('generate inventories against the real catalog', () => {
    fc.assert(
      fc.property(arbInventory(CATALOG), (inv) => {
        const controllers = inv.hosts.filter((h) => h.roles.includes('controller')).length;
        expect(controllers).toBeGreaterThanOrEqual(1);
        expect(controllers).toBeLessThanOrEqual(3);
        expect(inv.spare_hosts.length).toBeLessThanOrEqual(5);
        expect(new Set(inv.hosts.map((h) => h.name)).size).toBe(inv.hosts.length);
      }),
      { numRuns: 200 },
    );
  });
});
