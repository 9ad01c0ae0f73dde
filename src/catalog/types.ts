// The release catalog's contracts. Everything that differs between releases, distros and release pairs
// is data of these shapes; planners and drivers read it and never name a release themselves.

/** Logical service names used in inventories and plans (DESIGN §3). */
export type ServiceName = string;
/** OpenStack projects: the unit of a DB sync and of a config directory under /etc. */
export type ProjectName =
  | 'keystone'
  | 'glance'
  | 'nova'
  | 'neutron'
  | 'cinder'
  | 'heat'
  | 'ceilometer'
  | 'horizon'
  | 'placement';

export type Role = 'controller' | 'network' | 'compute' | 'storage' | 'database' | 'messaging' | 'dashboard';
export const ROLES: readonly Role[] = [
  'controller',
  'network',
  'compute',
  'storage',
  'database',
  'messaging',
  'dashboard',
];

export type Networking = 'neutron-ovs' | 'neutron-ml2' | 'nova-network';
export const NETWORKING_MODES: readonly Networking[] = ['neutron-ovs', 'neutron-ml2', 'nova-network'];

export type DistroId = 'ubuntu-12.04-uca' | 'ubuntu-14.04' | 'rhel-6-rdo' | 'centos-6-rdo' | 'debian-12';
export const DISTROS: readonly DistroId[] = [
  'ubuntu-12.04-uca',
  'ubuntu-14.04',
  'rhel-6-rdo',
  'centos-6-rdo',
  'debian-12',
];
/** Package naming and layout: Debian's own OpenStack packages differ from Ubuntu's (python3-*, units). */
export type DistroFamily = 'ubuntu' | 'rhel' | 'debian';

/** A value that differs by distro family; `default` applies where a family has no entry. */
export type PerFamily<T> = Partial<Record<DistroFamily, T>> & { default?: T };

/** API outages a step can open or close (DESIGN §4); `compute-control:<host>` is built per host. */
export type ApiOutage =
  | 'identity-api'
  | 'image-api'
  | 'compute-api'
  | 'placement-api'
  | 'network-api'
  | 'volume-api'
  | 'orchestration-api'
  | 'telemetry-api'
  | 'dashboard';

export interface ServiceDef {
  name: ServiceName;
  project: ProjectName;
  /** Distro packages that carry this service's code. */
  packages: PerFamily<readonly string[]>;
  /** Init-script / unit names that `service <unit> stop|start` acts on. */
  units: PerFamily<readonly string[]>;
  /**
   * Whether the service talks to its project's database directly. Only these must be stopped while the
   * project's schema migrates; nova-compute reaches the DB through nova-conductor (`[conductor] use_local`
   * defaults to False), which is what makes a live compute upgrade possible.
   */
  dbAccess: boolean;
  /** The API this service serves, if any: stopping every backend of it opens that outage. */
  api?: ApiOutage;
  /** Nova's compute-side services: upgraded on compute hosts, in batches in the rolling scenarios. */
  computeSide?: boolean;
}

export interface RoleDef {
  role: Role;
  /** Services a host with this role runs, per networking mode. */
  services: Partial<Record<Networking, readonly ServiceName[]>> & { default: readonly ServiceName[] };
}

export interface ReleaseDef {
  name: string;
  /** Upstream version of the release's first tag, e.g. 2013.2 for Havana. */
  version: string;
  /**
   * Since Liberty each project numbers its own versions (Zed: nova 26, keystone 22, placement 8): the
   * upstream version prefix per project, where it is not `version`.
   */
  projectVersions?: Partial<Record<ProjectName, string>>;
  services: readonly ServiceDef[];
  roles: readonly RoleDef[];
  /** Networking modes the release supports; default every mode. */
  networking?: readonly Networking[];
  /** Expected DB schema head per project once this release's db sync has run. */
  schemaHeads: Partial<Record<ProjectName, string>>;
  /** Config directories per project, backed up before anything changes. */
  configDirs: Partial<Record<ProjectName, PerFamily<readonly string[]>>>;
  /** Databases per project (mysqldump targets): the one its db sync migrates. */
  databases: Partial<Record<ProjectName, string>>;
  /**
   * Further databases a project's sync migrates besides `databases[project]` (Nova's API and cell0
   * databases since Newton): dumped with it and restored with it.
   */
  extraDatabases?: Partial<Record<ProjectName, readonly string[]>>;
  /**
   * How the release's services talk to each other (Nova RPC, Neutron → Nova events): what the twin
   * checks when old and new code run side by side. Absent for releases nobody rehearses.
   */
  rpc?: ReleaseRpcDef;
}

