// Service and role definitions shared by the 2013–2014 releases (Havana 2013.2, Icehouse 2014.1).
// Both releases ship the same daemons under the same package and init names on Ubuntu (Cloud
// Archive / 14.04 archive) and RDO, so havana.ts and icehouse.ts only add what differs (schema
// heads, version). A later release whose packaging changes gets its own list instead of patching this.
//
// Sources (ids from reference/openstack-upgrade-facts.md):
//   init names — OPS controller/network/compute procedures (facts §1.4);
//   heat packages — IG-IH apt/yum install pages;
//   ceilometer binaries — CE@2014.1 setup.cfg; Ubuntu unit names are ASSUMED equal to the binary
//   names, and the RDO names come from a pastebin rpm listing (weak, facts §9).

import type {
  ConfigEditDef,
  Networking,
  ProjectName,
  ReleaseDef,
  RoleDef,
  RpcLinkDef,
  ServiceDef,
  ServiceName,
} from '../types.js';

/** Library and shared-config packages of a project, replaced along with any of its daemons. */
const COMMON = {
  keystone: { ubuntu: ['python-keystone'], rhel: ['python-keystone'] },
  glance: { ubuntu: ['glance-common', 'python-glance'], rhel: ['python-glance'] },
  nova: { ubuntu: ['nova-common', 'python-nova'], rhel: ['openstack-nova-common', 'python-nova'] },
  neutron: { ubuntu: ['neutron-common', 'python-neutron'], rhel: ['python-neutron'] },
  cinder: { ubuntu: ['cinder-common', 'python-cinder'], rhel: ['python-cinder'] },
  heat: { ubuntu: ['heat-common', 'python-heat'], rhel: ['openstack-heat-common'] },
  ceilometer: {
    ubuntu: ['ceilometer-common', 'python-ceilometer'],
    rhel: ['openstack-ceilometer-common', 'python-ceilometer'],
  },
} as const satisfies Partial<Record<ProjectName, { ubuntu: readonly string[]; rhel: readonly string[] }>>;

type CommonProject = keyof typeof COMMON;

interface SvcSpec {
  name: string;
  project: CommonProject;
  /** Package that carries the daemon, per family (the project's common packages are appended). */
  pkg: { ubuntu: readonly string[]; rhel: readonly string[] };
  unit: { ubuntu: string; rhel: string };
  dbAccess: boolean;
  api?: ServiceDef['api'];
  computeSide?: true;
}

function svc(s: SvcSpec): ServiceDef {
  const common = COMMON[s.project];
  return {
    name: s.name,
    project: s.project,
    packages: { ubuntu: [...s.pkg.ubuntu, ...common.ubuntu], rhel: [...s.pkg.rhel, ...common.rhel] },
    units: { ubuntu: [s.unit.ubuntu], rhel: [s.unit.rhel] },
    dbAccess: s.dbAccess,
    ...(s.api === undefined ? {} : { api: s.api }),
    ...(s.computeSide ? { computeSide: true } : {}),
  };
}

/** Same package and unit name on Ubuntu, `openstack-<name>` on RDO: the common case for nova/cinder/heat. */
function rdoPrefixed(name: string): Pick<SvcSpec, 'pkg' | 'unit'> {
  return {
    pkg: { ubuntu: [name], rhel: [`openstack-${name}`] },
    unit: { ubuntu: name, rhel: `openstack-${name}` },
  };
}

export const NOVA_CONTROLLER_SERVICES = [
  'nova-api',
  'nova-scheduler',
  'nova-conductor',
  'nova-cert',
  'nova-consoleauth',
  'nova-novncproxy',
] as const;

export const NOVA_SERVICES = [...NOVA_CONTROLLER_SERVICES, 'nova-compute', 'nova-network'] as const;

export const NEUTRON_AGENTS = [
  'neutron-dhcp-agent',
  'neutron-l3-agent',
  'neutron-metadata-agent',
  'neutron-openvswitch-agent',
] as const;

