// Havana → Icehouse: everything a plan needs that is specific to this release pair, in one place.
// Every `reason` names its source by the ids of reference/openstack-upgrade-facts.md (listed in
// `sources` at the end). Where we infer or assume rather than quote, the reason says so.
//
// Secrets never appear here: credentials come from the host's own files (`copyFrom`), from Keystone
// (`lookup`), or from placeholders the driver fills at run time ($NEUTRON_DB_URL).

import {
  CONF,
  NEUTRON_MODES,
  NEUTRON_SERVICES,
  NOVA_CONTROLLER_SERVICES,
  NOVA_SERVICES,
} from '../releases/openstack-2013.js';
import type { ConfigEditDef, ConfigEditOp, DbSyncDef, PreSyncDef, RpcPinDef, UpgradePack } from '../types.js';

// ---------------------------------------------------------------------------------------------------
// Pre-sync database fixes (facts §2.2, §1.3)

const GLANCE_UTF8_TABLES = [
  'image_locations',
  'image_members',
  'image_properties',
  'image_tags',
  'images',
  'migrate_version',
] as const;

// OPS lists about 30 tables; these are the ones we can name with confidence. ovs_* exist only where
// the OVS plug-in created them, hence `mysql --force` (keep going past a missing table).
const NEUTRON_UTF8_TABLES = [
  'agents',
  'alembic_version',
  'allowedaddresspairs',
  'dnsnameservers',
  'externalnetworks',
  'extradhcpopts',
  'floatingips',
  'ipallocationpools',
  'ipallocations',
  'ipavailabilityranges',
  'networkdhcpagentbindings',
  'networks',
  'ports',
  'quotas',
  'routerl3agentbindings',
  'routerroutes',
  'routers',
  'securitygroupportbindings',
  'securitygrouprules',
  'securitygroups',
  'servicedefinitions',
  'servicetypes',
  'subnetroutes',
  'subnets',
  'ovs_network_bindings',
  'ovs_tunnel_allocations',
  'ovs_tunnel_endpoints',
  'ovs_vlan_allocations',
  'portbindingports',
] as const;

/**
 * One `mysql` invocation, because `foreign_key_checks` is per session (OPS runs the statements in one
 * session). Credentials come from the environment / ~/.my.cnf of the DB host, never from the catalog.
 */
function utf8Conversion(database: string, tables: readonly string[], force: boolean): string {
  const statements = [
    'SET foreign_key_checks=0',
    ...tables.map((t) => `ALTER TABLE ${database}.${t} CONVERT TO CHARACTER SET 'utf8'`),
    'SET foreign_key_checks=1',
  ];
  return `mysql${force ? ' --force' : ''} -e "${statements.join('; ')};"`;
}

const NEUTRON_DB_MANAGE_OVS =
  'neutron-db-manage --config-file /etc/neutron/neutron.conf ' +
  '--config-file /etc/neutron/plugins/openvswitch/ovs_neutron_plugin.ini';
const NEUTRON_DB_MANAGE_ML2 =
  'neutron-db-manage --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/ml2_conf.ini';

const PRE_SYNC: readonly PreSyncDef[] = [
  {
    project: 'keystone',
    fix: 'token-flush',
    commands: ['keystone-manage token_flush'],
    asUser: 'keystone',
    reason:
      'OPS and RH5 flush expired tokens before db_sync: Havana never purged them (RH5: this "can ' +
      'dramatically increase the time it takes to complete the database schema upgrade"), and keystone ' +
      '035/036 re-index the token table (KS@2014.1). RPCDOCS reports >1M-row token tables.',
    // Assumption: a bulk DELETE of expired rows at ~2,000 rows/s (no source gives timings, facts §9).
    cost: { fixed_s: 10, table: 'keystone.token', s_per_row: 0.0005 },
    // token_flush exists in Havana keystone-manage (KS@2013.2 keystone/cli.py): run it with the old code
    // while keystone still serves, so the outage does not include it.
    online: true,
    empties: 'keystone.token',
  },
  {
    project: 'glance',
    fix: 'utf8-conversion',
    commands: [utf8Conversion('glance', GLANCE_UTF8_TABLES, false)],
    tables: GLANCE_UTF8_TABLES,
    reason:
      'OPS converts the six glance tables to UTF-8 before db_sync; otherwise the Icehouse sync stops ' +
      'with "Tables ... have non utf8 collation" (GL@2014.1 _db_schema_sanity_check, glance bug 1279000).',
    // Assumption: ALTER … CONVERT copies the table at ~10,000 rows/s; images dominate.
    cost: { fixed_s: 15, table: 'glance.images', s_per_row: 0.0001 },
  },
  {
    project: 'neutron',
    fix: 'utf8-conversion',
    commands: [utf8Conversion('neutron', NEUTRON_UTF8_TABLES, true)],
    tables: NEUTRON_UTF8_TABLES,
    networking: NEUTRON_MODES,
    reason:
      'OPS converts about 30 neutron tables to UTF-8 before the Icehouse migration; the list here is ' +
      'the core tables we can name with confidence (a subset of the OPS list).',
    // Assumption: ports is the largest table; ~10,000 rows/s per ALTER … CONVERT.
    cost: { fixed_s: 30, table: 'neutron.ports', s_per_row: 0.0001 },
  },
  {
    project: 'neutron',
    fix: 'ml2-conversion',
    // $NEUTRON_DB_URL: filled by the driver from `[database] connection` in the host's neutron.conf,
    // so the password never enters the catalog, the plan or the journal.
    commands: [
      `${NEUTRON_DB_MANAGE_OVS} stamp havana`,
      `${NEUTRON_DB_MANAGE_ML2} upgrade icehouse`,
      'python -m neutron.db.migration.migrate_to_ml2 openvswitch $NEUTRON_DB_URL',
    ],
    networking: ['neutron-ovs'],
    irreversible: true,
    reason:
      'Icehouse deprecates the monolithic OVS plug-in in favour of ML2; OPS stamps havana, upgrades to ' +
      'icehouse with the ML2 config and runs migrate_to_ml2 (NE@2014.1), which must follow the schema ' +
      'upgrade. OPS: "the conversion script cannot roll back" — only the DB backup undoes it.',
    // Assumption: migrate_to_ml2 copies port and network bindings row by row.
    cost: { fixed_s: 60, table: 'neutron.ports', s_per_row: 0.001 },
  },
];

