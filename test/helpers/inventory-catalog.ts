// A small catalog for inventory tests: three releases (havana, icehouse, juno), one pack (havana → icehouse)
// and the role table the loader resolves services through. Just enough data; not the real catalog.

import type {
  Catalog,
  DistroId,
  DistroProfile,
  DurationDefaults,
  ProjectName,
  ReleaseDef,
  RoleDef,
  ServiceDef,
  UpgradePack,
} from '../../src/catalog/types.js';

const SERVICES: readonly [string, ProjectName][] = [
  ['keystone', 'keystone'],
  ['glance-api', 'glance'],
  ['glance-registry', 'glance'],
  ['nova-api', 'nova'],
  ['nova-scheduler', 'nova'],
  ['nova-conductor', 'nova'],
  ['nova-cert', 'nova'],
  ['nova-consoleauth', 'nova'],
  ['nova-novncproxy', 'nova'],
  ['nova-compute', 'nova'],
  ['nova-network', 'nova'],
  ['nova-api-metadata', 'nova'],
  ['neutron-server', 'neutron'],
  ['neutron-dhcp-agent', 'neutron'],
  ['neutron-l3-agent', 'neutron'],
  ['neutron-metadata-agent', 'neutron'],
  ['neutron-openvswitch-agent', 'neutron'],
  ['cinder-api', 'cinder'],
  ['cinder-scheduler', 'cinder'],
  ['cinder-volume', 'cinder'],
  ['horizon', 'horizon'],
  ['heat-api', 'heat'],
  ['heat-api-cfn', 'heat'],
  ['heat-engine', 'heat'],
];

function service([name, project]: readonly [string, ProjectName]): ServiceDef {
  return { name, project, packages: { default: [name] }, units: { default: [name] }, dbAccess: true };
}

const ROLES: readonly RoleDef[] = [
  {
    role: 'controller',
    services: {
      default: [
        'keystone',
        'glance-api',
        'glance-registry',
        'nova-api',
        'nova-scheduler',
        'nova-conductor',
        'neutron-server',
        'cinder-api',
        'cinder-scheduler',
        'heat-api',
        'heat-engine',
        'horizon',
      ],
      'nova-network': [
        'keystone',
        'glance-api',
        'glance-registry',
        'nova-api',
        'nova-scheduler',
        'nova-conductor',
        'cinder-api',
        'cinder-scheduler',
        'heat-api',
        'heat-engine',
        'horizon',
      ],
    },
  },
  {
    role: 'network',
    services: {
      default: [
        'neutron-dhcp-agent',
        'neutron-l3-agent',
        'neutron-metadata-agent',
        'neutron-openvswitch-agent',
      ],
      'nova-network': [],
    },
  },
  {
    role: 'compute',
    services: {
      default: ['nova-compute', 'neutron-openvswitch-agent'],
      'nova-network': ['nova-compute', 'nova-network', 'nova-api-metadata'],
    },
  },
  { role: 'storage', services: { default: ['cinder-volume'] } },
  { role: 'database', services: { default: [] } },
  { role: 'messaging', services: { default: [] } },
  { role: 'dashboard', services: { default: ['horizon'] } },
];

function release(name: string, version: string): ReleaseDef {
  return {
    name,
    version,
    services: SERVICES.map(service),
    roles: ROLES,
    schemaHeads: {},
    configDirs: {},
    databases: {},
  };
}

function pack(from: string, to: string): UpgradePack {
  return {
    from,
    to,
    title: `${from} → ${to}`,
    order: [],
    neutronAfterNovaControllers: true,
    mixedVersion: ['nova'],
    preSync: [],
    dbSync: [],
    configEdits: [],
    pins: [],
    liveMinimum: [],
    finalRestart: [],
    parallelEnvironment: [],
    parallelNeutron: [],
    warnings: [],
    sources: {},
  };
}

const FIXTURE_RELEASES = ['grizzly', 'havana', 'icehouse', 'juno'];
const NO_SWITCH = { description: 'fixture', remove: [], add: [], refresh: 'true' };

function distro(id: DistroId): DistroProfile {
  const ubuntu = id.startsWith('ubuntu');
  return {
    id,
    family: ubuntu ? 'ubuntu' : 'rhel',
    title: id,
    packageManager: ubuntu ? 'apt' : 'yum',
    initSystem: 'service',
    newConfigSuffix: ubuntu ? '.dpkg-dist' : '.rpmnew',
    // Every fixture release, from an empty switch: these tests are about the inventory, not the repos.
    repositories:
      ubuntu || id.endsWith('rdo') ? Object.fromEntries(FIXTURE_RELEASES.map((r) => [r, NO_SWITCH])) : {},
  };
}

const DURATIONS: DurationDefaults = {
  'backup-config': 5,
  'switch-repository': 30,
  'upgrade-packages': 120,
  'upgrade-packages-full': 300,
  'stop-services': 10,
  'start-services': 15,
  'restart-services': 20,
  'edit-config': 5,
  'set-rpc-pin': 5,
  'clear-rpc-pin': 5,
  'disable-compute': 3,
  'enable-compute': 3,
  'wait-services': 30,
  verify: 30,
  gate: 0,
  'register-endpoint': 30,
  'retarget-compute': 60,
  decommission: 30,
  dump_bytes_per_s: 50_000_000,
  dump_bytes_per_row: 500,
  dump_fixed_s: 10,
  migration_overhead_s: 10,
  redeploy_per_instance_s: 120,
};

export const TEST_CATALOG: Catalog = {
  releases: {
    grizzly: release('grizzly', '2013.1'),
    havana: release('havana', '2013.2'),
    icehouse: release('icehouse', '2014.1'),
    juno: release('juno', '2014.2'),
  },
  packs: [pack('havana', 'icehouse')],
  distros: {
    'ubuntu-12.04-uca': distro('ubuntu-12.04-uca'),
    'ubuntu-14.04': distro('ubuntu-14.04'),
    'rhel-6-rdo': distro('rhel-6-rdo'),
    'centos-6-rdo': distro('centos-6-rdo'),
    'debian-12': distro('debian-12'),
  },
  durations: DURATIONS,
};