export const NEUTRON_SERVICES = ['neutron-server', ...NEUTRON_AGENTS] as const;

export const NEUTRON_MODES: readonly Networking[] = ['neutron-ovs', 'neutron-ml2'];

/** In the order a reviewer reads them; `servicesForRoles` returns services in this order. */
export const SERVICES_2013: readonly ServiceDef[] = [
  svc({
    name: 'keystone',
    project: 'keystone',
    ...rdoPrefixed('keystone'),
    dbAccess: true,
    api: 'identity-api',
  }),
  svc({
    name: 'glance-api',
    project: 'glance',
    // RDO ships both glance daemons in one package (openstack-glance).
    pkg: { ubuntu: ['glance-api'], rhel: ['openstack-glance'] },
    unit: { ubuntu: 'glance-api', rhel: 'openstack-glance-api' },
    dbAccess: true,
    api: 'image-api',
  }),
  svc({
    name: 'glance-registry',
    project: 'glance',
    pkg: { ubuntu: ['glance-registry'], rhel: ['openstack-glance'] },
    unit: { ubuntu: 'glance-registry', rhel: 'openstack-glance-registry' },
    dbAccess: true,
  }),
  svc({ name: 'nova-api', project: 'nova', ...rdoPrefixed('nova-api'), dbAccess: true, api: 'compute-api' }),
  svc({ name: 'nova-scheduler', project: 'nova', ...rdoPrefixed('nova-scheduler'), dbAccess: true }),
  svc({ name: 'nova-conductor', project: 'nova', ...rdoPrefixed('nova-conductor'), dbAccess: true }),
  svc({ name: 'nova-cert', project: 'nova', ...rdoPrefixed('nova-cert'), dbAccess: true }),
  svc({
    name: 'nova-consoleauth',
    project: 'nova',
    // RDO packages nova-consoleauth in openstack-nova-console (with nova-console and xvpvncproxy).
    pkg: { ubuntu: ['nova-consoleauth'], rhel: ['openstack-nova-console'] },
    unit: { ubuntu: 'nova-consoleauth', rhel: 'openstack-nova-consoleauth' },
    dbAccess: true,
  }),
  // Proxies VNC connections after asking consoleauth; never opens the DB.
  svc({ name: 'nova-novncproxy', project: 'nova', ...rdoPrefixed('nova-novncproxy'), dbAccess: false }),
  // Reaches the DB only through nova-conductor ([conductor] use_local = False, NOVA@2014.1, facts §3.3):
  // this is what lets it keep running on Havana while the Nova schema moves to Icehouse.
  svc({
    name: 'nova-compute',
    project: 'nova',
    ...rdoPrefixed('nova-compute'),
    dbAccess: false,
    computeSide: true,
  }),
  // ASSUMPTION: multi-host nova-network on the computes is treated like nova-compute (DB through
  // conductor). No source in the facts file confirms nova-network's DB path in Havana.
  svc({
    name: 'nova-network',
    project: 'nova',
    ...rdoPrefixed('nova-network'),
    dbAccess: false,
    computeSide: true,
  }),
  svc({
    name: 'neutron-server',
    project: 'neutron',
    pkg: { ubuntu: ['neutron-server'], rhel: ['openstack-neutron'] },
    unit: { ubuntu: 'neutron-server', rhel: 'neutron-server' },
    dbAccess: true,
    api: 'network-api',
  }),
  // NE-UPG: only neutron-server touches the DB; agents talk to it over RPC.
  svc({
    name: 'neutron-dhcp-agent',
    project: 'neutron',
    pkg: { ubuntu: ['neutron-dhcp-agent'], rhel: ['openstack-neutron'] },
    unit: { ubuntu: 'neutron-dhcp-agent', rhel: 'neutron-dhcp-agent' },
    dbAccess: false,
  }),
  svc({
    name: 'neutron-l3-agent',
    project: 'neutron',
    pkg: { ubuntu: ['neutron-l3-agent'], rhel: ['openstack-neutron'] },
    unit: { ubuntu: 'neutron-l3-agent', rhel: 'neutron-l3-agent' },
    dbAccess: false,
  }),
  svc({
    name: 'neutron-metadata-agent',
    project: 'neutron',
    pkg: { ubuntu: ['neutron-metadata-agent'], rhel: ['openstack-neutron'] },
    unit: { ubuntu: 'neutron-metadata-agent', rhel: 'neutron-metadata-agent' },
    dbAccess: false,
  }),
  svc({
    name: 'neutron-openvswitch-agent',
    project: 'neutron',
    // The Ubuntu package and init script keep the old "plugin" name (OPS network-node procedure).
    pkg: {
      ubuntu: ['neutron-plugin-openvswitch-agent'],
      rhel: ['openstack-neutron-openvswitch', 'openstack-neutron'],
    },
    unit: { ubuntu: 'neutron-plugin-openvswitch-agent', rhel: 'neutron-openvswitch-agent' },
    dbAccess: false,
  }),
  svc({
    name: 'cinder-api',
    project: 'cinder',
    pkg: { ubuntu: ['cinder-api'], rhel: ['openstack-cinder'] },
    unit: { ubuntu: 'cinder-api', rhel: 'openstack-cinder-api' },
    dbAccess: true,
    api: 'volume-api',
  }),
  svc({
    name: 'cinder-scheduler',
    project: 'cinder',
    pkg: { ubuntu: ['cinder-scheduler'], rhel: ['openstack-cinder'] },
    unit: { ubuntu: 'cinder-scheduler', rhel: 'openstack-cinder-scheduler' },
    dbAccess: true,
  }),
  svc({
    name: 'cinder-volume',
    project: 'cinder',
    pkg: { ubuntu: ['cinder-volume'], rhel: ['openstack-cinder'] },
    unit: { ubuntu: 'cinder-volume', rhel: 'openstack-cinder-volume' },
    dbAccess: true,
  }),
  {
    name: 'horizon',
    project: 'horizon',
    packages: { default: ['openstack-dashboard', 'python-django-horizon'] },
    // Horizon runs inside the web server (OPS dashboard step: restart apache2 / httpd).
    units: { ubuntu: ['apache2'], rhel: ['httpd'] },
    dbAccess: false,
    api: 'dashboard',
  },
  svc({
    name: 'heat-api',
    project: 'heat',
    ...rdoPrefixed('heat-api'),
    dbAccess: true,
    api: 'orchestration-api',
  }),
  svc({ name: 'heat-api-cfn', project: 'heat', ...rdoPrefixed('heat-api-cfn'), dbAccess: true }),
  svc({ name: 'heat-engine', project: 'heat', ...rdoPrefixed('heat-engine'), dbAccess: true }),
  svc({
    name: 'ceilometer-api',
    project: 'ceilometer',
    ...rdoPrefixed('ceilometer-api'),
    dbAccess: true,
    api: 'telemetry-api',
  }),
  svc({
    name: 'ceilometer-collector',
    project: 'ceilometer',
    ...rdoPrefixed('ceilometer-collector'),
    dbAccess: true,
  }),
  // RDO drops the "agent-" prefix (openstack-ceilometer-central/-notification/-compute): weak source.
  svc({
    name: 'ceilometer-agent-central',
    project: 'ceilometer',
    pkg: { ubuntu: ['ceilometer-agent-central'], rhel: ['openstack-ceilometer-central'] },
    unit: { ubuntu: 'ceilometer-agent-central', rhel: 'openstack-ceilometer-central' },
    dbAccess: false,
  }),
  svc({
    name: 'ceilometer-agent-notification',
    project: 'ceilometer',
    pkg: { ubuntu: ['ceilometer-agent-notification'], rhel: ['openstack-ceilometer-notification'] },
    unit: { ubuntu: 'ceilometer-agent-notification', rhel: 'openstack-ceilometer-notification' },
    dbAccess: false,
  }),
  svc({
    name: 'ceilometer-agent-compute',
    project: 'ceilometer',
    pkg: { ubuntu: ['ceilometer-agent-compute'], rhel: ['openstack-ceilometer-compute'] },
    unit: { ubuntu: 'ceilometer-agent-compute', rhel: 'openstack-ceilometer-compute' },
    dbAccess: false,
  }),
  // RDO ships both alarm daemons in one package, openstack-ceilometer-alarm (weak source).
  svc({
    name: 'ceilometer-alarm-evaluator',
    project: 'ceilometer',
    pkg: { ubuntu: ['ceilometer-alarm-evaluator'], rhel: ['openstack-ceilometer-alarm'] },
    unit: { ubuntu: 'ceilometer-alarm-evaluator', rhel: 'openstack-ceilometer-alarm-evaluator' },
    dbAccess: false,
  }),
  svc({
    name: 'ceilometer-alarm-notifier',
    project: 'ceilometer',
    pkg: { ubuntu: ['ceilometer-alarm-notifier'], rhel: ['openstack-ceilometer-alarm'] },
    unit: { ubuntu: 'ceilometer-alarm-notifier', rhel: 'openstack-ceilometer-alarm-notifier' },
    dbAccess: false,
  }),
];

