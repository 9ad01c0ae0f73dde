// OpenStack Havana (2013.2): the release a Havana→Icehouse upgrade starts from.

import type { ReleaseDef } from '../types.js';
import { CONFIG_DIRS_2013, DATABASES_2013, ROLES_2013, SERVICES_2013 } from './openstack-2013.js';

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
};
