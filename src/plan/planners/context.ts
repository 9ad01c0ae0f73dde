// What every planner needs to know about one cloud and one release pair, resolved once.

import {
  packagesOf as catalogPackagesOf,
  familyOf,
  isNovaControllerDef,
  serviceDef,
} from '../../catalog/index.js';
import type {
  Catalog,
  DistroFamily,
  DistroProfile,
  ProjectName,
  ReleaseDef,
  ScenarioId,
  ServiceDef,
  ServiceName,
  UpgradePack,
} from '../../catalog/types.js';
import type { Host, Inventory } from '../../inventory/types.js';
import { type ResolvedFacts, resolveFacts } from '../step-estimate.js';
import { resolveUpgrade } from '../upgrade-pair.js';
import { effectiveSpareHosts } from './spare-hosts.js';

export interface PlanContext {
  inventory: Inventory;
  catalog: Catalog;
  scenario: ScenarioId;
  pack: UpgradePack;
  from: ReleaseDef;
  to: ReleaseDef;
  distro: DistroProfile;
  family: DistroFamily;
  /** The cloud's hosts (not spare), in inventory order. */
  hosts: readonly Host[];
  /** Spare hosts with the services they will run in the new environment (parallel-compute). */
  spares: readonly Host[];
  svc: (name: ServiceName) => ServiceDef;
  /** Facts with documented defaults applied. */
  facts: ResolvedFacts;
  /** Name of the host where database dumps run. */
  dbHost: string;
}

export function createContext(inventory: Inventory, catalog: Catalog, scenario: ScenarioId): PlanContext {
  const { pack, from, to } = resolveUpgrade(inventory, catalog);
  const distro = catalog.distros[inventory.distro];
  const spares = scenario === 'parallel-compute' ? effectiveSpareHosts(inventory, to) : [];
  const computes = inventory.hosts.filter((h) => h.services.includes('nova-compute')).length;
  const db = inventory.database.host;
  const dbHost = inventory.hosts.find((h) => h.name === db || h.address === db)?.name ?? db;
  return {
    inventory,
    catalog,
    scenario,
    pack,
    from,
    to,
    distro,
    family: familyOf(inventory.distro),
    hosts: inventory.hosts,
    spares,
    svc: (name) => serviceDef(to, name),
    facts: resolveFacts(inventory.facts, computes),
    dbHost,
  };
}

export function isNovaController(ctx: PlanContext, service: ServiceName): boolean {
  return isNovaControllerDef(ctx.svc(service));
}

export function isComputeSide(ctx: PlanContext, service: ServiceName): boolean {
  return ctx.svc(service).computeSide === true;
}

/** Distro packages that carry these services' code, deduplicated in a stable order. */
const packageCache = new WeakMap<PlanContext, Map<string, readonly string[]>>();

export function packagesOf(ctx: PlanContext, services: readonly ServiceName[]): readonly string[] {
  let cache = packageCache.get(ctx);
  if (cache === undefined) {
    cache = new Map();
    packageCache.set(ctx, cache);
  }
  const key = services.join(',');
  let packages = cache.get(key);
  if (packages === undefined) {
    packages = catalogPackagesOf(ctx.to, services, ctx.family);
    cache.set(key, packages);
  }
  return packages;
}

/** Projects present in the cloud, in the pack's order, then any the order does not name. */
export function projectsPresent(ctx: PlanContext, hosts: readonly Host[] = ctx.hosts): ProjectName[] {
  const present = new Set<ProjectName>();
  for (const h of hosts) for (const s of h.services) present.add(ctx.svc(s).project);
  const ordered = ctx.pack.order.map((o) => o.project).filter((p) => present.has(p));
  for (const p of present) if (!ordered.includes(p)) ordered.push(p);
  return ordered;
}
