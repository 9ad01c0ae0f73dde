// What the real driver needs from the OpenStack APIs, as a narrow port. drivers/openstack implements
// it over the real clients; the driver never builds a request itself.

import type { ConfigLookup } from '../../catalog/types.js';

export interface ComputeServiceState {
  host: string;
  binary: string;
  enabled: boolean;
  up: boolean;
  disabledReason?: string;
  /** The service's last heartbeat as Nova recorded it (os-services `updated_at`), when reported. */
  updatedAt?: string;
}

export interface ServerInfo {
  id: string;
  name: string;
  status: string;
  host: string;
  /** Task in progress (`migrating`), or undefined. */
  taskState?: string;
}

export interface HypervisorInfo {
  host: string;
  memoryMb: number;
  memoryUsedMb: number;
  runningVms: number;
}

export interface ComputeApi {
  services(filter?: { host?: string; binary?: string }): Promise<ComputeServiceState[]>;
  disable(host: string, binary: string, reason: string): Promise<void>;
  enable(host: string, binary: string): Promise<void>;
  serversOnHost(host: string): Promise<ServerInfo[]>;
  /** Every server of every tenant (for the ERROR-instance pre-flight). */
  allServers(): Promise<ServerInfo[]>;
  hypervisors(): Promise<HypervisorInfo[]>;
  /** Starts a live migration (target chosen by the scheduler when undefined) and waits for its end. */
  liveMigrate(serverId: string, target: string | undefined, signal: AbortSignal): Promise<ServerInfo>;
  /** Waits for a live migration already under way (one started before a crash) to end. */
  waitForMigration(serverId: string, sourceHost: string, signal: AbortSignal): Promise<ServerInfo>;
  /**
   * Boots the smallest flavor from the first active image, waits for ACTIVE, deletes it: the smoke
   * test that the whole compute path works. Resolves with where it ran.
   */
  smokeBoot(signal: AbortSignal): Promise<{ host: string; seconds: number }>;
  /** Whether an API endpoint answers (status < 500). */
  reachable(url: string, signal?: AbortSignal): Promise<boolean>;
}

export interface CloudApi {
  compute: ComputeApi;
  /**
   * The same cloud seen through another region of its catalog (parallel-compute's new Nova), opened on
   * first use: its endpoints exist only once registered.
   */
  region(name: string): Promise<CloudApi>;
  /** A value a config edit needs at run time (service tenant id, endpoint URLs). */
  lookup(name: ConfigLookup): Promise<string>;
  /** Public endpoints by stackhop's API names (`compute-api` …), for checks and downtime probes. */
  endpoints(): Readonly<Record<string, string>>;
  /**
   * parallel-compute: adds a service's endpoints (public, internal, admin) in a region (Keystone v3),
   * at `url`, or at the URLs it has in the session's region when `url` is undefined (a shared cinder).
   */
  registerEndpoint(service: 'compute' | 'volume', region: string, url: string | undefined): Promise<string>;
  hasEndpoint(service: 'compute' | 'volume', region: string): Promise<boolean>;
  removeEndpoint(service: 'compute' | 'volume', region: string): Promise<void>;
  /** Secrets the session holds (token), for the redactor. */
  secrets(): readonly string[];
  close(): Promise<void>;
}