// ---------------------------------------------------------------------------------------------------
// Database syncs (facts §1.3, §4). Per-row costs are OUR ASSUMPTIONS: no source measures Havana→
// Icehouse syncs (facts §9). They are sized for InnoDB on 2014-era disks: a full-table UPDATE or
// ALTER at ~2,000–10,000 rows/s, a row-by-row Python walk (heat) at a few hundred rows/s.

const DB_SYNC: readonly DbSyncDef[] = [
  {
    project: 'keystone',
    commands: ['keystone-manage db_sync'],
    asUser: 'keystone',
    versionCommand: 'keystone-manage db_version',
    fromHead: '034',
    toHead: '044',
    heavy: [
      {
        table: 'keystone.token',
        migrations: '035/036 create ix_token_expires_valid and drop ix_token_valid on token',
        s_per_row: 0.0002,
      },
    ],
    fixed_s: 30,
    downWhileRunning:
      'identity API: every authenticated call to every service fails (KS-UPG: "no other OpenStack ' +
      'services will be able to authenticate requests")',
    reason: 'OPS/RH5: stop keystone → token_flush → db_sync → start; schema 034 → 044 (KS@2014.1).',
  },
  {
    project: 'glance',
    commands: ['glance-manage db_sync'],
    asUser: 'glance',
    versionCommand: 'glance-manage db_version',
    fromHead: '029',
    toHead: '034',
    heavy: [
      {
        table: 'glance.image_locations',
        migrations:
          '031 de-duplicates image_locations; 033 adds image_locations.status and sets it per image',
        s_per_row: 0.0005,
      },
      { table: 'glance.images', migrations: '034 adds images.virtual_size', s_per_row: 0.0002 },
    ],
    fixed_s: 20,
    downWhileRunning: 'image API: image list, boot from image and snapshot fail (facts §4)',
    reason: 'OPS: stop api and registry → UTF-8 conversion → db_sync → start; schema 029 → 034 (GL@2014.1).',
  },
  {
    project: 'nova',
    commands: ['nova-manage db sync'],
    asUser: 'nova',
    versionCommand: 'nova-manage db version',
    fromHead: '216',
    toHead: '233',
    heavy: [
      {
        table: 'nova.instances',
        migrations:
          '231 adds instances.ephemeral_key_uuid and runs a full-table UPDATE … SET ephemeral_key_uuid=NULL ' +
          '(deleted rows included)',
        s_per_row: 0.0005,
      },
      {
        table: 'nova.shadow_instances',
        migrations: '231 does the same to shadow_instances (archived rows)',
        s_per_row: 0.0005,
      },
      {
        table: 'nova.instance_actions_events',
        migrations: '230 adds host and details to instance_actions_events (and its shadow table)',
        s_per_row: 0.0002,
      },
    ],
    fixed_s: 60,
    downWhileRunning:
      'compute API: nova-api, scheduler, conductor, cert, consoleauth and novncproxy are stopped; ' +
      'running instances keep running (RH5)',
    reason:
      'Run once, from one controller (RH5 upgrade-4); schema 216 → 233 (NOVA@2014.1). ' +
      '`nova-manage db archive_deleted_rows` beforehand does not shorten 231, which also updates shadow rows.',
  },
  {
    project: 'neutron',
    // After the ML2 conversion (neutron-ovs) this is a no-op at head; deployments already on ML2 in
    // Havana (neutron-ml2) migrate here. Both end on ML2, so the ML2 ini is right for every mode.
    commands: [`${NEUTRON_DB_MANAGE_ML2} upgrade icehouse`],
    asUser: 'neutron',
    versionCommand: `${NEUTRON_DB_MANAGE_ML2} current`,
    fromHead: 'havana',
    toHead: 'icehouse',
    heavy: [],
    fixed_s: 60,
    downWhileRunning:
      'network API: no port creation or binding, so no boots; OPS warns of intermittent instance ' +
      'network interruptions while the agents rebuild flows',
    reason:
      "OPS and RH5 database-upgrades.md use neutron-db-manage (RDOWIKI's neutron-manage db_sync does not " +
      'exist, facts §8); the icehouse revision is a no-op marker (NE@2014.1).',
  },
  {
    project: 'cinder',
    commands: ['cinder-manage db sync'],
    asUser: 'cinder',
    versionCommand: 'cinder-manage db version',
    fromHead: '020',
    toHead: '022',
    // 021 (default quota class) and 022 (services.disabled_reason) touch tiny tables.
    heavy: [],
    fixed_s: 20,
    downWhileRunning:
      'volume API: cinder-api, scheduler and volume are stopped; attached volumes stay attached',
    reason: 'OPS: stop api, scheduler and volume → db sync → start; schema 020 → 022 (CI@2014.1).',
  },
  {
    project: 'heat',
    commands: ['heat-manage db_sync'],
    asUser: 'heat',
    versionCommand: 'heat-manage db_version',
    fromHead: '028',
    toHead: '043',
    heavy: [
      {
        table: 'heat.event',
        migrations: '035 event_uuid_to_id adds columns, then walks every event row to renumber ids',
        s_per_row: 0.002,
      },
      {
        table: 'heat.raw_template',
        migrations: '037 and 041 rewrite every raw_template row',
        s_per_row: 0.005,
      },
    ],
    fixed_s: 30,
    downWhileRunning: 'orchestration API and engine: no stack operations; existing resources are untouched',
    reason: 'IG-IH runs `su -s /bin/sh -c "heat-manage db_sync" heat`; schema 028 → 043 (HE@2014.1).',
  },
  {
    project: 'ceilometer',
    commands: ['ceilometer-dbsync'],
    asUser: 'ceilometer',
    // No version command and no head: the sync depends on the storage backend (MongoDB in most
    // Icehouse-era guides, where it only ensures indexes). Empty means "not probed".
    versionCommand: '',
    fromHead: '',
    toHead: '',
    heavy: [],
    fixed_s: 30,
    downWhileRunning:
      'telemetry API and collector; samples emitted meanwhile wait on the message bus (assumption)',
    reason:
      'ceilometer-dbsync is the CE@2014.1 console script; only meaningful for SQL backends (facts §1.3).',
  },
];