const CONTROLLER_BASE = [
  'keystone',
  'glance-api',
  'glance-registry',
  ...NOVA_CONTROLLER_SERVICES,
  'cinder-api',
  'cinder-scheduler',
  'heat-api',
  'heat-api-cfn',
  'heat-engine',
  'horizon',
] as const;

/**
 * What each role implies. Ceilometer is deliberately absent: deployments place its agents too
 * differently to guess, so operators add it with a host's `services:` override.
 */
export const ROLES_2013: readonly RoleDef[] = [
  {
    role: 'controller',
    services: {
      default: [...CONTROLLER_BASE, 'neutron-server'],
      'nova-network': CONTROLLER_BASE,
    },
  },
  {
    role: 'network',
    services: { default: NEUTRON_AGENTS, 'nova-network': ['nova-network'] },
  },
  {
    role: 'compute',
    // nova-network mode assumes multi-host: every compute runs its own nova-network.
    services: {
      default: ['nova-compute', 'neutron-openvswitch-agent'],
      'nova-network': ['nova-compute', 'nova-network'],
    },
  },
  { role: 'storage', services: { default: ['cinder-volume'] } },
  { role: 'dashboard', services: { default: ['horizon'] } },
  { role: 'database', services: { default: [] } },
  { role: 'messaging', services: { default: [] } },
];

