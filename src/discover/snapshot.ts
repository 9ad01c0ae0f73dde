// What `stackhop discover` read from a cloud: plain data, no clients, no secrets. gather.ts fills it from
// the APIs; build.ts turns it into an inventory without any I/O, so tests hand-write snapshots.

/** One API answer: what it said, or why nothing could be learned from it (no endpoint, 403, 404). */
export type Learned<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface SnapshotEndpoint {
  /** Catalog service type: identity, compute, network, volumev3, placement, … */
  type: string;
  interface: 'public' | 'internal' | 'admin';
  region: string | undefined;
  /** Host part of the URL (a name or an address, IPv6 without brackets). */
  host: string;
}

export interface SnapshotService {
  binary: string;
  /** As the API reports it; Cinder's `host@backend` is left as is. */
  host: string;
  state?: string;
  status?: string;
}

export interface SnapshotAgent {
  binary: string;
  host: string;
  agentType?: string;
}

export interface SnapshotHypervisor {
  hostname: string;
  /** service.host: the nova-compute host. */
  host: string | undefined;
  hostIp: string | undefined;
  memoryMb?: number | undefined;
  runningVms?: number | undefined;
}

export interface SnapshotServers {
  count: number;
  /** Servers per flavor id (flavors given by id, v2.0/v2.1 answers). */
  byFlavor: Record<string, number>;
  /** Servers whose answer carried the flavor's RAM itself (2.47+). */
  embeddedRamMb: number;
  embeddedRamCount: number;
}

export interface CloudSnapshot {
  /** How the credentials were found; names only. */
  source: {
    /** `--os-cloud NAME`. */
    osCloud?: string | undefined;
    /** OS_CLOUD, when it chose the clouds.yaml entry instead of the option. */
    envCloud?: string | undefined;
    /** Host of the Keystone auth URL. */
    authHost: string;
    /** The region the credentials asked for, if any. */
    regionName?: string | undefined;
  };
  /** Every region the token's catalog lists. */
  regions: readonly string[];
  /** The region read (the configured one, else the compute endpoint's); undefined when the catalog has none. */
  region: string | undefined;
  /** The catalog's endpoints in `region` (and those without a region). */
  endpoints: readonly SnapshotEndpoint[];
  compute: {
    /** Newest microversion of the compute API; `null` when it has none (v2.0 only: Havana, Icehouse). */
    maxMicroversion: Learned<string | null>;
    services: Learned<readonly SnapshotService[]>;
    hypervisors: Learned<readonly SnapshotHypervisor[]>;
    servers: Learned<SnapshotServers>;
    /** RAM (MB) per flavor id. */
    flavors: Learned<Readonly<Record<string, number>>>;
  };
  network: { agents: Learned<readonly SnapshotAgent[]> };
  volume: { services: Learned<readonly SnapshotService[]> };
}