// ---------------------------------------------------------------------------------------------------
// Configuration edits (facts §2.1)

const NEUTRON_CONF = { default: CONF.neutron };
const NOVA_CONF = { default: CONF.nova };
const ML2_INSTALLS = { ubuntu: ['neutron-plugin-ml2'], rhel: ['openstack-neutron-ml2'] };

/** Legacy Havana rpc_backend module paths and their Icehouse transport names (OPS, NOVA@2014.1). */
const RPC_BACKEND_MAP = {
  'nova.rpc.impl_kombu': 'rabbit',
  'nova.openstack.common.rpc.impl_kombu': 'rabbit',
  'nova.rpc.impl_qpid': 'qpid',
  'nova.openstack.common.rpc.impl_qpid': 'qpid',
} as const;

const fromNova = (section: string, key: string) => ({ copyFrom: { file: CONF.nova, section, key } }) as const;

/** Icehouse neutron-server's port-event notifications to Nova (option names per NE@2014.1). */
const NOTIFY_NOVA_ON: readonly ConfigEditOp[] = [
  {
    op: 'set',
    section: 'DEFAULT',
    key: 'notify_nova_on_port_status_changes',
    value: { literal: 'True' },
  },
  { op: 'set', section: 'DEFAULT', key: 'notify_nova_on_port_data_changes', value: { literal: 'True' } },
];

/** The credentials neutron-server uses to call Nova: nova's own, read from nova.conf on the same host. */
const NOVA_ADMIN_CREDENTIALS: readonly ConfigEditOp[] = [
  { op: 'set', section: 'DEFAULT', key: 'nova_admin_username', value: { literal: 'nova' } },
  { op: 'set', section: 'DEFAULT', key: 'nova_admin_tenant_id', value: { lookup: 'service-tenant-id' } },
  {
    op: 'set',
    section: 'DEFAULT',
    key: 'nova_admin_password',
    value: fromNova('keystone_authtoken', 'admin_password'),
  },
  { op: 'set', section: 'DEFAULT', key: 'nova_admin_auth_url', value: { lookup: 'keystone-admin-url' } },
];

const fromOvsIni = (section: string, key: string) =>
  ({ copyFrom: { file: CONF.ovsIni, section, key } }) as const;

