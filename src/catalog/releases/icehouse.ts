// OpenStack Icehouse (2014.1): the target of the first upgrade pack.

import type { ReleaseDef } from '../types.js';
import {
  CONF,
  CONFIG_DIRS_2013,
  DATA_PLANE_2013,
  DATABASES_2013,
  NOVA_RPC_LINKS_2013,
  ROLES_2013,
  SERVICES_2013,
} from './openstack-2013.js';

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
  // Versions and aliases from facts §3.1–3.3 (NOVA@2014.1), except network, see its reason.
  rpc: {
    topics: {
      compute: {
        serves: [{ max: '3.23' }],
        sends: '3.23',
        aliases: { grizzly: '2.27', havana: '2.47', 'icehouse-compat': '3.0' },
        reason:
          "Icehouse nova-compute: target version 3.23, no 2.x endpoint (nova/compute/manager.py); the client's " +
          'aliases per nova/compute/rpcapi.py (facts §3.1, §3.2).',
      },
      conductor: {
        serves: [{ max: '1.64' }, { max: '2.0' }],
        sends: '2.0',
        aliases: { grizzly: '1.48', havana: '1.58', icehouse: '2.0' },
        uncappable: true,
        reason:
          'Icehouse conductor serves 1.64 plus _ConductorManagerV2Proxy 2.0; Icehouse computes always target ' +
          '2.0 with no 1.x fallback (nova/conductor/manager.py, rpcapi.py; facts §3.3).',
      },
      scheduler: {
        serves: [{ max: '2.9' }, { max: '3.0' }],
        sends: '3.0',
        aliases: { grizzly: '2.6', havana: '2.9', icehouse: '3.0' },
        reason: 'Icehouse scheduler serves 2.9 and 3.0 (_SchedulerManagerV3Proxy, facts §3.3).',
      },
      network: {
        serves: [{ max: '1.12' }],
        sends: '1.12',
        aliases: { grizzly: '1.9', havana: '1.10' },
        reason:
          'Aliases grizzly/havana per NOVA@2014.1 (facts §3.1). 1.12 is the `icehouse` alias of later ' +
          'nova/network/rpcapi.py VERSION_ALIASES (read in the code index, not in the facts file).',
      },
    },
    links: NOVA_RPC_LINKS_2013,
    events: [
      {
        api: 'os-server-external-events',
        sender: 'neutron-server',
        receiver: 'nova-api',
        sends: true,
        serves: true,
        senderSwitch: {
          file: CONF.neutron,
          section: 'DEFAULT',
          keys: ['notify_nova_on_port_status_changes', 'notify_nova_on_port_data_changes'],
          off: 'False',
        },
        waiter: {
          service: 'nova-compute',
          file: CONF.nova,
          section: 'DEFAULT',
          key: 'vif_plugging_is_fatal',
          off: 'False',
        },
        reason:
          'Icehouse neutron-server notifies nova unless both notify_nova_on_port_* are False (defaults True, ' +
          'NE@2014.1); Icehouse ' +
          'nova-api serves os-server-external-events; Icehouse libvirt computes wait for network-vif-plugged ' +
          '(vif_plugging_is_fatal=True, timeout 300 s, NOVA@2014.1 nova/virt/driver.py; facts §0.3, §2.1).',
      },
    ],
    dataPlane: DATA_PLANE_2013,
  },
};
