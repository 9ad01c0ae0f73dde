// OpenStack Zed (2022.2) as Debian 12 "bookworm" packages it: nova 26, keystone 22, placement 8,
// glance 25, neutron 21, cinder 21. Debian splits each project into python3-<project> (the code) and one
// package per daemon; the daemon's init script has the package's name. Both are listed, so an upgrade
// of a host that has only the code (the stackhop lab) or the full set (a packaged cloud) brings them
// to the same version.
//
// Sources: Debian 12 package lists (packages.debian.org/bookworm, `dpkg -L` of the installed
// packages); RPC versions and aliases read in the installed nova 26.2.2 (nova/compute/rpcapi.py
// VERSION_ALIASES, nova/compute/manager.py `target`, nova/conductor and nova/scheduler managers); the
// schema heads are the newest alembic revisions shipped in nova/db/{main,api}/migrations/versions.

import type { ProjectName, ReleaseDef, RoleDef, RpcLinkDef, ServiceDef } from '../types.js';

/** The code packages every daemon of a project runs; upgraded with any of them. */
const CODE: Partial<Record<ProjectName, readonly string[]>> = {
  keystone: ['python3-keystone'],
  placement: ['python3-placement'],
  glance: ['glance-common', 'python3-glance'],
  nova: ['nova-common', 'python3-nova'],
  neutron: ['neutron-common', 'python3-neutron'],
  cinder: ['cinder-common', 'python3-cinder'],
  horizon: ['python3-django-horizon'],
};

function svc(
  name: string,
  project: ProjectName,
  opts: { dbAccess: boolean; api?: ServiceDef['api']; computeSide?: true; pkg?: string; unit?: string },
): ServiceDef {
  return {
    name,
    project,
    packages: { debian: [opts.pkg ?? name, ...(CODE[project] ?? [])] },
    units: { debian: [opts.unit ?? name] },
    dbAccess: opts.dbAccess,
    ...(opts.api === undefined ? {} : { api: opts.api }),
    ...(opts.computeSide ? { computeSide: true } : {}),
  };
}

/**
 * Nova's controller services in the order the nova upgrade guide restarts them: conductor first (it
 * is the computes' way to the database and must understand every compute it serves), the API last
 * (it accepts the requests that would reach not yet upgraded services), NOVA-UPG "Rolling upgrade
 * process".
 */
export const ZED_NOVA_CONTROLLER_SERVICES = [
  'nova-conductor',
  'nova-scheduler',
  'nova-novncproxy',
  'nova-api',
] as const;

export const ZED_NOVA_SERVICES = [...ZED_NOVA_CONTROLLER_SERVICES, 'nova-compute'] as const;

const NEUTRON_AGENTS = [
  'neutron-dhcp-agent',
  'neutron-l3-agent',
  'neutron-metadata-agent',
  'neutron-openvswitch-agent',
] as const;

export const ZED_NEUTRON_SERVICES = ['neutron-server', ...NEUTRON_AGENTS] as const;

const SERVICES: readonly ServiceDef[] = [
  // Debian runs keystone under uwsgi from the `keystone` package, unit `keystone`.
  svc('keystone', 'keystone', { dbAccess: true, api: 'identity-api' }),
  svc('placement-api', 'placement', { dbAccess: true, api: 'placement-api' }),
  svc('glance-api', 'glance', { dbAccess: true, api: 'image-api' }),
  svc('nova-conductor', 'nova', { dbAccess: true }),
  svc('nova-scheduler', 'nova', { dbAccess: true }),
  svc('nova-novncproxy', 'nova', { dbAccess: false }),
  svc('nova-api', 'nova', { dbAccess: true, api: 'compute-api' }),
  // nova-compute-kvm pulls the hypervisor; the daemon's own package is nova-compute.
  svc('nova-compute', 'nova', { dbAccess: false, computeSide: true }),
  svc('neutron-server', 'neutron', {
    dbAccess: true,
    api: 'network-api',
    pkg: 'neutron-api',
    unit: 'neutron-api',
  }),
  svc('neutron-dhcp-agent', 'neutron', { dbAccess: false }),
  svc('neutron-l3-agent', 'neutron', { dbAccess: false }),
  svc('neutron-metadata-agent', 'neutron', { dbAccess: false }),
  svc('neutron-openvswitch-agent', 'neutron', { dbAccess: false }),
  svc('cinder-api', 'cinder', { dbAccess: true, api: 'volume-api' }),
  svc('cinder-scheduler', 'cinder', { dbAccess: true }),
  svc('cinder-volume', 'cinder', { dbAccess: true }),
  svc('horizon', 'horizon', {
    dbAccess: false,
    api: 'dashboard',
    pkg: 'openstack-dashboard',
    unit: 'apache2',
  }),
];