/** Backed up before anything changes (OPS backup loop, plus heat and ceilometer as in OPS-NOW). */
export const CONFIG_DIRS_2013: ReleaseDef['configDirs'] = {
  keystone: { default: ['/etc/keystone'] },
  glance: { default: ['/etc/glance'] },
  nova: { default: ['/etc/nova'] },
  neutron: { default: ['/etc/neutron'] },
  cinder: { default: ['/etc/cinder'] },
  heat: { default: ['/etc/heat'] },
  ceilometer: { default: ['/etc/ceilometer'] },
  horizon: { default: ['/etc/openstack-dashboard'] },
};

/**
 * Database names as the install guides create them. RDO packstack deployments of the OVS plugin may
 * name the neutron database `ovs_neutron`; see the RDO distro notes.
 */
export const DATABASES_2013: ReleaseDef['databases'] = {
  keystone: 'keystone',
  glance: 'glance',
  nova: 'nova',
  neutron: 'neutron',
  cinder: 'cinder',
  heat: 'heat',
  ceilometer: 'ceilometer',
};

/** Where each project's main config file lives, for config edits (same path on both families). */
export const CONF = {
  keystone: '/etc/keystone/keystone.conf',
  glanceApi: '/etc/glance/glance-api.conf',
  glanceRegistry: '/etc/glance/glance-registry.conf',
  glancePolicy: '/etc/glance/policy.json',
  nova: '/etc/nova/nova.conf',
  novaApiPaste: '/etc/nova/api-paste.ini',
  novaPolicy: '/etc/nova/policy.json',
  neutron: '/etc/neutron/neutron.conf',
  ovsIni: '/etc/neutron/plugins/openvswitch/ovs_neutron_plugin.ini',
  ml2Ini: '/etc/neutron/plugins/ml2/ml2_conf.ini',
  pluginIni: '/etc/neutron/plugin.ini',
  horizon: {
    ubuntu: '/etc/openstack-dashboard/local_settings.py',
    rhel: '/etc/openstack-dashboard/local_settings',
  },
} as const satisfies Record<string, string | ConfigEditDef['file']>;

