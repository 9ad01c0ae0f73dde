// OpenStack Havana (2013.2): the release a Havana→Icehouse upgrade starts from.

import type { ReleaseDef } from '../types.js';
import {
  CONFIG_DIRS_2013,
  DATA_PLANE_2013,
  DATABASES_2013,
  NOVA_RPC_LINKS_2013,
  ROLES_2013,
  SERVICES_2013,
} from './openstack-2013.js';

export const HAVANA: ReleaseDef = {
  name: 'havana',
  version: '2013.2',
  services: SERVICES_2013,
  roles: ROLES_2013,
  // Last migration shipped in 2013.2 (facts §1.3). sqlalchemy-migrate projects print the number
  // without leading zeros (`keystone-manage db_version` → 34): compare them as integers.
  // Neutron's is an alembic revision name. Ceilometer has no head: its sync is backend-dependent.
  schemaHeads: {
    nova: '216',
    keystone: '034',
    glance: '029',
    cinder: '020',
    heat: '028',
    neutron: 'havana',
  },
  configDirs: CONFIG_DIRS_2013,
  databases: DATABASES_2013,
  // Versions from facts §3 (NOVA@2013.2.x). Havana's own alias tables are ASSUMED to list only
  // `grizzly` (the `havana` names appear in the 2014.1 tables, facts §3.1), except the compute
  // `icehouse-compat` that stable/havana gained in 2013.2.2 (commit 2c63cae921).
  rpc: {
    topics: {
      compute: {
        serves: [{ max: '2.47' }, { max: '3.0', since: '2013.2.2' }],
        sends: '2.47',
        aliases: { grizzly: '2.27', 'icehouse-compat': '3.0' },
        aliasesSince: { 'icehouse-compat': '2013.2.2' },
        reason:
          'RPC_API_VERSION 2.47; from 2013.2.2 also ComputeV3Proxy serving 3.0 ("compute rpc API version 3.0 ' +
          'is exactly the same as 2.latest"), a7e2a4114a; 2013.2 and 2013.2.1 take no 3.x message (facts §3.2).',
      },
      conductor: {
        serves: [{ max: '1.58' }],
        sends: '1.58',
        aliases: { grizzly: '1.48' },
        reason: 'Havana conductor tops out at RPC_API_VERSION 1.58 (NOVA@2013.2.4, facts §3.3).',
      },
      scheduler: {
        serves: [{ max: '2.9' }],
        sends: '2.9',
        aliases: { grizzly: '2.6' },
        reason: 'Icehouse names 2.9 `havana` (NOVA@2014.1 scheduler rpcapi aliases, facts §3.1).',
      },
      network: {
        serves: [{ max: '1.10' }],
        sends: '1.10',
        aliases: { grizzly: '1.9' },
        reason: 'Icehouse names 1.10 `havana` (NOVA@2014.1 network rpcapi aliases, facts §3.1).',
      },
    },
    links: NOVA_RPC_LINKS_2013,
    events: [
      {
        api: 'os-server-external-events',
        sender: 'neutron-server',
        receiver: 'nova-api',
        sends: false,
        serves: false,
        reason:
          'os-server-external-events exists in nova 2014.1 but not in 2013.2.4; Havana neutron sends no ' +
          'events (facts §0.3, §8).',
      },
    ],
    dataPlane: DATA_PLANE_2013,
  },
};