const ROLES: readonly RoleDef[] = [
  {
    role: 'controller',
    services: {
      default: [
        'keystone',
        'placement-api',
        'glance-api',
        ...ZED_NOVA_CONTROLLER_SERVICES,
        'neutron-server',
        'cinder-api',
        'cinder-scheduler',
        'horizon',
      ],
    },
  },
  { role: 'network', services: { default: NEUTRON_AGENTS } },
  { role: 'compute', services: { default: ['nova-compute', 'neutron-openvswitch-agent'] } },
  { role: 'storage', services: { default: ['cinder-volume'] } },
  { role: 'dashboard', services: { default: ['horizon'] } },
  { role: 'database', services: { default: [] } },
  { role: 'messaging', services: { default: [] } },
];

const LINKS: readonly RpcLinkDef[] = [
  {
    topic: 'compute',
    clients: ['nova-api', 'nova-scheduler', 'nova-conductor'],
    servers: ['nova-compute'],
    scope: 'env',
    reason:
      'Instance actions cast by the API and the conductor; capped by `[upgrade_levels] compute` (NOVA-UPG).',
  },
  {
    topic: 'compute',
    clients: ['nova-compute'],
    servers: ['nova-compute'],
    scope: 'migration',
    reason: 'Live migration and resize: source and destination computes call each other.',
  },
  {
    topic: 'conductor',
    clients: ['nova-compute'],
    servers: ['nova-conductor'],
    scope: 'env',
    required: true,
    reason: 'Computes reach the database only through nova-conductor (NOVA-UPG: "conductor first").',
  },
  {
    topic: 'scheduler',
    clients: ['nova-conductor'],
    servers: ['nova-scheduler'],
    scope: 'env',
    reason: 'The conductor asks the scheduler for hosts (select_destinations).',
  },
];

export const ZED: ReleaseDef = {
  name: 'zed',
  version: '2022.2',
  projectVersions: {
    keystone: '22',
    placement: '8',
    glance: '25',
    nova: '26',
    neutron: '21',
    cinder: '21',
    horizon: '23',
  },
  services: SERVICES,
  roles: ROLES,
  // The monolithic OVS plug-in went in Juno and nova-network in Rocky: ML2 only.
  networking: ['neutron-ml2'],
  // Newest alembic revisions in Debian's Zed packages (keystone: its expand branch's head). Glance,
  // neutron and cinder heads are placeholders the twin tracks; the pack has no version command for
  // them, so no real host is ever checked against these.
  schemaHeads: {
    nova: 'ccb0fa1a2252',
    keystone: '29e87d24a316',
    placement: '422ece571366',
    glance: 'zed',
    neutron: 'zed',
    cinder: 'zed',
  },
  configDirs: {
    keystone: { default: ['/etc/keystone'] },
    placement: { default: ['/etc/placement'] },
    glance: { default: ['/etc/glance'] },
    nova: { default: ['/etc/nova'] },
    neutron: { default: ['/etc/neutron'] },
    cinder: { default: ['/etc/cinder'] },
    horizon: { default: ['/etc/openstack-dashboard'] },
  },
  databases: {
    keystone: 'keystone',
    placement: 'placement',
    glance: 'glance',
    nova: 'nova',
    neutron: 'neutron',
    cinder: 'cinder',
  },
  extraDatabases: { nova: ['nova_api', 'nova_cell0'] },
  rpc: {
    topics: {
      compute: {
        // nova 26: ComputeManager target 6.1 plus _ComputeV5Proxy 5.13 for older clients.
        serves: [{ max: '5.13' }, { max: '6.1' }],
        sends: '6.1',
        aliases: {
          rocky: '5.0',
          stein: '5.1',
          train: '5.3',
          ussuri: '5.11',
          victoria: '5.12',
          wallaby: '6.0',
          xena: '6.0',
          yoga: '6.0',
          zed: '6.1',
        },
        reason: 'nova 26.2.2 nova/compute/rpcapi.py VERSION_ALIASES and nova/compute/manager.py targets.',
      },
      conductor: {
        serves: [{ max: '3.0' }],
        sends: '3.0',
        aliases: { liberty: '3.0', mitaka: '3.0', newton: '3.0', ocata: '3.0' },
        reason: 'nova 26.2.2 nova/conductor/manager.py target 3.0; its alias table stops at ocata.',
      },
      scheduler: {
        serves: [{ max: '4.5' }],
        sends: '4.5',
        aliases: { pike: '4.4' },
        reason: 'nova 26.2.2 nova/scheduler/manager.py target 4.5.',
      },
    },
    links: LINKS,
    events: [],
    dataPlane: ['neutron-openvswitch-agent'],
  },
};
