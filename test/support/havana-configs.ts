// Plausible Havana config files, shared by the config editor's tests and the test fleet's hosts.

import { CONF } from '../../src/catalog/releases/openstack-2013.js';
import type { DistroFamily } from '../../src/catalog/types.js';

// Files of a controller that also runs neutron-server, as the Ubuntu (Cloud
// Archive) and RDO packages and install guides leave them, shortened.

export const NOVA_CONF = `[DEFAULT]
dhcpbridge_flagfile=/etc/nova/nova.conf
dhcpbridge=/usr/bin/nova-dhcpbridge
logdir=/var/log/nova
state_path=/var/lib/nova
lock_path=/var/lock/nova
force_dhcp_release=True
verbose=True
api_paste_config=/etc/nova/api-paste.ini
enabled_apis=ec2,osapi_compute,metadata
rpc_backend = nova.rpc.impl_kombu
rabbit_host = ctl1
rabbit_password = RABBIT_PASS
my_ip = 10.0.0.11
auth_strategy = keystone
network_api_class = nova.network.neutronv2.api.API
neutron_url = http://ctl1:9696
libvirt_vif_driver = nova.virt.libvirt.vif.LibvirtHybridOVSBridgeDriver
firewall_driver = nova.virt.firewall.NoopFirewallDriver

[database]
connection = mysql://nova:NOVA_DBPASS@ctl1/nova

[keystone_authtoken]
auth_uri = http://ctl1:5000
auth_host = ctl1
auth_port = 35357
auth_protocol = http
admin_tenant_name = service
admin_user = nova
admin_password = NOVA_PASS
`;

// RDO: qpid, and the module path of the oslo-incubator copy.
export const NOVA_CONF_RHEL = NOVA_CONF.replace(
  'rpc_backend = nova.rpc.impl_kombu',
  'rpc_backend=nova.openstack.common.rpc.impl_qpid',
).replace('rabbit_host = ctl1\nrabbit_password = RABBIT_PASS\n', 'qpid_hostname=ctl1\n');

export const KEYSTONE_CONF = `[DEFAULT]
# A "shared secret" between keystone and other openstack services
admin_token = ADMIN_TOKEN

[sql]
# The SQLAlchemy connection string used to connect to the database
connection = mysql://keystone:KEYSTONE_DBPASS@ctl1/keystone

# the timeout before idle sql connections are reaped
# idle_timeout = 200

[identity]
driver = keystone.identity.backends.sql.Identity

[token]
provider = keystone.token.providers.uuid.Provider
`;

export const GLANCE_API_CONF = `[DEFAULT]
# Show more verbose log output (sets INFO log level output)
verbose = True
default_store = file
bind_host = 0.0.0.0
bind_port = 9292

# SQLAlchemy connection string for the reference implementation
# registry server. Any valid SQLAlchemy connection string is fine.
sql_connection = mysql://glance:GLANCE_DBPASS@ctl1/glance
sql_idle_timeout = 3600

# ============ Notification System Options =====================
notifier_strategy = noop

# Configuration options if sending notifications via rabbitmq (these are
# the defaults)
rabbit_host = localhost
rabbit_port = 5672
rabbit_userid = guest
rabbit_password = guest
rabbit_notification_exchange = glance

# Configuration options if sending notifications via Qpid (these are
# the defaults)
qpid_notification_exchange = glance
qpid_hostname = localhost

[keystone_authtoken]
auth_host = 127.0.0.1
auth_port = 35357
auth_protocol = http
admin_tenant_name = service
admin_user = glance
admin_password = GLANCE_PASS

[paste_deploy]
# Name of the paste configuration file that defines the available pipelines
#config_file = glance-api-paste.ini
flavor = keystone
`;

export const GLANCE_REGISTRY_CONF = `[DEFAULT]
verbose = True
bind_host = 0.0.0.0
bind_port = 9191
sql_connection = mysql://glance:GLANCE_DBPASS@ctl1/glance
sql_idle_timeout = 3600
api_limit_max = 1000

[keystone_authtoken]
auth_host = 127.0.0.1
admin_user = glance
admin_password = GLANCE_PASS

[paste_deploy]
flavor = keystone
`;

export const API_PASTE = `############
# Metadata #
############
[composite:metadata]
use = egg:Paste#urlmap
/: meta

[composite:osapi_compute]
use = call:nova.api.openstack.urlmap:urlmap_factory
/: oscomputeversions
/v1.1: openstack_compute_api_v2
/v2: openstack_compute_api_v2

[filter:authtoken]
paste.filter_factory = keystoneclient.middleware.auth_token:filter_factory
auth_host = 127.0.0.1
auth_port = 35357
auth_protocol = http
admin_tenant_name = %SERVICE_TENANT_NAME%
admin_user = %SERVICE_USER%
admin_password = %SERVICE_PASSWORD%
# signing_dir is configurable, but the default behavior of the authtoken
# middleware should be sufficient.
#signing_dir = /var/lib/nova/keystone-signing
# Workaround for https://bugs.launchpad.net/nova/+bug/1154809
auth_version = v2.0
`;

