// The benchmarks' cloud: 3 controllers, 2 network nodes, N computes, 2 storage nodes, spare hosts.

export function benchInventoryYaml(computes: number, instances = computes * 25): string {
  return `
cloud: bench
upgrade: { from: havana, to: icehouse }
distro: ubuntu-12.04-uca
networking: neutron-ovs
hosts:
  - { name: "ctl[1:3]", address: "10.0.0.[11:13]", roles: [controller] }
  - { name: "net[1:2]", address: "10.0.0.[21:22]", roles: [network] }
  - { name: "cmp[00001:${String(computes).padStart(5, '0')}]", roles: [compute] }
  - { name: "stor[1:2]", address: "10.0.3.[1:2]", roles: [storage] }
spare_hosts:
  - { name: newctl1, address: 10.0.2.100, roles: [controller] }
  - { name: "new[1:4]", address: "10.0.2.[1:4]", roles: [compute] }
facts:
  instances: ${instances}
  instance_ram_mb: 4096
  migration_bandwidth_mbps: 1000
  versions: { nova-compute: 2013.2.3 }
  db_rows: { nova.instances: ${computes * 60}, keystone.token: 1200000, heat.event: 50000 }
policy:
  max_parallel_computes: 50
  canary: [1, 5, "20%"]
  max_failed_hosts: 2
  drain: live-migrate
`;
}
