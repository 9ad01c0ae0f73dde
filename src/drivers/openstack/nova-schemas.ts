// Nova v2 response shapes of the Havana/Icehouse era (nova 2013.2 / 2014.1, no microversions), and the
// plain types the rest of stackhop sees. Only the fields stackhop reads are checked; others pass.
// Sources: Compute API v2 reference (os-services, os-hypervisors/detail, servers/detail with the
// OS-EXT-SRV-ATTR and OS-EXT-STS extensions, os-migrations) and nova/api/openstack/compute/contrib.

import { z } from 'zod';

const id = z.union([z.number(), z.string()]).transform(String);

// --- os-services -----------------------------------------------------------------------------------

const ServiceBody = z
  .object({
    binary: z.string(),
    host: z.string(),
    zone: z.string().nullish(),
    status: z.enum(['enabled', 'disabled']),
    state: z.enum(['up', 'down']),
    updated_at: z.string().nullish(),
    // Only with the os-extended-services extension (Havana and later).
    disabled_reason: z.string().nullish(),
  })
  .loose();

export const ServicesResponse = z.object({ services: z.array(ServiceBody) }).loose();

/** PUT os-services/{enable,disable,disable-log-reason}. */
export const ServiceUpdateResponse = z
  .object({
    service: z
      .object({
        host: z.string(),
        binary: z.string(),
        status: z.enum(['enabled', 'disabled']),
        disabled_reason: z.string().nullish(),
      })
      .loose(),
  })
  .loose();

export interface NovaService {
  binary: string;
  host: string;
  zone: string | null;
  status: 'enabled' | 'disabled';
  /** `up` if the service reported within service_down_time (60 s by default). */
  state: 'up' | 'down';
  updatedAt: string | null;
  disabledReason: string | null;
}

export function toService(s: z.infer<typeof ServiceBody>): NovaService {
  return {
    binary: s.binary,
    host: s.host,
    zone: s.zone ?? null,
    status: s.status,
    state: s.state,
    updatedAt: s.updated_at ?? null,
    disabledReason: s.disabled_reason ?? null,
  };
}

// --- os-hypervisors/detail -------------------------------------------------------------------------

const HypervisorBody = z
  .object({
    id,
    hypervisor_hostname: z.string(),
    hypervisor_type: z.string().optional(),
    vcpus: z.number(),
    vcpus_used: z.number(),
    memory_mb: z.number(),
    memory_mb_used: z.number(),
    free_ram_mb: z.number().optional(),
    running_vms: z.number(),
    service: z.object({ host: z.string() }).loose(),
  })
  .loose();

export const HypervisorsResponse = z.object({ hypervisors: z.array(HypervisorBody) }).loose();

export interface Hypervisor {
  id: string;
  hostname: string;
  /** The nova-compute host (service.host): what os-services and servers call the host. */
  host: string;
  type: string | undefined;
  vcpus: number;
  vcpusUsed: number;
  memoryMb: number;
  memoryMbUsed: number;
  freeRamMb: number;
  runningVms: number;
}

export function toHypervisor(h: z.infer<typeof HypervisorBody>): Hypervisor {
  return {
    id: h.id,
    hostname: h.hypervisor_hostname,
    host: h.service.host,
    type: h.hypervisor_type,
    vcpus: h.vcpus,
    vcpusUsed: h.vcpus_used,
    memoryMb: h.memory_mb,
    memoryMbUsed: h.memory_mb_used,
    freeRamMb: h.free_ram_mb ?? h.memory_mb - h.memory_mb_used,
    runningVms: h.running_vms,
  };
}

// --- servers ---------------------------------------------------------------------------------------

// The host attributes are admin-only (extended_server_attributes policy): absent, not null, otherwise.
const ADMIN_ONLY = { error: 'missing: stackhop needs an admin token to see server hosts' };

const ServerBody = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.string(),
    tenant_id: z.string().optional(),
    'OS-EXT-SRV-ATTR:host': z.string(ADMIN_ONLY).nullable(),
    'OS-EXT-SRV-ATTR:hypervisor_hostname': z.string().nullish(),
    'OS-EXT-STS:task_state': z.string().nullish(),
    'OS-EXT-STS:vm_state': z.string().nullish(),
    flavor: z.object({ id }).loose().optional(),
    // Present when the server is in ERROR (and on some failed actions).
    fault: z.object({ message: z.string(), code: z.number().optional() }).loose().optional(),
  })
  .loose();

const Link = z.object({ href: z.string(), rel: z.string() }).loose();

export const ServersResponse = z
  .object({ servers: z.array(ServerBody), servers_links: z.array(Link).optional() })
  .loose();

export const ServerResponse = z.object({ server: ServerBody }).loose();

export interface Server {
  id: string;
  name: string;
  /** ACTIVE, MIGRATING, ERROR, SHUTOFF, … */
  status: string;
  tenantId: string | undefined;
  host: string | null;
  hypervisorHostname: string | null;
  /** `migrating` during a live migration; null when no task runs. */
  taskState: string | null;
  vmState: string | null;
  flavorId: string | undefined;
  fault: string | undefined;
}

export function toServer(s: z.infer<typeof ServerBody>): Server {
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    tenantId: s.tenant_id,
    host: s['OS-EXT-SRV-ATTR:host'],
    hypervisorHostname: s['OS-EXT-SRV-ATTR:hypervisor_hostname'] ?? null,
    taskState: s['OS-EXT-STS:task_state'] ?? null,
    vmState: s['OS-EXT-STS:vm_state'] ?? null,
    flavorId: s.flavor?.id,
    fault: s.fault?.message,
  };
}

// --- os-migrations ---------------------------------------------------------------------------------

const MigrationBody = z
  .object({
    id,
    instance_uuid: z.string(),
    source_compute: z.string().nullish(),
    dest_compute: z.string().nullish(),
    status: z.string(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
  })
  .loose();

export const MigrationsResponse = z.object({ migrations: z.array(MigrationBody) }).loose();

export interface Migration {
  id: string;
  instanceUuid: string;
  sourceCompute: string | null;
  destCompute: string | null;
  status: string;
  createdAt: string | null;
  updatedAt: string | null;
}

export function toMigration(m: z.infer<typeof MigrationBody>): Migration {
  return {
    id: m.id,
    instanceUuid: m.instance_uuid,
    sourceCompute: m.source_compute ?? null,
    destCompute: m.dest_compute ?? null,
    status: m.status,
    createdAt: m.created_at ?? null,
    updatedAt: m.updated_at ?? null,
  };
}
