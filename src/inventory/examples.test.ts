// The shipped examples and `stackhop init`'s output must load cleanly against the real catalog.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../catalog/index.js';
import { EXAMPLE_INVENTORY } from './example.js';
import { loadInventory, parseInventory } from './load.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));

describe('examples', () => {
  it('ships the four documented examples', () => {
    expect(files).toEqual(
      expect.arrayContaining(['all-in-one.yaml', 'ha-ubuntu.yaml', 'rdo-cloud.yaml', 'nova-network.yaml']),
    );
  });

  it.each(files)('%s loads', async (name) => {
    const inv = await loadInventory(join(EXAMPLES, name), CATALOG);
    expect(inv.hosts.some((h) => h.roles.includes('controller'))).toBe(true);
    for (const h of inv.hosts.filter((x) => x.roles.includes('compute')))
      expect(h.services).toContain('nova-compute');
  });

  it('ha-ubuntu has the documented shape', async () => {
    const inv = await loadInventory(join(EXAMPLES, 'ha-ubuntu.yaml'), CATALOG);
    expect(inv.cloud).toBe('east-1');
    const count = (role: string) => inv.hosts.filter((h) => h.roles.some((r) => r === role)).length;
    expect([count('controller'), count('network'), count('compute'), count('storage')]).toEqual([
      3, 2, 48, 2,
    ]);
    expect(inv.spare_hosts.map((h) => h.name)).toEqual(['new1', 'new2', 'new3', 'new4', 'newctl1']);
    expect(inv.spare_hosts.every((h) => h.spare)).toBe(true);
    expect(inv.facts.db_rows['keystone.token']).toBe(1_200_000);
    expect(inv.policy).toMatchObject({
      canary: [1, 5, '20%'],
      max_parallel_computes: 10,
      drain: 'live-migrate',
    });
  });

  it('the init template loads and covers every top-level field', () => {
    const inv = parseInventory(EXAMPLE_INVENTORY, 'stackhop.yaml', CATALOG);
    expect(inv.hosts.length).toBe(3 + 1 + 120 + 2);
    expect(inv.hosts.find((h) => h.name === 'cmp001')?.address).toBe('10.0.1.1');
    for (const key of ['cloud', 'upgrade', 'distro', 'networking', 'ssh', 'openstack', 'database', 'hosts']) {
      expect(EXAMPLE_INVENTORY).toMatch(new RegExp(`^${key}:`, 'm'));
    }
    for (const key of [
      'spare_hosts',
      'facts',
      'policy',
      'drain_wait_s',
      'gates',
      'jump_host',
      'known_hosts',
    ]) {
      expect(EXAMPLE_INVENTORY).toContain(`${key}:`);
    }
  });
});
