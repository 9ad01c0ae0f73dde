// Which OpenStack release a cloud runs, read from the newest compute microversion its Nova serves. The
// table is data: a release the catalog gains (zed today, later ones tomorrow) needs no code here.
//
// Sources: nova's release-note preludes ("The latest Compute API microversion supported for <release> is
// v2.NN") for pike, queens, rocky, train, ussuri, victoria, wallaby, xena, yoga (2.90, "same as the Xena
// release"), zed (2.93) and 2023.1 (2.95); nova rest_api_version_history.rst for kilo ("2.3 (Maximum in
// Kilo)"). Entries marked `confirmed: false` are from memory or third-party notes and make the answer a
// guess. Before Kilo there are no microversions: Havana, Icehouse and Juno all answer plain v2.0.

export interface ReleaseMicroversion {
  /** Release name as the catalog spells it (lower case series name, or the year form from 2023 on). */
  release: string;
  /** Other names of the same release the catalog may use. */
  aliases?: readonly string[];
  /** Newest compute microversion of the release; null: none (v2.0 only). */
  max: string | null;
  confirmed: boolean;
  source: string;
}

const NOTES = 'nova release notes prelude';

export const COMPUTE_MICROVERSIONS: readonly ReleaseMicroversion[] = [
  { release: 'havana', max: null, confirmed: true, source: 'no microversions before Kilo' },
  { release: 'icehouse', max: null, confirmed: true, source: 'no microversions before Kilo' },
  {
    release: 'juno',
    max: null,
    confirmed: true,
    source: 'no microversions before Kilo (v2.1 was experimental)',
  },
  { release: 'kilo', max: '2.3', confirmed: true, source: 'rest_api_version_history.rst' },
  { release: 'liberty', max: '2.12', confirmed: false, source: 'from memory' },
  { release: 'mitaka', max: '2.25', confirmed: false, source: 'from memory' },
  { release: 'newton', max: '2.38', confirmed: false, source: 'from memory' },
  { release: 'ocata', max: '2.42', confirmed: false, source: 'from memory' },
  { release: 'pike', max: '2.53', confirmed: true, source: NOTES },
  { release: 'queens', max: '2.60', confirmed: true, source: NOTES },
  { release: 'rocky', max: '2.65', confirmed: true, source: NOTES },
  { release: 'stein', max: '2.72', confirmed: false, source: 'from memory' },
  { release: 'train', max: '2.79', confirmed: true, source: NOTES },
  { release: 'ussuri', max: '2.87', confirmed: true, source: NOTES },
  { release: 'victoria', max: '2.87', confirmed: true, source: NOTES },
  { release: 'wallaby', max: '2.88', confirmed: true, source: NOTES },
  { release: 'xena', max: '2.90', confirmed: true, source: NOTES },
  { release: 'yoga', max: '2.90', confirmed: true, source: NOTES },
  { release: 'zed', max: '2.93', confirmed: true, source: NOTES },
  { release: '2023.1', aliases: ['antelope'], max: '2.95', confirmed: true, source: NOTES },
  {
    release: '2023.2',
    aliases: ['bobcat'],
    max: '2.95',
    confirmed: false,
    source: 'third-party release notes; 2.96 by other accounts',
  },
  { release: '2024.1', aliases: ['caracal'], max: '2.96', confirmed: false, source: 'from memory' },
];

/** "2.93" → [2, 93]; undefined for anything else. */
export function parseMicroversion(text: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(text.trim());
  return m === null ? undefined : [Number(m[1]), Number(m[2])];
}

function compare(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

export interface ReleaseMatch {
  /** Releases the answer fits, oldest first. */
  candidates: ReleaseMicroversion[];
  /** The microversion is exactly a release's newest one (not a development build between two). */
  exact: boolean;
  /** Why, in words, for the marks. */
  basis: string;
}

/** The releases whose Nova serves `max` as its newest microversion (`null`: no microversions). */
export function releasesForMicroversion(
  max: string | null,
  table: readonly ReleaseMicroversion[] = COMPUTE_MICROVERSIONS,
): ReleaseMatch | undefined {
  if (max === null) {
    return {
      candidates: table.filter((r) => r.max === null),
      exact: true,
      basis: 'the compute API has no microversions (v2.0 only)',
    };
  }
  const v = parseMicroversion(max);
  if (v === undefined) return undefined;
  const versioned = table.filter((r): r is ReleaseMicroversion & { max: string } => r.max !== null);
  const exact = versioned.filter((r) => compare(parseMicroversion(r.max) ?? [0, 0], v) === 0);
  if (exact.length > 0)
    return { candidates: exact, exact: true, basis: `the compute API's newest microversion is ${max}` };
  // Between two releases' maxima: a development build of the later one (or a backport).
  const next = versioned.find((r) => compare(parseMicroversion(r.max) ?? [0, 0], v) > 0);
  if (next !== undefined) {
    return {
      candidates: [next],
      exact: false,
      basis: `the compute API's newest microversion ${max} lies below ${next.release}'s ${next.max}`,
    };
  }
  const newest = versioned.at(-1);
  if (newest === undefined) return undefined;
  return {
    candidates: [newest],
    exact: false,
    basis: `the compute API's newest microversion ${max} is newer than any release stackhop knows (${newest.release}: ${newest.max})`,
  };
}

/** Position of a release in the table (by name or alias); -1 when unknown. */
export function releaseIndex(
  name: string,
  table: readonly ReleaseMicroversion[] = COMPUTE_MICROVERSIONS,
): number {
  return table.findIndex((r) => r.release === name || (r.aliases ?? []).includes(name));
}