const CONFIG_EDITS: readonly ConfigEditDef[] = [
  {
    id: 'keystone-database-connection',
    project: 'keystone',
    file: { default: CONF.keystone },
    format: 'ini',
    ops: [{ op: 'move', section: 'sql', key: 'connection', toSection: 'database', toKey: 'connection' }],
    scope: { services: ['keystone'] },
    reason:
      'OPS: add [database] and move connection from [sql]. Icehouse still reads [sql] connection as a ' +
      'deprecated alias (KS@2014.1), so this removes a deprecation rather than fixing a failure.',
  },
  {
    id: 'glance-api-database-connection',
    project: 'glance',
    file: { default: CONF.glanceApi },
    format: 'ini',
    ops: [
      { op: 'move', section: 'DEFAULT', key: 'sql_connection', toSection: 'database', toKey: 'connection' },
    ],
    scope: { services: ['glance-api'] },
    reason: 'OPS: rename [DEFAULT] sql_connection to [database] connection in glance-api.conf.',
  },
  {
    id: 'glance-registry-database-connection',
    project: 'glance',
    file: { default: CONF.glanceRegistry },
    format: 'ini',
    ops: [
      { op: 'move', section: 'DEFAULT', key: 'sql_connection', toSection: 'database', toKey: 'connection' },
    ],
    scope: { services: ['glance-registry'] },
    reason: 'OPS: rename [DEFAULT] sql_connection to [database] connection in glance-registry.conf.',
  },
  {
    id: 'glance-api-rpc-rabbit',
    project: 'glance',
    file: { default: CONF.glanceApi },
    format: 'ini',
    // The transport name is OPS's literal per family: nova.conf still holds the Havana module path
    // (or nothing, relying on the default) at glance's turn, so it is no source for it.
    ops: [
      { op: 'set', section: 'DEFAULT', key: 'rpc_backend', value: { literal: 'rabbit' } },
      { op: 'set', section: 'DEFAULT', key: 'rabbit_host', value: fromNova('DEFAULT', 'rabbit_host') },
      {
        op: 'set',
        section: 'DEFAULT',
        key: 'rabbit_password',
        value: fromNova('DEFAULT', 'rabbit_password'),
      },
    ],
    scope: { services: ['glance-api'], families: ['ubuntu'] },
    reason:
      'OPS (Ubuntu): Icehouse glance-api sends notifications over the broker and needs rpc_backend = ' +
      'rabbit, rabbit_host and rabbit_password. The broker keys are copied from nova.conf on the same host ' +
      '(assumes glance-api runs beside nova, as on the controller role).',
  },
  {
    id: 'glance-api-rpc-qpid',
    project: 'glance',
    file: { default: CONF.glanceApi },
    format: 'ini',
    ops: [
      { op: 'set', section: 'DEFAULT', key: 'rpc_backend', value: { literal: 'qpid' } },
      { op: 'set', section: 'DEFAULT', key: 'qpid_hostname', value: fromNova('DEFAULT', 'qpid_hostname') },
    ],
    scope: { services: ['glance-api'], families: ['rhel'] },
    reason:
      'OPS (RHEL): rpc_backend = qpid and qpid_hostname in glance-api.conf; the host name is copied from ' +
      "nova.conf on the same host. Assumes RDO's usual qpid broker.",
  },
  {
    id: 'nova-rpc-backend',
    project: 'nova',
    file: NOVA_CONF,
    format: 'ini',
    ops: [{ op: 'map', section: 'DEFAULT', key: 'rpc_backend', map: RPC_BACKEND_MAP }],
    scope: { services: NOVA_SERVICES },
    reason:
      'OPS: rpc_backend nova.rpc.impl_kombu → rabbit, …impl_qpid → qpid. Icehouse still maps the old ' +
      'paths through TRANSPORT_ALIASES (NOVA@2014.1 nova/rpc.py): clean-up, not a hard requirement.',
  },
  {
    id: 'nova-api-paste-authtoken',
    project: 'nova',
    file: { default: CONF.novaApiPaste },
    format: 'ini',
    ops: [{ op: 'comment-section', section: 'filter:authtoken', keep: ['paste.filter_factory'] }],
    scope: { services: ['nova-api'] },
    reason:
      'OPS: comment out the keys below paste.filter_factory in [filter:authtoken]; Icehouse reads them ' +
      'from nova.conf [keystone_authtoken].',
  },
  {
    id: 'nova-vif-driver',
    project: 'nova',
    file: NOVA_CONF,
    format: 'ini',
    ops: [
      { op: 'unset', section: 'DEFAULT', key: 'libvirt_vif_driver' },
      { op: 'unset', section: 'libvirt', key: 'vif_driver' },
    ],
    scope: { services: ['nova-compute'] },
    reason: 'RH5 upgrade-nova.md: remove libvirt_vif_driver / [libvirt] vif_driver, deprecated in Icehouse.',
  },
  {
    id: 'nova-disable-file-injection',
    project: 'nova',
    file: NOVA_CONF,
    format: 'ini',
    ops: [{ op: 'set', section: 'DEFAULT', key: 'libvirt_inject_partition', value: { literal: '-2' } }],
    scope: {
      services: ['nova-compute'],
      when: 'stay-on-old',
      scenarios: ['live-compute', 'parallel-compute'],
    },
    reason:
      'OPS: "If you plan to deploy Icehouse in stages, you must disable file injection on all compute ' +
      'nodes that remain on Havana." Icehouse defaults inject_partition to -2, Havana to 1 (NOVA@2013.2, ' +
      'NOVA@2014.1).',
  },
  {
    id: 'neutron-nova-notifications',
    project: 'neutron',
    file: NEUTRON_CONF,
    format: 'ini',
    ops: [
      ...NOTIFY_NOVA_ON,
      { op: 'set', section: 'DEFAULT', key: 'nova_url', value: { lookup: 'nova-api-url' } },
      ...NOVA_ADMIN_CREDENTIALS,
    ],
    // parallel-compute notifies the new Nova once it exists (PARALLEL_NEUTRON), and nothing before that.
    scope: {
      services: ['neutron-server'],
      networking: NEUTRON_MODES,
      scenarios: ['all-at-once', 'service-by-service', 'live-compute'],
    },
    reason:
      "OPS: Icehouse neutron-server sends port events to nova's os-server-external-events API, and RH5: " +
      '"if you do not provide these credentials you will not be able to boot any new servers". Option ' +
      'names per NE@2014.1 neutron/common/config.py — RH5 and RDOWIKI misspell the first as ' +
      "notify_nova_port_status_change (facts §8). The password is nova's own service password, read " +
      'from nova.conf [keystone_authtoken] on the same host (assumes neutron-server runs beside nova-api).',
  },
  {
    id: 'parallel-neutron-notifications-off',
    project: 'neutron',
    file: NEUTRON_CONF,
    format: 'ini',
    ops: [
      {
        op: 'set',
        section: 'DEFAULT',
        key: 'notify_nova_on_port_status_changes',
        value: { literal: 'False' },
      },
      { op: 'set', section: 'DEFAULT', key: 'notify_nova_on_port_data_changes', value: { literal: 'False' } },
    ],
    scope: { services: ['neutron-server'], networking: NEUTRON_MODES, scenarios: ['parallel-compute'] },
    reason:
      'OUR INFERENCE: in parallel-compute neutron is upgraded before the new Nova exists, and Icehouse ' +
      'neutron-server notifies Nova by default (notify_nova_on_port_* = True, NE@2014.1). The old Havana Nova ' +
      'has no os-server-external-events, so every port event would fail; its Havana computes wait for none. ' +
      'Notifications stay off until the new region is up (parallel-neutron-notifications).',
  },
  {
    id: 'neutron-ml2-conf',
    project: 'neutron',
    file: { default: CONF.ml2Ini },
    format: 'ini',
    ops: [
      { op: 'set', section: 'ml2', key: 'type_drivers', value: { literal: 'local,flat,vlan,gre,vxlan' } },
      {
        op: 'set',
        section: 'ml2',
        key: 'tenant_network_types',
        value: fromOvsIni('OVS', 'tenant_network_type'),
      },
      { op: 'set', section: 'ml2', key: 'mechanism_drivers', value: { literal: 'openvswitch' } },
      {
        op: 'set',
        section: 'ml2_type_gre',
        key: 'tunnel_id_ranges',
        value: fromOvsIni('OVS', 'tunnel_id_ranges'),
      },
      {
        op: 'set',
        section: 'ml2_type_vlan',
        key: 'network_vlan_ranges',
        value: fromOvsIni('OVS', 'network_vlan_ranges'),
      },
      {
        op: 'set',
        section: 'securitygroup',
        key: 'firewall_driver',
        value: fromOvsIni('SECURITYGROUP', 'firewall_driver'),
      },
      { op: 'set', section: 'securitygroup', key: 'enable_security_group', value: { literal: 'True' } },
    ],
    scope: { services: NEUTRON_SERVICES, networking: ['neutron-ovs'] },
    installs: ML2_INSTALLS,
    reason:
      'OPS: populate ml2_conf.ini on every node with a neutron service. Values come from the Havana OVS ' +
      'ini so tenant networks keep their type and ranges; type_drivers enables every Icehouse type ' +
      "(ML2's own default). The ML2 package ships the file (OPS: RHEL openstack-neutron-ml2).",
  },
  {
    id: 'neutron-ml2-core-plugin',
    project: 'neutron',
    file: NEUTRON_CONF,
    format: 'ini',
    ops: [
      { op: 'set', section: 'DEFAULT', key: 'core_plugin', value: { literal: 'ml2' } },
      { op: 'set', section: 'DEFAULT', key: 'service_plugins', value: { literal: 'router' } },
    ],
    scope: { services: NEUTRON_SERVICES, networking: ['neutron-ovs'] },
    reason:
      'OPS: core_plugin = ml2 and service_plugins = router (the OVS plug-in carried L3 itself; under ML2 ' +
      'the router is a service plug-in). Overwrites any other service plug-ins: see the ' +
      'ml2-service-plugins warning.',
  },
  {
    id: 'neutron-plugin-ini-symlink',
    project: 'neutron',
    file: { rhel: CONF.pluginIni },
    format: 'symlink',
    ops: [{ op: 'symlink', target: CONF.ml2Ini }],
    scope: { services: NEUTRON_SERVICES, networking: ['neutron-ovs'], families: ['rhel'] },
    installs: { rhel: ML2_INSTALLS.rhel },
    reason:
      'OPS (RHEL): RDO init scripts read /etc/neutron/plugin.ini; repoint it at plugins/ml2/ml2_conf.ini.',
  },
  {
    id: 'horizon-default-role',
    project: 'horizon',
    file: CONF.horizon,
    format: 'python',
    ops: [{ op: 'python-assign', name: 'OPENSTACK_KEYSTONE_DEFAULT_ROLE', map: { Member: '_member_' } }],
    scope: { services: ['horizon'] },
    reason: 'OPS: OPENSTACK_KEYSTONE_DEFAULT_ROLE changes from "Member" to "_member_".',
  },
  {
    id: 'glance-policy-context-is-admin',
    project: 'glance',
    file: { default: CONF.glancePolicy },
    format: 'json',
    ops: [{ op: 'json-set', key: 'context_is_admin', value: 'role:admin' }],
    scope: { services: ['glance-api', 'glance-registry'], when: 'final' },
    reason: 'OPS final clean-up: add "context_is_admin": "role:admin" so nova and glance image lists agree.',
  },
  {
    id: 'nova-policy-context-is-admin',
    project: 'nova',
    file: { default: CONF.novaPolicy },
    format: 'json',
    ops: [{ op: 'json-set', key: 'context_is_admin', value: 'role:admin' }],
    scope: { services: NOVA_CONTROLLER_SERVICES, when: 'final' },
    reason: 'OPS final clean-up: add "context_is_admin": "role:admin" so nova and glance image lists agree.',
  },
  {
    id: 'nova-vif-plugging-relaxed',
    project: 'nova',
    file: NOVA_CONF,
    format: 'ini',
    ops: [
      { op: 'set', section: 'DEFAULT', key: 'vif_plugging_is_fatal', value: { literal: 'False' } },
      { op: 'set', section: 'DEFAULT', key: 'vif_plugging_timeout', value: { literal: '0' } },
    ],
    scope: { services: ['nova-compute'], networking: NEUTRON_MODES, scenarios: ['service-by-service'] },
    reason:
      'Service-by-service upgrades Nova before Neutron: Icehouse computes would wait 300 s for ' +
      'network-vif-plugged events a Havana neutron never sends and fail every boot (NOVA@2014.1 ' +
      'nova/virt/driver.py). Facts §0.3: "turn off events on one side" until neutron is upgraded; the ' +
      'final phase restores the defaults.',
  },
  {
    id: 'nova-vif-plugging-restored',
    project: 'nova',
    file: NOVA_CONF,
    format: 'ini',
    ops: [
      { op: 'unset', section: 'DEFAULT', key: 'vif_plugging_is_fatal' },
      { op: 'unset', section: 'DEFAULT', key: 'vif_plugging_timeout' },
    ],
    scope: {
      services: ['nova-compute'],
      networking: NEUTRON_MODES,
      scenarios: ['service-by-service'],
      when: 'final',
    },
    reason:
      'Neutron now sends the events: back to the Icehouse defaults, fatal after 300 s (NOVA@2014.1 nova/virt/driver.py).',
  },
];

