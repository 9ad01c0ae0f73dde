// Zed → Zed: a point-release update (Debian 12's bookworm → bookworm-security packages, e.g. nova
// 2:26.2.2-1~deb12u4 → ~deb12u5), with the same scenarios as a release upgrade. The code changes, the
// RPC interfaces and schema do not; the steps are the ones the nova upgrade guide gives for any
// rolling upgrade (NOVA-UPG), so the mixed window is as safe as the docs make it:
//   - pin the compute RPC to the release alias on every Nova service before the first restart and
//     remove the pin at the end ("Rolling upgrade process", step 1 and the final SIGHUP/restart);
//   - run the db syncs (they are no-ops between point releases unless a backport adds a migration);
//   - conductor first, API last among the controllers; computes after them.

import { ZED, ZED_NOVA_SERVICES } from '../releases/zed.js';
import type { DbSyncDef, ProjectName, UpgradePack } from '../types.js';

/**
 * One project's sync within Zed: the head before and after is the release's own (`ZED.schemaHeads`),
 * since a point release changes no schema unless a backport adds a migration. Glance, neutron and
 * cinder are not in the lab, so their version commands are not catalogued yet: no schema check is
 * planned for them.
 */
function pointSync(
  project: ProjectName,
  commands: readonly string[],
  o: { asUser: string; fixed_s: number; versionCommand?: string; down?: string },
): DbSyncDef {
  const head = ZED.schemaHeads[project] ?? '';
  return {
    project,
    commands,
    asUser: o.asUser,
    versionCommand: o.versionCommand ?? '',
    fromHead: head,
    toHead: head,
    heavy: [],
    fixed_s: o.fixed_s,
    downWhileRunning: o.down ?? 'nothing between point releases',
  };
}

const DB_SYNC: readonly DbSyncDef[] = [
  // keystone 22 has alembic expand and contract branches; db_version prints the expand head
  // (keystone/common/sql/upgrades.py get_db_version).
  pointSync('keystone', ['keystone-manage db_sync'], {
    asUser: 'keystone',
    fixed_s: 20,
    versionCommand: 'keystone-manage db_version',
    down: 'nothing between point releases (expand-only, KS-UPG)',
  }),
  pointSync('placement', ['placement-manage db sync'], {
    asUser: 'placement',
    fixed_s: 10,
    versionCommand: 'placement-manage db version',
  }),
  pointSync('glance', ['glance-manage db_sync'], { asUser: 'glance', fixed_s: 15 }),
  // The API database first: the cell databases' sync reads the cell mappings from it (NOVA-UPG).
  pointSync('nova', ['nova-manage api_db sync', 'nova-manage db sync'], {
    asUser: 'nova',
    fixed_s: 25,
    versionCommand: 'nova-manage db version',
    down: 'nothing between point releases (no schema change)',
  }),
  pointSync('neutron', ['neutron-db-manage upgrade heads'], { asUser: 'neutron', fixed_s: 20 }),
  pointSync('cinder', ['cinder-manage db sync'], { asUser: 'cinder', fixed_s: 15 }),
];

export const ZED_POINT_RELEASE: UpgradePack = {
  from: 'zed',
  to: 'zed',
  kind: 'point-release',
  fullUpgrade: false,
  unsupported: {
    'parallel-compute':
      'a second Nova beside the first needs its own message-queue vhost, API and cell databases and region ' +
      'for the length of the move; this pack does not configure them, and a point release does not need them',
  },
  title: 'OpenStack Zed point-release update (Debian 12: bookworm → bookworm-security/-updates packages)',
  order: [
    { project: 'keystone', reason: 'First: every other service authenticates through it (KS-UPG).' },
    { project: 'placement', reason: 'Before nova: nova-scheduler and nova-compute call it (NOVA-UPG).' },
    { project: 'glance', reason: 'Needs only keystone; nova boots read images from it.' },
    { project: 'cinder', reason: 'Independent of nova and neutron at the API level.' },
    {
      project: 'nova',
      reason:
        'Controllers with conductor first and the API last, then the computes, under the compute RPC pin ' +
        '(NOVA-UPG "Rolling upgrade process").',
    },
    { project: 'neutron', reason: 'Server before the agents (NE-UPG); no event API changes within Zed.' },
  ],
  neutronAfterNovaControllers: false,
  mixedVersion: ['nova'],
  preSync: [],
  dbSync: DB_SYNC,
  configEdits: [],
  pins: [
    {
      service: 'compute',
      level: 'zed',
      aliases: { yoga: '6.0', zed: '6.1' },
      hosts: ZED_NOVA_SERVICES,
      reason:
        'NOVA-UPG step 1: cap the compute RPC before old and new code mix, on every Nova service. The release ' +
        'alias is explicit where `auto` would need the service records of every compute; both name 6.1 here.',
    },
  ],
  liveMinimum: [],
  finalRestart: [],
  warnings: [
    {
      id: 'online-data-migrations',
      text:
        'Once every Nova service runs the new code, run `nova-manage db online_data_migrations` until it ' +
        'reports nothing left to migrate (NOVA-UPG "After maintenance window"). stackhop does not run it.',
    },
    {
      id: 'no-db-downgrade',
      text:
        'Database downgrades are not supported: a rollback restores the dumps taken before the run, the /etc ' +
        'backups and the recorded package versions.',
    },
    {
      id: 'review-new-config-files',
      text:
        'After each package upgrade, review the *.dpkg-dist files the package manager left beside the kept ' +
        'configs; a point release rarely changes them.',
    },
  ],
  parallelEnvironment: [],
  parallelNeutron: [],
  sources: {
    'NOVA-UPG':
      'openstack/nova doc/source/admin/upgrades.rst (stable/zed), "Rolling upgrade process"; published at ' +
      'docs.openstack.org/nova/zed/admin/upgrades.html',
    'KS-UPG': 'openstack/keystone doc/source/admin/upgrading.rst (stable/zed)',
    'NE-UPG': 'openstack/neutron doc/source/contributor/internals/upgrade.rst',
    DEBIAN: 'packages.debian.org/bookworm and bookworm-security: nova, keystone, placement',
  },
};
