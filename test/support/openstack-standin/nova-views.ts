// INTERIM stand-in (see README.md): Nova v2 JSON views as Havana/Icehouse rendered them for an admin
// with the default extensions loaded (os-extended-services, OS-EXT-SRV-ATTR, OS-EXT-STS, OS-EXT-AZ,
// OS-DCF, os-extended-volumes). Shapes after the Compute API v2 reference examples.

import { createHash } from 'node:crypto';
import {
  idOf,
  iso,
  type NovaServiceRow,
  ramUsed,
  type ServerRow,
  type State,
  serverStatus,
} from './state.js';

export async function serviceView(state: State, s: NovaServiceRow): Promise<unknown> {
  const up = await state.serviceUp(s.host, s.binary);
  return {
    binary: s.binary,
    host: s.host,
    zone: s.zone,
    status: s.disabled ? 'disabled' : 'enabled',
    state: up ? 'up' : 'down',
    // A down service stopped reporting a while ago (service_down_time is 60 s).
    updated_at: iso(Date.now() - (up ? 3_000 : 300_000)).replace('Z', '.000000'),
    disabled_reason: s.disabledReason,
  };
}

export function hypervisorView(state: State, host: string): unknown {
  const h = state.hypervisors.get(host)!;
  const service = state.services.find((s) => s.binary === 'nova-compute' && s.host === host)!;
  const servers = [...state.servers.values()].filter((s) => s.host === host);
  const used = ramUsed(state, host);
  return {
    cpu_info: '{"vendor": "Intel", "model": "SandyBridge", "arch": "x86_64"}',
    current_workload: servers.filter((s) => s.taskState !== null).length,
    disk_available_least: 400,
    free_disk_gb: 450,
    free_ram_mb: h.ramMb - used,
    hypervisor_hostname: host,
    hypervisor_type: 'QEMU',
    hypervisor_version: 1005003,
    id: h.id,
    local_gb: 450,
    local_gb_used: 0,
    memory_mb: h.ramMb,
    memory_mb_used: used,
    running_vms: servers.length,
    service: { host, id: service.id },
    vcpus: h.vcpus,
    vcpus_used: servers.reduce((n, s) => n + s.vcpus, 0),
  };
}

export function serverView(origin: string, s: ServerRow): unknown {
  const self = `${origin}/compute/v2/${s.tenantId}/servers/${s.id}`;
  const status = serverStatus(s);
  return {
    'OS-DCF:diskConfig': 'MANUAL',
    'OS-EXT-AZ:availability_zone': 'nova',
    'OS-EXT-SRV-ATTR:host': s.host,
    'OS-EXT-SRV-ATTR:hypervisor_hostname': s.host,
    'OS-EXT-SRV-ATTR:instance_name': `instance-${idOf('instance', s.id).slice(0, 8)}`,
    'OS-EXT-STS:power_state': s.vmState === 'active' ? 1 : 4,
    'OS-EXT-STS:task_state': s.taskState,
    'OS-EXT-STS:vm_state': s.vmState,
    accessIPv4: '',
    accessIPv6: '',
    addresses: {},
    config_drive: '',
    created: s.created,
    flavor: {
      id: String(s.ramMb),
      links: [{ href: `${origin}/compute/${s.tenantId}/flavors/${s.ramMb}`, rel: 'bookmark' }],
    },
    hostId: createHash('sha224')
      .update(s.tenantId + s.host)
      .digest('hex'),
    id: s.id,
    image: { id: idOf('image', 'cirros'), links: [] },
    key_name: null,
    links: [
      { href: self, rel: 'self' },
      { href: self.replace('/v2/', '/'), rel: 'bookmark' },
    ],
    metadata: {},
    name: s.name,
    'os-extended-volumes:volumes_attached': [],
    progress: 0,
    security_groups: [{ name: 'default' }],
    status,
    tenant_id: s.tenantId,
    updated: s.updated,
    user_id: idOf('user', 'owner'),
    // Nova shows the fault only for servers in ERROR (or DELETED).
    ...(status === 'ERROR' && s.fault !== undefined ? { fault: s.fault } : {}),
  };
}
