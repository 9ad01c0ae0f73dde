// fast-check arbitraries of inventories for property tests: YAML text the loader accepts, and the loaded
// Inventory. Shapes span a lab to a mid-size cloud: 1–3 controllers, 0–2 network nodes, 1–500 computes in
// 1–3 range entries, 0–2 storage nodes, optional spare hosts, every distro, networking mode and drain mode.

import fc from 'fast-check';
import { stringify } from 'yaml';
import { CATALOG } from '../../src/catalog/index.js';
import type { Catalog } from '../../src/catalog/types.js';
import { DISTROS, NETWORKING_MODES } from '../../src/catalog/types.js';
import { parseInventory } from '../../src/inventory/load.js';
import type { Inventory } from '../../src/inventory/types.js';

interface Entry {
  name: string;
  address?: string;
  roles: string[];
}

/** `count` hosts as one entry: a single name when count is 1, else a range; addresses in 10.<net>.0.x. */
function entry(
  prefix: string,
  count: number,
  roles: string[],
  net: number,
  withAddress: boolean,
  pad: boolean,
): Entry {
  const width = pad ? Math.max(2, String(count).length) : 0;
  const num = (n: number) => (width > 0 ? String(n).padStart(width, '0') : String(n));
  const name = count === 1 ? `${prefix}${num(1)}` : `${prefix}[${num(1)}:${num(count)}]`;
  if (!withAddress) return { name, roles };
  const address = count === 1 ? `10.${net}.0.1` : `10.${net}.0.[1:${count}]`;
  return { name, address, roles };
}

/** Split n into k positive parts of at most 250 each (one /24 per entry). */
function split(n: number, k: number): number[] {
  const parts = Math.max(k, Math.ceil(n / 250));
  const base = Math.floor(n / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < n % parts ? 1 : 0)).filter((p) => p > 0);
}

const arbCanary = fc.array(
  fc.oneof(
    fc.integer({ min: 1, max: 50 }),
    fc.integer({ min: 1, max: 100 }).map((p) => `${p}%`),
  ),
  { minLength: 1, maxLength: 4 },
);

const arbPolicy = fc.record(
  {
    max_parallel_computes: fc.integer({ min: 1, max: 50 }),
    canary: arbCanary,
    max_failed_hosts: fc.integer({ min: 0, max: 10 }),
    drain: fc.constantFrom('live-migrate', 'wait', 'cold-migrate', 'none'),
    gates: fc.subarray(['before-changes', 'after-controllers', 'after-canary']),
  },
  { requiredKeys: [] },
);

const arbFacts = fc.record(
  {
    instances: fc.nat(100_000),
    instance_ram_mb: fc.integer({ min: 512, max: 65_536 }),
    migration_bandwidth_mbps: fc.integer({ min: 100, max: 40_000 }),
    db_rows: fc.record(
      {
        'nova.instances': fc.nat(2_000_000),
        'keystone.token': fc.nat(5_000_000),
        'heat.event': fc.nat(1_000_000),
      },
      { requiredKeys: [] },
    ),
    versions: fc.record(
      { 'nova-compute': fc.constantFrom('2013.2', '2013.2.2', '2013.2.3', '2013.2.4') },
      {
        requiredKeys: [],
      },
    ),
    drain_wait_s: fc.nat(86_400),
  },
  { requiredKeys: [] },
);

const arbSsh = fc.record(
  {
    user: fc.constantFrom('root', 'ubuntu', 'stack', 'cloud-user'),
    port: fc.integer({ min: 1, max: 65_535 }),
    identity_file: fc.constantFrom('~/.ssh/id_ed25519', '~/.ssh/id_rsa', '/etc/stackhop/key'),
    known_hosts: fc.constant('~/.ssh/known_hosts'),
    jump_host: fc.constantFrom('bastion', 'bastion.example.org', '192.0.2.1'),
  },
  { requiredKeys: [] },
);

const arbOpenstack = fc.oneof(
  fc.constant(undefined),
  fc.constant({ cloud: 'test' }),
  fc.constant({ region: 'RegionOne', auth: { auth_url: 'http://192.0.2.10:5000/v2.0', username: 'admin' } }),
);

