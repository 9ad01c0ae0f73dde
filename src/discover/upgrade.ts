// `upgrade:` and `distro:` of a discovered inventory. The release comes from the compute microversion
// (releases.ts), the target from the catalog's packs; the distribution is never visible through the
// APIs, so it is always a guess from the catalog's distro profiles.

import type { Catalog, DistroId, ReleaseDef } from '../catalog/types.js';
import { InternalError } from '../errors.js';
import { ENDPOINT_SERVICES } from './binaries.js';
import type { Mark } from './marks.js';
import { releasesForMicroversion } from './releases.js';
import type { CloudSnapshot } from './snapshot.js';

export interface UpgradePick {
  from: string;
  to: string;
  /** The catalog's definition of `from`; undefined when the catalog does not know it. */
  release: ReleaseDef | undefined;
}

function packSources(catalog: Catalog): string[] {
  return [...new Set(catalog.packs.map((p) => p.from))];
}

/**
 * Without a usable microversion: the release the catalog upgrades from whose services cover most of the
 * catalog's endpoints (a placement endpoint rules Havana out, heat-api-cfn and ceilometer-api rule Zed
 * out); on a tie, the first.
 */
function fallback(snapshot: CloudSnapshot, catalog: Catalog, why: string, marks: Mark[]): string {
  const apis = new Set(
    snapshot.endpoints.map((e) => ENDPOINT_SERVICES[e.type]).filter((s) => s !== undefined),
  );
  const score = (name: string) => {
    const known = new Set(catalog.releases[name]?.services.map((d) => d.name) ?? []);
    return [...apis].filter((s) => known.has(s)).length;
  };
  const sources = packSources(catalog);
  const from =
    sources.reduce<string | undefined>(
      (best, r) => (best === undefined || score(r) > score(best) ? r : best),
      undefined,
    ) ??
    Object.keys(catalog.releases)[0] ??
    'unknown';
  const covered =
    sources.length > 1
      ? `the release the catalog upgrades from whose services match the endpoints best (${[...apis].sort().join(', ')})`
      : 'the release the catalog upgrades from';
  marks.push({ field: 'upgrade.from', kind: 'guessed', reason: `${why}; took ${from}, ${covered} — check` });
  return from;
}

function fromRelease(snapshot: CloudSnapshot, catalog: Catalog, marks: Mark[]): string {
  const mv = snapshot.compute.maxMicroversion;
  if (!mv.ok) return fallback(snapshot, catalog, `cannot read the compute API version (${mv.reason})`, marks);
  const match = releasesForMicroversion(mv.value);
  if (match === undefined)
    return fallback(
      snapshot,
      catalog,
      `the compute API's newest microversion "${mv.value}" is not a version`,
      marks,
    );
  const sources = new Set(packSources(catalog));
  const named = match.candidates.map((c) => ({
    entry: c,
    name: [c.release, ...(c.aliases ?? [])].find((n) => catalog.releases[n] !== undefined) ?? c.release,
  }));
  const chosen =
    named.find((c) => sources.has(c.name)) ??
    named.find((c) => catalog.releases[c.name] !== undefined) ??
    named[0];
  if (chosen === undefined) return fallback(snapshot, catalog, match.basis, marks);
  const doubts: string[] = [];
  if (named.length > 1) {
    const why = sources.has(chosen.name)
      ? 'the catalog upgrades from it'
      : catalog.releases[chosen.name] !== undefined
        ? 'the catalog knows it'
        : 'the oldest';
    doubts.push(`it could be any of ${named.map((c) => c.name).join(', ')}; took ${chosen.name} (${why})`);
  } else if (!match.exact) {
    doubts.push(`took ${chosen.name}`);
  }
  if (!chosen.entry.confirmed)
    doubts.push(`the microversion of ${chosen.entry.release} is unconfirmed (${chosen.entry.source})`);
  if (doubts.length > 0 || !match.exact)
    marks.push({ field: 'upgrade.from', kind: 'guessed', reason: `${match.basis}: ${doubts.join('; ')}` });
  return chosen.name;
}

export function pickUpgrade(snapshot: CloudSnapshot, catalog: Catalog, marks: Mark[]): UpgradePick {
  const from = fromRelease(snapshot, catalog, marks);
  const release = catalog.releases[from];
  if (release === undefined) {
    marks.push({
      field: 'upgrade.from',
      kind: 'unknown',
      reason:
        `the catalog has no release ${from} (it knows ${Object.keys(catalog.releases).join(', ')}): ` +
        'services are not checked and the inventory will not load until the catalog knows it',
    });
  }
  const pack = catalog.packs.find((p) => p.from === from);
  if (pack === undefined) {
    marks.push({
      field: 'upgrade.to',
      kind: 'unknown',
      reason: `the catalog has no upgrade pack from ${from}; to = from — set upgrade.to`,
    });
    return { from, to: from, release };
  }
  return { from, to: pack.to, release };
}

/**
 * A profile that ships both releases (the loader requires it), else one that ships `from`; exactly one
 * → it, several → the first. Always a guess: no API tells the distribution.
 */
export function pickDistro(catalog: Catalog, upgrade: { from: string; to: string }, marks: Mark[]): DistroId {
  const { from, to } = upgrade;
  const all = Object.values(catalog.distros);
  const both = all.filter((d) => d.repositories[from] !== undefined && d.repositories[to] !== undefined);
  const some = all.filter((d) => d.repositories[from] !== undefined);
  const offering = both.length > 0 ? both : some;
  const chosen = offering[0] ?? all[0];
  if (chosen === undefined) throw new InternalError('the catalog has no distro profile');
  const what = from === to ? `${from} packages` : `${from} and ${to} packages`;
  const why =
    both.length === 1
      ? `the only catalog profile with ${what}`
      : both.length > 1
        ? `the first of the profiles with ${what} (${both.map((d) => d.id).join(', ')})`
        : some.length > 0
          ? `no profile has ${what}; the first with ${from} packages`
          : `no catalog profile has ${from} packages; the first profile`;
  marks.push({
    field: 'distro',
    kind: 'guessed',
    reason: `${chosen.id}: no API exposes the distribution; ${why} — check`,
  });
  return chosen.id;
}