/** One RPC endpoint a release's server offers on a topic. */
export interface RpcEndpointDef {
  /**
   * The newest version of its major the server accepts. oslo.messaging dispatches a message of version
   * v to an endpoint with the same major and a minor ≥ v's minor.
   */
  max: string;
  /** The endpoint exists only from this point release on (Havana's compute 3.0 proxy: 2013.2.2). */
  since?: string;
}

/** One RPC topic (`[upgrade_levels]` option) as one release implements it, server and client side. */
export interface RpcTopicDef {
  serves: readonly RpcEndpointDef[];
  /** Version the release's client sends when it is not pinned: its newest. */
  sends: string;
  /**
   * The client's VERSION_ALIASES: a pin is looked up here, any other value is taken as a literal
   * version (`VERSION_ALIASES.get(value, value)`, facts §3.1).
   */
  aliases: Readonly<Record<string, string>>;
  /** Aliases that exist only from a point release on (alias → first point release). */
  aliasesSince?: Readonly<Record<string, string>>;
  /**
   * The client has one version only and cannot honour a lower cap: every send fails under such a pin
   * (Icehouse compute → conductor always targets 2.0, facts §3.3).
   */
  uncappable?: boolean;
  reason: string;
}

/** Which services send on a topic and which serve it. */
export interface RpcLinkDef {
  topic: string;
  clients: readonly ServiceName[];
  servers: readonly ServiceName[];
  /**
   * `env`: every client talks to every server of the same Nova deployment (background traffic);
   * `host`: only to the server on its own host; `migration`: only while an instance moves between two
   * servers (compute ↔ compute during live migration and resize).
   */
  scope: 'env' | 'host' | 'migration';
  /**
   * Clients cannot work without a compatible server: they fail to start when every running server
   * rejects their version, and report down while none runs (nova-compute and nova-conductor).
   */
  required?: boolean;
  reason: string;
}

/** An HTTP API one service calls on another to push events (Neutron → Nova external events). */
export interface EventApiDef {
  api: string;
  sender: ServiceName;
  receiver: ServiceName;
  /** This release's sender calls the API. */
  sends: boolean;
  /** This release's receiver serves the API. */
  serves: boolean;
  /** The sender sends nothing when every one of these options is set to `off`. */
  senderSwitch?: { file: string; section: string; keys: readonly string[]; off: string };
  /**
   * A service of this release that waits for the events when it boots an instance, unless the option
   * (file, section, key) is set to `off`.
   */
  waiter?: { service: ServiceName; file: string; section: string; key: string; off: string };
  reason: string;
}

export interface ReleaseRpcDef {
  /** Per `[upgrade_levels]` topic name: compute, conductor, scheduler, network. */
  topics: Readonly<Record<string, RpcTopicDef>>;
  links: readonly RpcLinkDef[];
  events: readonly EventApiDef[];
  /** Services whose stop or restart interrupts the network of the instances on the same host. */
  dataPlane: readonly ServiceName[];
}

/** Where a config value comes from. Secrets are never literals in the catalog or in a plan. */
export type ConfigValue =
  | { literal: string }
  /** Copied at run time from another file on the same host (e.g. rabbit credentials from nova.conf). */
  | { copyFrom: { file: string; section: string; key: string } }
  /** Looked up at run time (e.g. the service tenant's id from Keystone). */
  | { lookup: ConfigLookup };

/**
 * Values only known at run time. `parallel-*` describe the new Nova deployment of parallel-compute:
 * its own database and its own Keystone region.
 */
export type ConfigLookup =
  | 'service-tenant-id'
  | 'nova-api-url'
  | 'keystone-admin-url'
  | 'parallel-nova-db-url'
  | 'parallel-nova-api-url'
  | 'parallel-region';

