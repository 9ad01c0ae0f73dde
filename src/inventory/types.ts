// The validated, expanded inventory: what planners consume. The YAML contract is DESIGN §3; this is
// its in-memory form after host ranges are expanded and roles resolved into services.

import type { DistroId, Networking, Role, ServiceName } from '../catalog/types.js';

export interface Host {
  name: string;
  /** Literal address, or undefined when the name is resolved as a host name. */
  address: string | undefined;
  roles: readonly Role[];
  /** Services the host runs: from its roles through the catalog, or its own `services:` override. */
  services: readonly ServiceName[];
  /** The inventory entry it came from (`cmp[001:120]`): hosts of one entry form a host class. */
  group: string;
  /** A spare host (parallel-compute): starts empty and joins the new environment. */
  spare: boolean;
  /** Where the entry is in the inventory file, for later error messages. */
  line: number;
}

export interface SshSettings {
  user: string;
  port: number;
  identity_file?: string;
  known_hosts?: string;
  jump_host?: string;
}

export type CanaryStep = number | `${number}%`;
export type DrainMode = 'live-migrate' | 'wait' | 'cold-migrate' | 'none';
export type GatePoint = 'before-changes' | 'after-controllers' | 'after-canary';

export interface Policy {
  max_parallel_computes: number;
  /** Batch-size ramp, as Ansible's `serial` list: the last entry repeats. */
  canary: readonly CanaryStep[];
  max_failed_hosts: number;
  drain: DrainMode;
  /** Points where the run waits for an operator's approval. */
  gates: readonly GatePoint[];
}

export interface Facts {
  instances?: number;
  instance_ram_mb?: number;
  migration_bandwidth_mbps?: number;
  /** Rows per table, `project.table` → count (`nova.instances`, `keystone.token`, `heat.event`). */
  db_rows: Readonly<Record<string, number>>;
  /** Known installed versions, service → version (e.g. `nova-compute: 2013.2.3`). */
  versions: Readonly<Record<string, string>>;
  /** How long waiting for workloads to end takes on one compute, for `drain: wait`. */
  drain_wait_s?: number;
}

export interface Inventory {
  /** The file it was read from (for messages). */
  file: string;
  cloud: string;
  upgrade: { from: string; to: string };
  distro: DistroId;
  networking: Networking;
  ssh: SshSettings;
  openstack: { cloud?: string; auth_url?: string; region?: string; smoke_network?: string };
  database: { host: string };
  hosts: readonly Host[];
  spare_hosts: readonly Host[];
  facts: Facts;
  policy: Policy;
  /**
   * Where fields are in the file (`spare_hosts`, `policy.max_parallel_computes`, `facts.versions.nova-compute`),
   * so problems found after loading, by a planner, still point at a line.
   */
  positions: Readonly<Record<string, { line: number; col: number }>>;
}