// ---------------------------------------------------------------------------------------------------
// parallel-compute: the new Nova beside the old one (RH5 upgrade-3 and parallel-nova, facts §5.2)

const NEW_NOVA_SERVICES = [...NOVA_SERVICES];

const PARALLEL_ENVIRONMENT: readonly ConfigEditDef[] = [
  {
    id: 'parallel-nova-database',
    project: 'nova',
    file: NOVA_CONF,
    format: 'ini',
    ops: [{ op: 'set', section: 'database', key: 'connection', value: { lookup: 'parallel-nova-db-url' } }],
    scope: { services: [...NOVA_CONTROLLER_SERVICES], scenarios: ['parallel-compute'] },
    reason: 'RH5 parallel-nova: the new Nova has its own database, so the old data needs no migration.',
  },
  {
    id: 'parallel-nova-topics',
    project: 'nova',
    file: NOVA_CONF,
    format: 'ini',
    // Both deployments share the message broker: without their own topics the new conductor and
    // scheduler would take the old computes' calls (RH5 parallel-nova: compute_topic, scheduler_topic,
    // conductor topic). `[conductor] topic` is Icehouse's name (NOVA@2014.1 nova/conductor/api.py).
    ops: [
      { op: 'set', section: 'DEFAULT', key: 'compute_topic', value: { literal: 'compute_icehouse' } },
      { op: 'set', section: 'DEFAULT', key: 'scheduler_topic', value: { literal: 'scheduler_icehouse' } },
      { op: 'set', section: 'DEFAULT', key: 'cert_topic', value: { literal: 'cert_icehouse' } },
      { op: 'set', section: 'DEFAULT', key: 'consoleauth_topic', value: { literal: 'consoleauth_icehouse' } },
      { op: 'set', section: 'DEFAULT', key: 'network_topic', value: { literal: 'network_icehouse' } },
      { op: 'set', section: 'conductor', key: 'topic', value: { literal: 'conductor_icehouse' } },
    ],
    scope: { services: NEW_NOVA_SERVICES, scenarios: ['parallel-compute'] },
    reason: 'RH5 parallel-nova: separate AMQP topics for the new environment on the shared broker.',
  },
];