export type ConfigEditOp =
  | { op: 'set'; section: string; key: string; value: ConfigValue }
  /** Move a key to another section (and rename it), keeping its value. */
  | { op: 'move'; section: string; key: string; toSection: string; toKey: string }
  /** Replace known old values by new ones; leave any other value alone. */
  | { op: 'map'; section: string; key: string; map: Readonly<Record<string, string>> }
  | { op: 'unset'; section: string; key: string }
  /** Comment out every key of a section except the listed ones (api-paste authtoken cleanup). */
  | { op: 'comment-section'; section: string; keep: readonly string[] }
  /** A Python assignment in Django settings (Horizon's local_settings). */
  | { op: 'python-assign'; name: string; map: Readonly<Record<string, string>> }
  /** A key of a JSON object file (policy.json). */
  | { op: 'json-set'; key: string; value: string }
  | { op: 'symlink'; target: string };

export type ConfigFormat = 'ini' | 'python' | 'json' | 'symlink';

/** Which hosts a config edit applies to. */
export interface EditScope {
  /** The edit applies on hosts running any of these services. */
  services: readonly ServiceName[];
  /** Only for these networking modes. */
  networking?: readonly Networking[];
  /** Only for these distro families. */
  families?: readonly DistroFamily[];
  /**
   * When in the upgrade the edit is made: `upgrade` (with the service's package upgrade, the default),
   * `stay-on-old` (on hosts that keep running the old release while others move: before the first
   * controller starts on the new release), `final` (in the final clean-up).
   */
  when?: 'upgrade' | 'stay-on-old' | 'final';
  /** Scenarios that need it (default: all). */
  scenarios?: readonly ScenarioId[];
}

export interface ConfigEditDef {
  id: string;
  project: ProjectName;
  file: PerFamily<string>;
  format: ConfigFormat;
  ops: readonly ConfigEditOp[];
  scope: EditScope;
  /** Why the edit is needed, with the source. */
  reason: string;
  /** Packages to install first (the ML2 plug-in on RDO). */
  installs?: PerFamily<readonly string[]>;
}

export type PreSyncFix = 'token-flush' | 'utf8-conversion' | 'ml2-conversion';

export interface PreSyncDef {
  project: ProjectName;
  fix: PreSyncFix;
  /** Commands run on the DB-sync host, as the service user where `asUser` is given. */
  commands: readonly string[];
  asUser?: string;
  /** Tables touched (UTF-8 conversion). */
  tables?: readonly string[];
  networking?: readonly Networking[];
  /** Cannot be undone by restoring packages; only the DB backup brings the old state back. */
  irreversible?: boolean;
  /**
   * Safe while the project's services run, with the old release's tools (keystone's token_flush exists
   * in Havana): done before the stop, so it does not lengthen the outage.
   */
  online?: boolean;
  /** The fix empties its cost table (expired tokens), so the schema migration after it has few rows left. */
  empties?: string;
  reason: string;
  /** Seconds per row of `costTable` (facts.db_rows) plus a fixed part. */
  cost: { fixed_s: number; table?: string; s_per_row?: number };
}

export interface DbSyncDef {
  project: ProjectName;
  commands: readonly string[];
  /** Run as this user: `su -s /bin/sh -c "<cmd>" <user>`. */
  asUser: string;
  /** Command that prints the schema version (probe). */
  versionCommand: string;
  fromHead: string;
  toHead: string;
  /** Migrations that scale with table size: what they do and which facts.db_rows table drives them. */
  heavy: readonly { table: string; migrations: string; s_per_row: number }[];
  fixed_s: number;
  /** What is down while the sync runs. */
  downWhileRunning: string;
  reason?: string;
}

export interface RpcPinDef {
  /** `[upgrade_levels]` option. */
  service: string;
  /** Value written while old and new releases are mixed. */
  level: string;
  /** Alias table of the target release for this option (documentation and validation). */
  aliases: Readonly<Record<string, string>>;
  /** Set on hosts running these services. */
  hosts: readonly ServiceName[];
  networking?: readonly Networking[];
  reason: string;
}

export interface RepositoryDef {
  /** Human description of the switch, shown in plans. */
  description: string;
  remove: readonly string[];
  add: readonly string[];
  /** Command that refreshes the package index. */
  refresh: string;
}