export interface ArbInventoryOptions {
  /** Release pairs to draw from; default: every pack of the catalog, else havana → icehouse. */
  catalog?: Catalog;
}

/** YAML text of an inventory the loader accepts. */
export function arbInventoryYaml(opts: ArbInventoryOptions = {}): fc.Arbitrary<string> {
  const catalog = opts.catalog ?? CATALOG;
  const pairs = opts.catalog?.packs.map((p) => ({ from: p.from, to: p.to })) ?? [
    { from: 'havana', to: 'icehouse' },
  ];
  // Only what the loader accepts: a distro that ships both releases, a networking mode both support.
  // The pair is drawn first, so a pack with few platforms (Zed: Debian 12, ML2) is drawn as often as
  // one with many.
  const platformsOf = (upgrade: { from: string; to: string }) =>
    DISTROS.filter(
      (d) =>
        catalog.distros[d].repositories[upgrade.from] !== undefined &&
        catalog.distros[d].repositories[upgrade.to] !== undefined,
    ).flatMap((distro) =>
      NETWORKING_MODES.filter((n) =>
        [upgrade.from, upgrade.to].every((r) => catalog.releases[r]?.networking?.includes(n) ?? true),
      ).map((networking) => ({ upgrade, distro, networking })),
    );
  const platform = fc.constantFrom(...pairs).chain((pair) => fc.constantFrom(...platformsOf(pair)));
  return fc
    .record({
      platform,
      controllers: fc.integer({ min: 1, max: 3 }),
      network: fc.integer({ min: 0, max: 2 }),
      computes: fc.integer({ min: 1, max: 500 }),
      computeEntries: fc.integer({ min: 1, max: 3 }),
      storage: fc.integer({ min: 0, max: 2 }),
      spareComputes: fc.integer({ min: 0, max: 4 }),
      spareController: fc.boolean(),
      addresses: fc.boolean(),
      pad: fc.boolean(),
      database: fc.boolean(),
      ssh: fc.option(arbSsh, { nil: undefined }),
      openstack: arbOpenstack,
      facts: fc.option(arbFacts, { nil: undefined }),
      policy: fc.option(arbPolicy, { nil: undefined }),
    })
    .map((g) => {
      const a = g.addresses;
      const hosts: Entry[] = [entry('ctl', g.controllers, ['controller'], 0, a, false)];
      if (g.network > 0) hosts.push(entry('net', g.network, ['network'], 1, a, false));
      for (const [i, n] of split(g.computes, g.computeEntries).entries()) {
        hosts.push(entry(`r${i + 1}cmp`, n, ['compute'], 10 + i, a, g.pad));
      }
      if (g.storage > 0) hosts.push(entry('stor', g.storage, ['storage'], 3, a, false));
      const spare: Entry[] = [];
      if (g.spareComputes > 0) spare.push(entry('new', g.spareComputes, ['compute'], 20, a, false));
      if (g.spareController) spare.push(entry('newctl', 1, ['controller'], 21, a, false));
      const doc = {
        cloud: 'arb',
        upgrade: g.platform.upgrade,
        distro: g.platform.distro,
        networking: g.platform.networking,
        ...(g.ssh === undefined ? {} : { ssh: g.ssh }),
        ...(g.openstack === undefined ? {} : { openstack: g.openstack }),
        ...(g.database ? { database: { host: 'ctl1' } } : {}),
        hosts,
        ...(spare.length === 0 ? {} : { spare_hosts: spare }),
        ...(g.facts === undefined ? {} : { facts: g.facts }),
        ...(g.policy === undefined ? {} : { policy: g.policy }),
      };
      return stringify(doc);
    });
}

/** Inventories built through the real loader from generated YAML. */
export function arbInventory(catalog: Catalog): fc.Arbitrary<Inventory> {
  return arbInventoryYaml({ catalog }).map((text) => parseInventory(text, 'arbitrary.yaml', catalog));
}
