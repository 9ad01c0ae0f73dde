// Snapshot + catalog → an inventory document (DESIGN §3) and the marks of what was guessed or missing.
// Pure: no I/O, the same snapshot always gives the same inventory.

import type { Catalog, Networking, Role } from '../catalog/types.js';
import { ROLES } from '../catalog/types.js';
import { hostAddresses } from './addresses.js';
import { type DiscoveredFacts, discoverFacts } from './facts.js';
import type { Mark } from './marks.js';
import { pickNetworking } from './networking.js';
import { observeHosts } from './observe.js';
import { planningMarks } from './planning.js';
import { hostServices } from './services.js';
import type { CloudSnapshot, Learned } from './snapshot.js';
import { pickDistro, pickUpgrade } from './upgrade.js';

export interface DiscoveredHost {
  name: string;
  address?: string;
  roles: Role[];
  services?: string[];
}

/** The inventory as written: only what discovery learned; everything else keeps the loader's defaults. */
export interface DiscoveredInventory {
  cloud: string;
  upgrade: { from: string; to: string };
  distro: string;
  networking: Networking;
  openstack?: { cloud?: string; region?: string };
  hosts: DiscoveredHost[];
  facts?: DiscoveredFacts;
}

export interface Discovery {
  doc: DiscoveredInventory;
  marks: Mark[];
}

const CLOUD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The `--os-cloud` / OS_CLOUD name, else Keystone's host, made into a valid `cloud:` name. */
function cloudName(snapshot: CloudSnapshot, marks: Mark[]): string {
  const { osCloud, envCloud, authHost } = snapshot.source;
  const given = osCloud ?? envCloud ?? authHost;
  if (CLOUD_NAME.test(given)) return given;
  const fixed = given.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'cloud';
  marks.push({
    field: 'cloud',
    kind: 'guessed',
    reason: `${JSON.stringify(given)} is not a valid cloud name; wrote ${fixed}`,
  });
  return fixed;
}

function openstackBlock(snapshot: CloudSnapshot, marks: Mark[]): DiscoveredInventory['openstack'] {
  const block: { cloud?: string; region?: string } = {};
  if (snapshot.source.osCloud !== undefined) block.cloud = snapshot.source.osCloud;
  if (snapshot.regions.length > 1 && snapshot.region !== undefined) {
    block.region = snapshot.region;
    if (snapshot.source.regionName === undefined)
      marks.push({
        field: 'openstack.region',
        kind: 'guessed',
        reason: `the catalog lists regions ${snapshot.regions.join(', ')}; read ${snapshot.region}, the compute endpoint's first — set the one to upgrade`,
      });
  }
  return Object.keys(block).length > 0 ? block : undefined;
}

function primaryRole(h: DiscoveredHost): number {
  return Math.min(...h.roles.map((r) => ROLES.indexOf(r)));
}

const byName = new Intl.Collator('en', { numeric: true });

/** Every API that answered nothing usable, once, before the marks that follow from it. */
function gapMarks(snapshot: CloudSnapshot): Mark[] {
  const { compute, network, volume } = snapshot;
  const apis: [string, Learned<unknown>][] = [
    ['nova version', compute.maxMicroversion],
    ['nova os-services', compute.services],
    ['nova os-hypervisors', compute.hypervisors],
    ['nova servers', compute.servers],
    ['nova flavors', compute.flavors],
    ['neutron agents', network.agents],
    ['cinder os-services', volume.services],
  ];
  return apis.flatMap(([field, learned]) =>
    learned.ok ? [] : [{ field, kind: 'unknown' as const, reason: learned.reason }],
  );
}

export function buildInventory(snapshot: CloudSnapshot, catalog: Catalog): Discovery {
  const marks: Mark[] = gapMarks(snapshot);
  const cloud = cloudName(snapshot, marks);
  const upgrade = pickUpgrade(snapshot, catalog, marks);
  const distro = pickDistro(catalog, upgrade, marks);
  const networking = pickNetworking(snapshot, upgrade.release ?? { name: upgrade.from }, marks);
  const observed = observeHosts(snapshot, marks);
  const services = hostServices(observed, { snapshot, release: upgrade.release, networking }, marks);
  const kept = observed.filter((h) => services.get(h) !== null);
  const addresses = hostAddresses(snapshot, kept, marks);
  const hosts: DiscoveredHost[] = kept
    .map((h) => {
      const address = addresses.get(h);
      const list = services.get(h);
      return {
        name: h.name,
        ...(address === undefined ? {} : { address }),
        roles: h.roles,
        ...(list === undefined || list === null ? {} : { services: list }),
      };
    })
    .sort((a, b) => primaryRole(a) - primaryRole(b) || byName.compare(a.name, b.name));
  marks.push(...planningMarks(hosts, upgrade.release, networking));
  const facts = discoverFacts(snapshot, marks);
  const openstack = openstackBlock(snapshot, marks);
  const doc: DiscoveredInventory = {
    cloud,
    upgrade: { from: upgrade.from, to: upgrade.to },
    distro,
    networking,
    ...(openstack === undefined ? {} : { openstack }),
    hosts,
    ...(Object.keys(facts).length > 0 ? { facts } : {}),
  };
  return { doc, marks };
}