export interface DistroProfile {
  id: DistroId;
  family: DistroFamily;
  title: string;
  packageManager: 'apt' | 'yum';
  /** How services are driven: `service <unit> <verb>`. */
  initSystem: 'service';
  /** Suffix of new config files left by the package manager. */
  newConfigSuffix: string;
  /** Releases available on this distro and how to get them. */
  repositories: Readonly<Record<string, RepositoryDef>>;
  notes?: readonly string[];
}

export type ScenarioId = 'all-at-once' | 'service-by-service' | 'parallel-compute' | 'live-compute';
export const SCENARIOS: readonly ScenarioId[] = [
  'all-at-once',
  'service-by-service',
  'parallel-compute',
  'live-compute',
];

/** One project's turn in the service-by-service order. */
export interface OrderEntry {
  project: ProjectName;
  reason: string;
}

/** Everything specific to upgrading one release to the next. */
export interface UpgradePack {
  from: string;
  to: string;
  title: string;
  /**
   * `point-release`: an update within one release (`from` = `to`, e.g. Debian's zed 26.2.2-1~deb12u4 →
   * ~deb12u5). Upstream versions cannot tell the two apart, so a package counts as upgraded when it is at
   * the candidate version of the host's configured repositories, not when it matches a release version.
   * Default `release`.
   */
  kind?: 'release' | 'point-release';
  /**
   * Whether the plan upgrades every package of a host (dist-upgrade / yum upgrade) where OPS does, at the
   * end or while a compute is drained. A point-release update changes only the OpenStack packages:
   * the rest of the host is the operator's own patching. Default true.
   */
  fullUpgrade?: boolean;
  /** Scenarios this pack cannot plan, each with the reason shown to the operator. */
  unsupported?: Partial<Record<ScenarioId, string>>;
  /**
   * Projects in upgrade order. Nova appears twice in the rolling scenarios: controllers at their place
   * here, computes at the end; neutron-server follows the Nova controllers (`neutronAfterNovaControllers`).
   */
  order: readonly OrderEntry[];
  /** Neutron must follow the Nova controllers (external events API) and precede the computes. */
  neutronAfterNovaControllers: boolean;
  /** Projects whose services may run mixed old/new versions (only Nova, through the pin). */
  mixedVersion: readonly ProjectName[];
  preSync: readonly PreSyncDef[];
  dbSync: readonly DbSyncDef[];
  configEdits: readonly ConfigEditDef[];
  pins: readonly RpcPinDef[];
  /** Minimum old-release version of a service for the live scenario, checked in pre-flight. */
  liveMinimum: readonly { service: ServiceName; version: string; reason: string }[];
  /** Restart these after the final full package upgrade (glance client on computes). */
  finalRestart: readonly ServiceName[];
  warnings: readonly { id: string; text: string; scenarios?: readonly ScenarioId[] }[];
  /**
   * parallel-compute: config that keeps the new Nova apart from the old one on the shared broker and
   * database server (RH5 parallel-nova: its own database and message topics, its own region).
   */
  parallelEnvironment: readonly ConfigEditDef[];
  /** parallel-compute: neutron's Nova notifications re-pointed at the new Nova once it serves. */
  parallelNeutron: readonly ConfigEditDef[];
  sources: Readonly<Record<string, string>>;
}

/** Default step durations, overridable later by measured runs. */
export interface DurationDefaults {
  'backup-config': number;
  'switch-repository': number;
  'upgrade-packages': number;
  'upgrade-packages-full': number;
  'stop-services': number;
  'start-services': number;
  'restart-services': number;
  'edit-config': number;
  'set-rpc-pin': number;
  'clear-rpc-pin': number;
  'disable-compute': number;
  'enable-compute': number;
  'wait-services': number;
  verify: number;
  gate: number;
  'register-endpoint': number;
  'retarget-compute': number;
  decommission: number;
  /** mysqldump throughput and per-row size, for backup-database. */
  dump_bytes_per_s: number;
  dump_bytes_per_row: number;
  dump_fixed_s: number;
  /** Per live migration: fixed overhead plus RAM / bandwidth. */
  migration_overhead_s: number;
  /** Cold migration / redeploy into the new region per instance. */
  redeploy_per_instance_s: number;
}

export interface Catalog {
  releases: Readonly<Record<string, ReleaseDef>>;
  packs: readonly UpgradePack[];
  distros: Readonly<Record<DistroId, DistroProfile>>;
  durations: DurationDefaults;
}