export const NEUTRON_CONF = `[DEFAULT]
# Print more verbose output (set logging level to INFO instead of default WARNING level).
verbose = True
state_path = /var/lib/neutron
lock_path = $state_path/lock
core_plugin = neutron.plugins.openvswitch.ovs_neutron_plugin.OVSNeutronPluginV2
# service_plugins =
auth_strategy = keystone
allow_overlapping_ips = True
rpc_backend = neutron.openstack.common.rpc.impl_kombu
rabbit_host = ctl1
rabbit_password = RABBIT_PASS

[quotas]
# quota_driver = neutron.db.quota_db.DbQuotaDriver

[agent]
root_helper = sudo /usr/bin/neutron-rootwrap /etc/neutron/rootwrap.conf

[keystone_authtoken]
auth_host = ctl1
admin_tenant_name = service
admin_user = neutron
admin_password = NEUTRON_PASS
signing_dir = $state_path/keystone-signing

[database]
connection = mysql://neutron:NEUTRON_DBPASS@ctl1/neutron

[service_providers]
service_provider=LOADBALANCER:Haproxy:neutron.services.loadbalancer.drivers.haproxy.plugin_driver.HaproxyOnHostPluginDriver:default
`;

// The Havana OVS plug-in ini: lowercase sections where the catalog says [OVS], as oslo allows.
export const OVS_INI = `[ovs]
tenant_network_type = gre
tunnel_id_ranges = 1:1000
enable_tunneling = True
integration_bridge = br-int
local_ip = 10.0.1.21
network_vlan_ranges = physnet1:100:199
bridge_mappings = physnet1:br-eth1

[agent]
# polling_interval = 2

[securitygroup]
firewall_driver = neutron.agent.linux.iptables_firewall.OVSHybridIptablesFirewallDriver
`;

// ml2_conf.ini as the Icehouse ML2 package ships it: every option commented out.
export const ML2_INI = `[ml2]
# (ListOpt) List of network type driver entrypoints to be loaded from
# the neutron.ml2.type_drivers namespace.
#
# type_drivers = local,flat,vlan,gre,vxlan

# (ListOpt) Ordered list of networking mechanism driver entrypoints
# mechanism_drivers =

[ml2_type_flat]
# flat_networks =

[ml2_type_vlan]
# network_vlan_ranges =
# Example: network_vlan_ranges = physnet1:1000:2999,physnet2

[ml2_type_gre]
# tunnel_id_ranges =

[ml2_type_vxlan]
# vni_ranges =

[securitygroup]
# Controls if neutron security group is enabled or not.
# enable_security_group = True
`;

export const LOCAL_SETTINGS = `import os

from django.utils.translation import ugettext_lazy as _

DEBUG = False
TEMPLATE_DEBUG = DEBUG

ALLOWED_HOSTS = ['*']

OPENSTACK_HOST = "127.0.0.1"
OPENSTACK_KEYSTONE_URL = "http://%s:5000/v2.0" % OPENSTACK_HOST
OPENSTACK_KEYSTONE_DEFAULT_ROLE = "Member"

OPENSTACK_KEYSTONE_BACKEND = {
    'name': 'native',
    'can_edit_user': True,
}
`;

export const GLANCE_POLICY = `{
    "default": "",
    "manage_image_cache": "role:admin"
}
`;

export const NOVA_POLICY = `{
    "admin_or_owner":  "is_admin:True or project_id:%(project_id)s",
    "default": "rule:admin_or_owner",

    "compute:create": "",
    "compute:create:attach_network": ""
}
`;

export function havanaConfigFiles(family: DistroFamily): Readonly<Record<string, string>> {
  return {
    [CONF.keystone]: KEYSTONE_CONF,
    [CONF.glanceApi]: GLANCE_API_CONF,
    [CONF.glanceRegistry]: GLANCE_REGISTRY_CONF,
    [CONF.glancePolicy]: GLANCE_POLICY,
    [CONF.nova]: family === 'rhel' ? NOVA_CONF_RHEL : NOVA_CONF,
    [CONF.novaApiPaste]: API_PASTE,
    [CONF.novaPolicy]: NOVA_POLICY,
    [CONF.neutron]: NEUTRON_CONF,
    [CONF.ovsIni]: OVS_INI,
    [CONF.ml2Ini]: ML2_INI,
    [CONF.horizon[family === 'rhel' ? 'rhel' : 'ubuntu']]: LOCAL_SETTINGS,
  };
}
