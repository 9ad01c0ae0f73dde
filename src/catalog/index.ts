// The release catalog and the small pure lookups planners and drivers use on it. Nothing here names a
// release: adding a pair means adding a release file and a pack file and listing them below.

import { InternalError } from '../errors.js';
import { DISTROS_PROFILES } from './distros.js';
import { DEFAULT_DURATIONS } from './durations.js';
import { HAVANA_ICEHOUSE } from './packs/havana-icehouse.js';
import { ZED_POINT_RELEASE } from './packs/zed-point-release.js';
import { HAVANA } from './releases/havana.js';
import { ICEHOUSE } from './releases/icehouse.js';
import { ZED } from './releases/zed.js';
import type {
  Catalog,
  DistroFamily,
  DistroId,
  Networking,
  PerFamily,
  ProjectName,
  ReleaseDef,
  Role,
  ServiceDef,
  ServiceName,
  UpgradePack,
} from './types.js';

export const CATALOG: Catalog = {
  releases: { havana: HAVANA, icehouse: ICEHOUSE, zed: ZED },
  packs: [HAVANA_ICEHOUSE, ZED_POINT_RELEASE],
  distros: DISTROS_PROFILES,
  durations: DEFAULT_DURATIONS,
};

export function findPack(catalog: Catalog, from: string, to: string): UpgradePack | undefined {
  return catalog.packs.find((p) => p.from === from && p.to === to);
}

/** Inputs are validated against the catalog before planning, so an unknown name here is a bug. */
export function releaseOf(catalog: Catalog, name: string): ReleaseDef {
  const release = catalog.releases[name];
  if (release === undefined) {
    throw new InternalError(
      `unknown release "${name}"; the catalog knows: ${Object.keys(catalog.releases).join(', ')}`,
    );
  }
  return release;
}

// Planners and the checker look services up millions of times on large clouds.
const serviceIndex = new WeakMap<ReleaseDef, ReadonlyMap<ServiceName, ServiceDef>>();

export function serviceDef(release: ReleaseDef, name: ServiceName): ServiceDef {
  let index = serviceIndex.get(release);
  if (index === undefined) {
    index = new Map(release.services.map((s) => [s.name, s]));
    serviceIndex.set(release, index);
  }
  const def = index.get(name);
  if (def === undefined) {
    throw new InternalError(`unknown service "${name}" in release ${release.name}`);
  }
  return def;
}

/** The family's own entry, else the `default`, else undefined. */
export function forFamily<T>(v: PerFamily<T>, family: DistroFamily): T | undefined {
  return v[family] ?? v.default;
}

export function familyOf(distro: DistroId): DistroFamily {
  return DISTROS_PROFILES[distro].family;
}

export function projectOfService(release: ReleaseDef, name: ServiceName): ProjectName {
  return serviceDef(release, name).project;
}

export function knownServiceNames(release: ReleaseDef): ServiceName[] {
  return release.services.map((s) => s.name);
}

/** Services the roles imply under a networking mode: deduped, in the release's service order. */
export function servicesForRoles(
  release: ReleaseDef,
  roles: readonly Role[],
  networking: Networking,
): ServiceName[] {
  const wanted = new Set<ServiceName>();
  for (const role of roles) {
    const def = release.roles.find((r) => r.role === role);
    if (def === undefined) throw new InternalError(`release ${release.name} defines no role "${role}"`);
    for (const s of def.services[networking] ?? def.services.default) wanted.add(s);
  }
  return orderServices(release, wanted);
}

/** `names` deduped and sorted in the release's service order; throws on an unknown name. */
export function orderServices(release: ReleaseDef, names: Iterable<ServiceName>): ServiceName[] {
  const set = new Set(names);
  for (const n of set) serviceDef(release, n);
  return release.services.filter((s) => set.has(s.name)).map((s) => s.name);
}

/** Distro packages carrying the given services, deduped in first-seen order. */
export function packagesOf(
  release: ReleaseDef,
  services: readonly ServiceName[],
  family: DistroFamily,
): string[] {
  return collect(release, services, (d) => forFamily(d.packages, family), 'packages', family);
}

/** Init units of the given services, deduped in first-seen order. */
export function unitsOf(
  release: ReleaseDef,
  services: readonly ServiceName[],
  family: DistroFamily,
): string[] {
  return collect(release, services, (d) => forFamily(d.units, family), 'units', family);
}

function collect(
  release: ReleaseDef,
  services: readonly ServiceName[],
  pick: (d: ServiceDef) => readonly string[] | undefined,
  what: string,
  family: DistroFamily,
): string[] {
  const out = new Set<string>();
  for (const name of services) {
    const values = pick(serviceDef(release, name));
    if (values === undefined)
      throw new InternalError(`service ${name} has no ${what} for the ${family} family`);
    for (const v of values) out.add(v);
  }
  return [...out];
}

/** Nova's controller services: api, scheduler, conductor, cert, consoleauth, novncproxy. */
export function isNovaControllerDef(def: ServiceDef | undefined): boolean {
  return def !== undefined && def.project === 'nova' && def.computeSide !== true;
}

/** Whether a catalog entry limited to some networking modes applies to a cloud's. */
export function appliesToNetworking(
  entry: { networking?: readonly Networking[] },
  networking: Networking,
): boolean {
  return entry.networking === undefined || entry.networking.includes(networking);
}

/**
 * The upstream version prefix a package of this release carries: its project's own number where the
 * release has one (nova 26 in Zed), else the release's (2014.1).
 */
export function packageReleaseVersion(release: ReleaseDef, pkg: string): string {
  if (release.projectVersions === undefined) return release.version;
  for (const s of release.services) {
    if (Object.values(s.packages).some((list) => list?.includes(pkg))) {
      return release.projectVersions[s.project] ?? release.version;
    }
  }
  return release.version;
}
