// OpenStack Icehouse (2014.1): the target of the first upgrade pack.

import type { ReleaseDef } from '../types.js';
import { CONFIG_DIRS_2013, DATABASES_2013, ROLES_2013, SERVICES_2013 } from './openstack-2013.js';

export const ICEHOUSE: ReleaseDef = {
  name: 'icehouse',
  version: '2014.1',
  services: SERVICES_2013,
  roles: ROLES_2013,
  // Last migration shipped in 2014.1 (facts §1.3, §5.1: NOVA/KS/GL/CI/HE/NE@2014.1). Neutron's
  // `icehouse` is a no-op alembic marker (NE@2014.1 icehouse_release.py).
  schemaHeads: {
    nova: '233',
    keystone: '044',
    glance: '034',
    cinder: '022',
    heat: '043',
    neutron: 'icehouse',
  },
  configDirs: CONFIG_DIRS_2013,
  databases: DATABASES_2013,
};
