// INTERIM stand-in (see README.md): the in-memory cloud behind the fake APIs. Plain data the handlers
// read and change; the liveness of every service comes from the test's `serviceUp` callback.

import { randomUUID } from 'node:crypto';

export type ServiceUp = (host: string, binary: string) => boolean | Promise<boolean>;

export interface ComputeSpec {
  host: string;
  /** Default 16384. */
  ramMb?: number;
  /** Default 8. */
  vcpus?: number;
  /** nova-compute enabled for scheduling. Default true. */
  enabled?: boolean;
  disabledReason?: string;
}

export interface ServerSpec {
  id?: string;
  name?: string;
  host: string;
  /** Default 2048. */
  ramMb?: number;
  /** Default 1. */
  vcpus?: number;
  /** Default the stand-in user's project. */
  tenantId?: string;
}

/** A row of os-migrations (resizes and cold migrations; Havana recorded no live migrations). */
export interface MigrationSpec {
  instanceUuid: string;
  sourceCompute: string;
  destCompute: string;
  status: string;
}

export interface User {
  name: string;
  password: string;
  /** Project (tenant) name; its id is derived. */
  project: string;
  /** Domain name for v3 (id `default` when it is "Default"). */
  domain: string;
}

export interface NovaServiceRow {
  id: number;
  binary: string;
  host: string;
  zone: string;
  disabled: boolean;
  disabledReason: string | null;
}

export interface Hypervisor {
  id: number;
  host: string;
  ramMb: number;
  vcpus: number;
}

export interface ServerRow {
  id: string;
  name: string;
  tenantId: string;
  host: string;
  ramMb: number;
  vcpus: number;
  vmState: 'active' | 'error' | 'stopped';
  taskState: string | null;
  fault: { message: string; code: number; created: string } | undefined;
  created: string;
  updated: string;
}

export interface AgentRow {
  id: string;
  agentType: string;
  binary: string;
  host: string;
  topic: string;
  adminStateUp: boolean;
}

export interface CinderServiceRow {
  binary: string;
  host: string;
  zone: string;
  disabled: boolean;
}

export interface MigrationRow extends MigrationSpec {
  id: number;
  created: string;
}

export interface TokenRow {
  expiresAt: number;
  projectId: string;
  userId: string;
}

export interface State {
  user: User;
  projectId: string;
  userId: string;
  services: NovaServiceRow[];
  hypervisors: Map<string, Hypervisor>;
  /** Insertion-ordered: the order of listings and of pages. */
  servers: Map<string, ServerRow>;
  agents: AgentRow[];
  cinderServices: CinderServiceRow[];
  migrations: MigrationRow[];
  tokens: Map<string, TokenRow>;
  serviceUp: ServiceUp;
}

export const DEFAULT_USER: User = {
  name: 'admin',
  password: 'stand-in-password-7d1f',
  project: 'admin',
  domain: 'Default',
};

export function iso(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** A stable id from a name, in Keystone's 32-hex-digit style. */
export function idOf(kind: string, name: string): string {
  let h = 0x811c9dc5;
  const s = `${kind}:${name}`;
  let out = '';
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ round, 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}

export function buildState(o: {
  user: User;
  computes: readonly (string | ComputeSpec)[];
  controllers: readonly string[];
  servers: readonly ServerSpec[];
  migrations: readonly MigrationSpec[];
  serviceUp: ServiceUp;
}): State {
  const projectId = idOf('project', o.user.project);
  const services: NovaServiceRow[] = [];
  const hypervisors = new Map<string, Hypervisor>();
  const agents: AgentRow[] = [];
  const cinderServices: CinderServiceRow[] = [];
  const now = iso();
  let nextId = 1;
  const agent = (host: string, binary: string, agentType: string, topic: string) =>
    agents.push({ id: randomUUID(), host, binary, agentType, topic, adminStateUp: true });
  for (const host of o.controllers) {
    for (const binary of ['nova-cert', 'nova-consoleauth', 'nova-scheduler', 'nova-conductor']) {
      services.push({ id: nextId++, binary, host, zone: 'internal', disabled: false, disabledReason: null });
    }
    agent(host, 'neutron-dhcp-agent', 'DHCP agent', 'dhcp_agent');
    agent(host, 'neutron-l3-agent', 'L3 agent', 'l3_agent');
    agent(host, 'neutron-metadata-agent', 'Metadata agent', 'N/A');
    agent(host, 'neutron-openvswitch-agent', 'Open vSwitch agent', 'N/A');
    cinderServices.push({ binary: 'cinder-scheduler', host, zone: 'nova', disabled: false });
    cinderServices.push({ binary: 'cinder-volume', host, zone: 'nova', disabled: false });
  }
  for (const c of o.computes) {
    const spec: ComputeSpec = typeof c === 'string' ? { host: c } : c;
    const id = nextId++;
    services.push({
      id,
      binary: 'nova-compute',
      host: spec.host,
      zone: 'nova',
      disabled: spec.enabled === false,
      disabledReason: spec.enabled === false ? (spec.disabledReason ?? null) : null,
    });
    hypervisors.set(spec.host, {
      id: hypervisors.size + 1,
      host: spec.host,
      ramMb: spec.ramMb ?? 16384,
      vcpus: spec.vcpus ?? 8,
    });
    agent(spec.host, 'neutron-openvswitch-agent', 'Open vSwitch agent', 'N/A');
  }
  const servers = new Map<string, ServerRow>();
  o.servers.forEach((s, i) => {
    if (!hypervisors.has(s.host)) throw new Error(`stand-in: server on unknown compute ${s.host}`);
    const id = s.id ?? randomUUID();
    servers.set(id, {
      id,
      name: s.name ?? `vm-${i + 1}`,
      tenantId: s.tenantId ?? projectId,
      host: s.host,
      ramMb: s.ramMb ?? 2048,
      vcpus: s.vcpus ?? 1,
      vmState: 'active',
      taskState: null,
      fault: undefined,
      created: now,
      updated: now,
    });
  });
  return {
    user: o.user,
    projectId,
    userId: idOf('user', o.user.name),
    services,
    hypervisors,
    servers,
    agents,
    cinderServices,
    migrations: o.migrations.map((m, i) => ({ ...m, id: i + 1, created: now })),
    tokens: new Map(),
    serviceUp: o.serviceUp,
  };
}

/** Nova's API status from vm_state and task_state (nova/api/openstack/common.py status_from_state). */
export function serverStatus(s: ServerRow): string {
  if (s.vmState === 'error') return 'ERROR';
  if (s.vmState === 'stopped') return 'SHUTOFF';
  if (s.taskState === 'migrating') return 'MIGRATING';
  return 'ACTIVE';
}

/** RAM in use on a compute: the host's reserved 512 MB (reserved_host_memory_mb) and its servers. */
export function ramUsed(state: State, host: string): number {
  let used = 512;
  for (const s of state.servers.values()) if (s.host === host) used += s.ramMb;
  return used;
}
