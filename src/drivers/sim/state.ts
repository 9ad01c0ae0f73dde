// The twin's model of the cloud: hosts, services, databases, as plain mutable records the cloud model
// (cloud.ts) owns. Built here from an inventory: every service installed from and running the `from`
// release, computes enabled, schemas at the `from` heads; spare hosts empty and outside every Nova
// deployment until the plan brings them in.

import { findPack, isNovaControllerDef, releaseOf, serviceDef } from '../../catalog/index.js';
import type {
  Catalog,
  ProjectName,
  ReleaseDef,
  RpcLinkDef,
  ScenarioId,
  ServiceDef,
  ServiceName,
  UpgradePack,
} from '../../catalog/types.js';
import type { Host, Inventory } from '../../inventory/types.js';
import { installedRelease } from '../../plan/check/state.js';
import { effectiveSpareHosts } from '../../plan/planners/spare-hosts.js';
import { type ResolvedFacts, resolveFacts } from '../../plan/step-estimate.js';
import type { Environment } from '../../plan/types.js';
import type { Send } from './rpc.js';

/** The hypervisor service: what compute-control, scheduling and computeStatus are about. */
export const COMPUTE = 'nova-compute';

/** Host RAM capacity in instance slots, relative to the average load per compute (documented default). */
export const HOST_SLOTS_FACTOR = 2;

export interface TwinContext {
  inventory: Inventory;
  catalog: Catalog;
  scenario: ScenarioId;
  seed: number;
  pack: UpgradePack;
  from: ReleaseDef;
  to: ReleaseDef;
  facts: ResolvedFacts;
  /** Services of a name, as the target release defines them (both releases share the definitions). */
  def: (name: ServiceName) => ServiceDef;
  release: (name: string) => ReleaseDef;
  /** RPC links between services (identical in both releases of the pack). */
  links: readonly RpcLinkDef[];
  /** Edit ids that move a host's Nova into the new environment (parallel-compute). */
  parallelEdits: ReadonlySet<string>;
  /** Edit ids that point neutron-server's Nova events at the new environment. */
  parallelNeutronEdits: ReadonlySet<string>;
  /** Number of compute hosts of the cloud (not spares): the load average divides by it. */
  computes: number;
  slotsPerHost: number;
}

export function createTwinContext(
  inventory: Inventory,
  catalog: Catalog,
  scenario: ScenarioId,
  seed: number,
): TwinContext {
  const { from: fromName, to: toName } = inventory.upgrade;
  const pack = findPack(catalog, fromName, toName);
  if (pack === undefined) throw new Error(`the catalog has no upgrade pack for ${fromName} → ${toName}`);
  const to = releaseOf(catalog, toName);
  // A point-release update has one release name at both ends: the code installed before the package
  // step gets its own name, so the twin (probes, the mixed-version window, what is not yet on the
  // target) tells it from the code after, as the checker does.
  const installed = releaseOf(catalog, fromName);
  const from = fromName === toName ? { ...installed, name: installedRelease(fromName, toName) } : installed;
  const computes = inventory.hosts.filter((h) => h.services.includes(COMPUTE)).length;
  const facts = resolveFacts(inventory.facts, computes);
  const perHost = Math.ceil(facts.instances / Math.max(computes, 1));
  return {
    inventory,
    catalog,
    scenario,
    seed,
    pack,
    from,
    to,
    facts,
    def: (name) => serviceDef(to, name),
    release: (name) => (name === from.name ? from : releaseOf(catalog, name)),
    links: to.rpc?.links ?? from.rpc?.links ?? [],
    parallelEdits: new Set(pack.parallelEnvironment.map((e) => e.id)),
    parallelNeutronEdits: new Set(pack.parallelNeutron.map((e) => e.id)),
    computes,
    slotsPerHost: Math.max(1, Math.ceil(HOST_SLOTS_FACTOR * perHost)),
  };
}

/** What a process read when it started: code, config and pins count only from the next (re)start. */
export interface RunInfo {
  release: string;
  /** Point release (2013.2.3) when the facts give it; undefined = assume the newest of the release. */
  point: string | undefined;
  /** Nova deployment its config points it at (parallel-compute's topics and database). */
  env: Environment;
  /** `[upgrade_levels]` at start, topic → level. */
  pins: Readonly<Record<string, string>>;
  /** The host's config generation at start: a later edit or pin needs a restart to count. */
  configGen: number;
  /** neutron-server: the Nova deployment it sends its events to. */
  notifyEnv: Environment;
  /** Config values at start, `file|section|key` → value (what the event waiter reads). */
  config: ReadonlyMap<string, string>;
}

