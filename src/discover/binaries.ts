// How what the APIs report maps onto the inventory's words: binaries (os-services, agents) and catalog
// service types onto logical service names, and binaries onto roles. Data only; build.ts reads it and
// keeps just the names the catalog's release knows.

import type { Role } from '../catalog/types.js';

/** Binary as os-services / the agents API names it → logical service name (DESIGN §3). */
export const BINARY_SERVICES: Readonly<Record<string, string>> = {
  'nova-api': 'nova-api',
  'nova-osapi_compute': 'nova-api',
  'nova-conductor': 'nova-conductor',
  'nova-scheduler': 'nova-scheduler',
  'nova-compute': 'nova-compute',
  'nova-novncproxy': 'nova-novncproxy',
  'nova-consoleauth': 'nova-consoleauth',
  'nova-cert': 'nova-cert',
  'nova-network': 'nova-network',
  'neutron-openvswitch-agent': 'neutron-openvswitch-agent',
  'neutron-dhcp-agent': 'neutron-dhcp-agent',
  'neutron-l3-agent': 'neutron-l3-agent',
  'neutron-metadata-agent': 'neutron-metadata-agent',
  'cinder-scheduler': 'cinder-scheduler',
  'cinder-volume': 'cinder-volume',
};

/** Catalog service type → the service behind its endpoint. */
export const ENDPOINT_SERVICES: Readonly<Record<string, string>> = {
  identity: 'keystone',
  compute: 'nova-api',
  image: 'glance-api',
  network: 'neutron-server',
  volume: 'cinder-api',
  volumev2: 'cinder-api',
  volumev3: 'cinder-api',
  'block-storage': 'cinder-api',
  placement: 'placement-api',
  orchestration: 'heat-api',
  cloudformation: 'heat-api-cfn',
  metering: 'ceilometer-api',
};

/** Which listing shows a service where it runs: a service it does not list does not run anywhere. */
export type Listing = 'nova-services' | 'neutron-agents' | 'cinder-services';

export const LISTED_BY: Readonly<Record<string, Listing>> = {
  'nova-conductor': 'nova-services',
  'nova-scheduler': 'nova-services',
  'nova-compute': 'nova-services',
  'nova-cert': 'nova-services',
  'nova-consoleauth': 'nova-services',
  'nova-network': 'nova-services',
  'neutron-openvswitch-agent': 'neutron-agents',
  'neutron-dhcp-agent': 'neutron-agents',
  'neutron-l3-agent': 'neutron-agents',
  'neutron-metadata-agent': 'neutron-agents',
  'cinder-scheduler': 'cinder-services',
  'cinder-volume': 'cinder-services',
};

/** Services (by logical name) that make their host a controller: the APIs and the central daemons. */
const CONTROLLER = new Set([
  ...Object.values(ENDPOINT_SERVICES),
  'nova-api',
  'nova-conductor',
  'nova-scheduler',
  'nova-cert',
  'nova-consoleauth',
  'neutron-server',
  'cinder-api',
  'cinder-scheduler',
]);
/** Network node services: the role only where no nova-compute runs (else they are a compute's extras). */
const NETWORK = new Set(['neutron-l3-agent', 'neutron-dhcp-agent', 'neutron-metadata-agent', 'nova-network']);

/** Roles implied by the services seen on a host, in the inventory's role order; [] when none. */
export function rolesFor(services: ReadonlySet<string>, order: readonly Role[]): Role[] {
  const roles = new Set<Role>();
  const compute = services.has('nova-compute');
  if (compute) roles.add('compute');
  if ([...services].some((s) => CONTROLLER.has(s))) roles.add('controller');
  if (services.has('cinder-volume')) roles.add('storage');
  if (!compute && [...services].some((s) => NETWORK.has(s))) roles.add('network');
  // A host running only the OVS agent (nothing else this table knows) is closest to a network node.
  if (roles.size === 0 && services.has('neutron-openvswitch-agent')) roles.add('network');
  return order.filter((r) => roles.has(r));
}

/** `cmp1@lvm`, `cmp1@lvm#pool` → `cmp1`: cinder-volume reports one service per backend. */
export function cinderHost(host: string): string {
  return host.split(/[@#]/)[0] ?? host;
}
