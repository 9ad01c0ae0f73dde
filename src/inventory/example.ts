// What `stackhop init` writes: a complete, commented inventory. It is a test fixture too (it must load
// cleanly against the real catalog), so the comments cannot drift from what the loader accepts.

export const EXAMPLE_INVENTORY = `# stackhop inventory (DESIGN §3). Edit it for your cloud, then run \`stackhop validate <file>\`.
# Secrets never go in this file: passwords come from OS_* environment variables or clouds.yaml, and the
# database credentials from the environment. Any key named like a secret (password, token, …) is refused.

# A name for this cloud, used in plans, journals and reports.
cloud: east-1

# The release pair. Supported: havana → icehouse.
upgrade: { from: havana, to: icehouse }

# ubuntu-12.04-uca | ubuntu-14.04 | rhel-6-rdo | centos-6-rdo
distro: ubuntu-12.04-uca

# neutron-ovs (the OVS plug-in; the upgrade converts it to ML2) | neutron-ml2 | nova-network
networking: neutron-ovs

# How stackhop reaches the hosts. Every field is optional.
ssh:
  user: root                          # default root
  port: 22                            # default 22
  identity_file: ~/.ssh/id_ed25519    # default: the keys of your ssh agent
  known_hosts: ~/.ssh/known_hosts     # host keys are always verified; default ~/.ssh/known_hosts
  jump_host: bastion                  # optional bastion every connection goes through

# Where the OpenStack APIs are. Either a clouds.yaml entry:
openstack: { cloud: east-1 }
# or an auth block without any password (OS_PASSWORD supplies it):
#   openstack:
#     region: RegionOne
#     auth: { auth_url: "http://192.0.2.10:5000/v2.0", username: admin, project_name: admin }
# or leave \`openstack\` out and export the OS_* variables, as for the openstack client.

# The host where mysqldump and mysql run. Default: the first host with the database role, else the first
# controller. Must be one of the hosts below (by name or address).
database: { host: ctl1 }

# Every host of the cloud. \`name\` and \`address\` take Ansible ranges: "cmp[001:120]" keeps the zero
# padding, "[1:10:2]" has a step; quote them. \`address\` is optional (the name is then resolved by DNS).
# Roles: controller, network, compute, storage, database, messaging, dashboard.
# \`services: [...]\` replaces the services the roles imply (e.g. a controller without Heat).
hosts:
  - { name: "ctl[1:3]",     address: "10.0.0.[11:13]", roles: [controller, database, messaging] }
  - { name: net1,           address: 10.0.0.21,        roles: [network] }
  - { name: "cmp[001:120]", address: "10.0.1.[1:120]", roles: [compute] }
  - { name: "stor[1:2]",    address: "10.0.3.[1:2]",   roles: [storage] }

# parallel-compute only: new, empty hosts that start the target-release Nova beside the old one.
# Default: none.
spare_hosts:
  - { name: "new[1:4]", address: "10.0.2.[1:4]", roles: [compute] }

# Optional; used by estimates and the rehearsal twin; discovered from the cloud when absent.
facts:
  instances: 4800                     # running instances
  instance_ram_mb: 4096               # average RAM per instance (live-migration time)
  migration_bandwidth_mbps: 1000      # live-migration bandwidth
  db_rows:                            # rows per project.table (DB migration and dump time)
    nova.instances: 250000
    keystone.token: 1200000           # expired tokens are flushed before the Keystone DB sync
    heat.event: 50000
  versions:                           # installed versions; live-compute needs nova-compute ≥ 2013.2.2
    nova-compute: 2013.2.3
  drain_wait_s: 3600                  # drain: wait — how long workloads take to end on one compute

# How the run behaves. Every field is optional.
policy:
  max_parallel_computes: 10           # computes out of service at once; default 10
  canary: [1, 5, "20%"]               # compute batch sizes, as Ansible's serial; the last repeats;
                                      # numbers ≥ 1 or "N%" of the computes; default [1, 5, "20%"]
  max_failed_hosts: 2                 # failures tolerated before starting nothing new; default 2
  drain: live-migrate                 # live-migrate | wait | cold-migrate | none; default live-migrate
  gates: [after-canary]               # operator approvals: before-changes | after-controllers |
                                      # after-canary; default none
`;