// ---------------------------------------------------------------------------------------------------
// Who talks to whom over Nova RPC (the same in Havana and Icehouse; the versions are per release).
// Sources: facts §3 (NOVA@2013.2.x, NOVA@2014.1); where the facts file is silent the reason says
// INFERENCE. The twin checks every pair of a link when both ends run (facts §3.2 dispatch rule).

export const NOVA_RPC_LINKS_2013: readonly RpcLinkDef[] = [
  {
    topic: 'compute',
    clients: ['nova-api', 'nova-scheduler', 'nova-conductor'],
    servers: ['nova-compute'],
    scope: 'env',
    reason:
      'The API casts instance actions to the compute, the scheduler (Havana run_instance) and the conductor ' +
      '(build, live-migrate checks) call it: this is the traffic `[upgrade_levels] compute` caps (facts §3.2: ' +
      '"Without any pin, Icehouse controllers send 3.x messages up to 3.23"). INFERENCE: which controller ' +
      'daemons send is read from the rpcapi users, not from a source in the facts file.',
  },
  {
    topic: 'compute',
    clients: ['nova-compute'],
    servers: ['nova-compute'],
    scope: 'migration',
    reason:
      'Live migration and resize: source and destination computes call each other (stable/havana 2c63cae921 ' +
      '"Allow resizes and migrates during live upgrade"; RH5/RDOWIKI pin the computes for it, facts §3.4).',
  },
  {
    topic: 'conductor',
    clients: ['nova-compute', 'nova-network'],
    servers: ['nova-conductor'],
    scope: 'env',
    required: true,
    reason:
      'Computes reach the database only through nova-conductor ([conductor] use_local = False, facts §3.3); ' +
      'an Icehouse compute targets conductor 2.0 only, which a Havana conductor (≤ 1.58) cannot serve. ' +
      'nova-network on computes is ASSUMED to behave the same (see its ServiceDef).',
  },
  {
    topic: 'scheduler',
    clients: ['nova-api', 'nova-conductor'],
    servers: ['nova-scheduler'],
    scope: 'env',
    reason:
      'The conductor (and the API in older paths) asks the scheduler for hosts; Icehouse serves 2.9 and 3.0 ' +
      '(_SchedulerManagerV3Proxy, facts §3.3). INFERENCE for the list of clients.',
  },
  {
    topic: 'network',
    clients: ['nova-api'],
    servers: ['nova-network'],
    scope: 'env',
    reason:
      'nova-network mode: the API calls nova-network (floating IPs, networks); capped by `[upgrade_levels] ' +
      'network` (facts §3.1). INFERENCE for the list of clients.',
  },
  {
    topic: 'network',
    clients: ['nova-compute'],
    servers: ['nova-network'],
    scope: 'host',
    reason:
      "Multi-host nova-network: a compute allocates its instances' networks from its own nova-network. " +
      'INFERENCE from the multi-host design; not in the facts file.',
  },
];

/**
 * Restarting or stopping these interrupts the networking of the instances on the host: the OVS agent
 * resets its flows when it starts, nova-network rebuilds bridges, iptables and dnsmasq (OPS warns of
 * "intermittent instance network interruptions" while agents rebuild the networking, facts §4).
 */
export const DATA_PLANE_2013: readonly ServiceName[] = ['neutron-openvswitch-agent', 'nova-network'];