const PARALLEL_NEUTRON: readonly ConfigEditDef[] = [
  {
    id: 'parallel-neutron-notifications',
    project: 'neutron',
    file: NEUTRON_CONF,
    format: 'ini',
    ops: [
      ...NOTIFY_NOVA_ON,
      { op: 'set', section: 'DEFAULT', key: 'nova_url', value: { lookup: 'parallel-nova-api-url' } },
      { op: 'set', section: 'DEFAULT', key: 'nova_region_name', value: { lookup: 'parallel-region' } },
      ...NOVA_ADMIN_CREDENTIALS,
    ],
    scope: { services: ['neutron-server'], networking: NEUTRON_MODES, scenarios: ['parallel-compute'] },
    reason:
      'Icehouse computes of the new region wait for network-vif-plugged events: neutron must notify the ' +
      'new Nova, not the old Havana one, which lacks os-server-external-events (facts §0.3, §8).',
  },
];

// ---------------------------------------------------------------------------------------------------
// RPC pins (facts §3)

const PINS: readonly RpcPinDef[] = [
  {
    service: 'compute',
    level: 'icehouse-compat',
    aliases: { grizzly: '2.27', havana: '2.47', 'icehouse-compat': '3.0' },
    hosts: NOVA_SERVICES,
    reason:
      'NOVA@2014.1: Icehouse computes serve only compute RPC 3.x; Havana ≥ 2013.2.2 also serves 3.0 ' +
      '(ComputeV3Proxy). icehouse-compat = 3.0 is the one version both understand; `havana` (2.47) would ' +
      'break upgraded computes (facts §3.2, contradicting the OPS Upgrade Levels example, facts §8). ' +
      'Set on computes too so resize/migrate between mixed computes works (RH5 and RDOWIKI disagree on ' +
      'which side; all computes satisfies both).',
  },
  {
    service: 'network',
    // The literal version, not the `havana` alias: the alias is verified only in the 2014.1 code
    // (facts §3.1), and an alias a Havana host does not know would be read as a bogus version cap.
    level: '1.10',
    aliases: { grizzly: '1.9', havana: '1.10' },
    hosts: NOVA_SERVICES,
    networking: ['nova-network'],
    reason:
      'OUR INFERENCE, not a documented step: the Icehouse network rpcapi alias table (NOVA@2014.1 ' +
      'nova/network/rpcapi.py, facts §3.1) caps at havana = 1.10, the version Havana nova-network serves, ' +
      'so Icehouse controllers must not send newer messages to multi-host nova-network on Havana computes.',
  },
];