export interface ServiceState {
  readonly key: string;
  readonly host: HostState;
  readonly name: ServiceName;
  readonly def: ServiceDef;
  /** Release of the installed packages; undefined on a spare host before its first install. */
  installed: string | undefined;
  /** Decommissioned: gone from the host and from every count. */
  removed: boolean;
  run: RunInfo | undefined;
  // Derived by the cloud model (cloud.ts), never set elsewhere:
  /** Running, and its code matches its database's schema. */
  healthy: boolean;
  /** Reports up, as `nova service-list` / `neutron agent-list` would show. */
  up: boolean;
  /** What it sends on each client link (index into the links), fixed at start. */
  sends: Map<number, Send>;
  /** Database it is indexed under while running (dbAccess services). */
  db: string | undefined;
  apiEnv: Environment | undefined;
  slot: string | undefined;
  slotUp: boolean;
  placedEnv: Environment | undefined;
  mixedKey: string | undefined;
}

export interface HostState {
  readonly name: string;
  readonly index: number;
  readonly spare: boolean;
  /** Nova deployment the host belongs to; undefined for a spare host not yet brought in. */
  env: Environment | undefined;
  /** Release whose package repository the host uses. */
  repo: string;
  /** Scheduling enabled (`nova service-enable`); meaningful on computes. */
  enabled: boolean;
  readonly pins: Map<string, string>;
  /** Ids of the config edits applied. */
  readonly edits: Set<string>;
  /** Config values set by edits, `file|section|key` → value. */
  readonly config: Map<string, string>;
  configGen: number;
  readonly services: Map<ServiceName, ServiceState>;
  /** Instance numbers running here (InstanceTable indexes), in arrival order. */
  instances: number[];
  readonly capacityMb: number;
  usedMb: number;
  /** Backups taken here (`database:<name>`, `config:<path>`). */
  readonly backups: Set<string>;
  /** Counted in compute-control: true from the first time its nova-compute was up. */
  inService: boolean;
}

export interface DbState {
  readonly name: string;
  readonly project: ProjectName;
  head: string;
  /** Pre-sync fixes applied (token-flush, utf8-conversion, ml2-conversion). */
  readonly fixes: Set<string>;
}

export function configKey(file: string, section: string, key: string): string {
  return `${file}|${section}|${key}`;
}

function newService(host: HostState, name: ServiceName, def: ServiceDef, installed: string | undefined) {
  const s: ServiceState = {
    key: `${host.name}/${name}`,
    host,
    name,
    def,
    installed,
    removed: false,
    run: undefined,
    healthy: false,
    up: false,
    sends: new Map(),
    db: undefined,
    apiEnv: undefined,
    slot: undefined,
    slotUp: false,
    placedEnv: undefined,
    mixedKey: undefined,
  };
  host.services.set(name, s);
  return s;
}

function newHost(ctx: TwinContext, h: Host, index: number, spare: boolean): HostState {
  const host: HostState = {
    name: h.name,
    index,
    spare,
    env: spare ? undefined : 'old',
    repo: ctx.from.name,
    enabled: true,
    pins: new Map(),
    edits: new Set(),
    config: new Map(),
    configGen: 0,
    services: new Map(),
    instances: [],
    capacityMb: h.services.includes(COMPUTE) ? ctx.slotsPerHost * ctx.facts.instance_ram_mb : 0,
    usedMb: 0,
    backups: new Set(),
    inService: !spare,
  };
  for (const name of h.services) newService(host, name, ctx.def(name), spare ? undefined : ctx.from.name);
  return host;
}

/** Cloud hosts in inventory order, then the spare hosts with the services they will run. */
export function initialHosts(ctx: TwinContext): HostState[] {
  const hosts = ctx.inventory.hosts.map((h, i) => newHost(ctx, h, i, false));
  const spares =
    ctx.scenario === 'parallel-compute'
      ? effectiveSpareHosts(ctx.inventory, ctx.to)
      : ctx.inventory.spare_hosts;
  for (const h of spares) hosts.push(newHost(ctx, h, hosts.length, true));
  return hosts;
}

/** Every database of the `from` release at its schema head (no head: ceilometer, untracked). */
export function initialDatabases(ctx: TwinContext): DbState[] {
  const out: DbState[] = [];
  for (const [project, name] of Object.entries(ctx.from.databases) as [ProjectName, string][]) {
    out.push({ name, project, head: ctx.from.schemaHeads[project] ?? '', fixes: new Set() });
  }
  return out;
}

/**
 * Computes in the order the planner spreads instances over them (compute-batches / live-compute):
 * pure computes first, then hosts that also run Nova controller services.
 */
export function computeOrder(hosts: readonly HostState[]): HostState[] {
  const computes = hosts.filter((h) => !h.spare && h.services.has(COMPUTE));
  const colocated = (h: HostState) => [...h.services.values()].some((s) => isNovaControllerDef(s.def));
  return [...computes.filter((h) => !colocated(h)), ...computes.filter(colocated)];
}