// ---------------------------------------------------------------------------------------------------

export const HAVANA_ICEHOUSE: UpgradePack = {
  from: 'havana',
  to: 'icehouse',
  title: 'OpenStack Havana (2013.2) → Icehouse (2014.1)',
  order: [
    {
      project: 'keystone',
      reason: 'First: every other service authenticates through it (OPS, RH5, KS-UPG).',
    },
    { project: 'glance', reason: 'Needs only keystone; nova boots depend on it (OPS controller order).' },
    {
      project: 'cinder',
      reason: 'Independent of nova and neutron at the API level; RH5 upgrades it before nova.',
    },
    { project: 'heat', reason: 'Orchestrates the other APIs; after the ones it calls (OPS-NOW, RH7).' },
    {
      project: 'ceilometer',
      reason: "Consumes the other services' notifications; after them (OPS-NOW, RH7).",
    },
    {
      project: 'horizon',
      reason: 'Needs only keystone (RH5: "you can upgrade horizon before nova").',
    },
    {
      project: 'nova',
      reason:
        'Controllers (conductor included) before any compute (NOVA@2014.1, facts §3.3) and before neutron: ' +
        'Icehouse neutron notifies os-server-external-events, which Havana nova lacks (RDOWIKI, facts §8). ' +
        'Computes go last, after neutron.',
    },
    {
      project: 'neutron',
      reason:
        'After the nova controllers and before the nova computes (RDOWIKI; RH5 upgrade-4): Icehouse computes ' +
        'wait for network-vif-plugged events that only Icehouse neutron sends.',
    },
  ],
  neutronAfterNovaControllers: true,
  mixedVersion: ['nova'],
  preSync: PRE_SYNC,
  dbSync: DB_SYNC,
  configEdits: CONFIG_EDITS,
  pins: PINS,
  liveMinimum: [
    {
      service: 'nova-compute',
      version: '2013.2.2',
      reason:
        'First Havana release with the ComputeV3Proxy that accepts compute RPC 3.0 (NOVA@2013.2.x, stable/havana ' +
        'commit a7e2a4114a; facts §3.2). 2013.2 and 2013.2.1 cannot take icehouse-compat messages.',
    },
  ],
  finalRestart: ['nova-compute'],
  parallelEnvironment: PARALLEL_ENVIRONMENT,
  parallelNeutron: PARALLEL_NEUTRON,
  warnings: [
    {
      id: 'ovs-ml2-irreversible',
      text:
        'neutron-ovs: the OVS → ML2 database conversion cannot be rolled back (OPS: "the conversion script ' +
        'cannot roll back"); only restoring the neutron database dump undoes it. Keep the OVS packages and ' +
        'config until the upgrade is verified.',
    },
    {
      id: 'no-db-downgrade',
      text:
        'Database downgrades are not supported: a rollback restores the mysqldump backups, the /etc backups ' +
        'and the older packages (OPS "Rolling Back a Failed Upgrade"). Resources created after the backup ' +
        'are lost or frozen (OPS-NOW).',
    },
    {
      id: 'dist-upgrade-iscsi',
      text:
        'A full dist-upgrade / yum upgrade may restart side services such as open-iscsi, which "might cause ' +
        'the volumes for your users to be disconnected" (OPS).',
    },
    {
      id: 'live-compute-least-tested',
      text:
        'The live compute upgrade is the newest and least tested path: "The features that support this live ' +
        'upgrade process are very new and may not be as well tested" (RH5 upgrade-4 Cons).',
      scenarios: ['live-compute'],
    },
    {
      id: 'review-new-config-files',
      text:
        'After each package upgrade, review the *.dpkg-dist (Ubuntu) / *.rpmnew (RHEL) files the package ' +
        'manager left beside the kept configs; stackhop applies only the catalogued edits (OPS, RH5).',
    },
    {
      id: 'heat-stack-user-domain',
      text:
        'Heat: with stack_user_domain unset, Icehouse heat logs a warning and keeps creating legacy ' +
        'non-domain stack users (HE@2014.1). Configure stack_user_domain / stack_domain_admin afterwards.',
    },
    {
      id: 'ml2-service-plugins',
      text:
        'neutron-ovs: the ML2 edit sets service_plugins = router (OPS). Add back any other service plug-in ' +
        'the Havana neutron.conf listed (lbaas, fwaas, vpnaas, metering).',
    },
    {
      id: 'ubuntu-ml2-plugin-config',
      text:
        'Ubuntu, neutron-ovs: neutron-server reads its plug-in config from /etc/default/neutron-server ' +
        '(NEUTRON_PLUGIN_CONFIG); check that it names /etc/neutron/plugins/ml2/ml2_conf.ini after the ' +
        'upgrade (our inference from the Ubuntu packaging; not in OPS).',
    },
  ],
  sources: {
    OPS:
      'OpenStack Operations Guide, upgrade chapter: openstack/operations-guide doc/openstack-ops/' +
      'ch_ops_upgrades.xml at 7665af55dd61a5f78c82311adea42e819ab64f22 (2014-09-08), "How to Perform an ' +
      'Upgrade from Havana to Icehouse" (Ubuntu; RHEL and derivatives), "Upgrade Levels", "Rolling Back a ' +
      'Failed Upgrade"; published at docs.openstack.org/openstack-ops/',
    'OPS-NOW': 'openstack/operations-guide doc/source/ops-upgrades.rst (HEAD)',
    RH5:
      'Red Hat / RDO "Upgrading from Havana to Icehouse" (Lars Kellogg-Stedman), ' +
      'http://people.redhat.com/~lkellogg/rhos5-upgrade-docs/; source larsks/rhel-osp-upgrade-docs branch ' +
      'rhos5 (1eea947, 2014-12-01)',
    RH7: 'larsks/rhel-osp-upgrade-docs branch rhos7 (Juno → Kilo), for comparison of service order',
    RDOWIKI:
      '"Upgrading RDO To Icehouse" (RDO wiki, dansmith, 2014-04-24), redhat-openstack/website ' +
      'source/uncategorized/upgrading-rdo-to-icehouse.html.md',
    RDOTEST: 'kk7ds/test_rdo_upgrade scenarios/havana2icehouse-live.sh and upgrade_functions.sh',
    'NOVA@2013.2.x': 'openstack/nova at tags 2013.2 … 2013.2.4 (Havana), https://github.com/openstack/nova',
    'NOVA@2014.1': 'openstack/nova at tag 2014.1 (Icehouse), https://github.com/openstack/nova/blob/2014.1/',
    'KS@2014.1': 'openstack/keystone at tag 2014.1',
    'GL@2014.1': 'openstack/glance at tag 2014.1',
    'CI@2014.1': 'openstack/cinder at tag 2014.1',
    'NE@2014.1': 'openstack/neutron at tag 2014.1',
    'HE@2014.1': 'openstack/heat at tag 2014.1',
    'CE@2014.1': 'openstack/ceilometer at tag 2014.1',
    'KS-UPG': 'openstack/keystone doc/source/admin/upgrading.rst (HEAD)',
    'NE-UPG': 'openstack/neutron doc/source/contributor/internals/upgrade.rst (HEAD)',
    'IG-IH':
      'Icehouse Installation Guide (archived), e.g. https://docs.huihoo.com/openstack/archive/icehouse/' +
      'install-guide/install/apt/content/heat-install.html and …/yum/content/heat-install.html',
    RPCDOCS: 'GitHub issue rpcdocs/docs-issues#39 (2015), keystone token-table cleanup before an upgrade',
    'KS@2013.2': 'openstack/keystone at tag 2013.2 (Havana)',
  },
};
