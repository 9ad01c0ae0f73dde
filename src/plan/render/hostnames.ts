// Compress host-name lists into Ansible's `name[001:120]` notation, so a line of the plan shows "which
// hosts" in a dozen characters instead of 120 names. The output must expand (with Ansible's rules: a
// zero-padded start fixes the width, an unpadded one does not) to exactly the input set.

interface Family {
  prefix: string;
  suffix: string;
  /** Numbers written without leading zeros (`ctl9`, `ctl10`): may form one range across widths. */
  canonical: Set<number>;
  /** Numbers written with leading zeros, per width: a range must stay inside one width. */
  padded: Map<number, Set<number>>;
}

/** Where the varying number sits: the last digit run of the first DNS label (`cmp001.east.example`). */
const SPLIT = /^([^.]*?)(\d+)([^.\d]*)(\..*)?$/;

function splitName(name: string): { prefix: string; digits: string; suffix: string } | undefined {
  const m = SPLIT.exec(name);
  if (m === null) return undefined;
  const [, prefix = '', digits = '', rest = '', domain = ''] = m;
  // A literal `[` would be read back as a range by the expander; keep such names verbatim.
  if (name.includes('[') || name.includes(']')) return undefined;
  if (!Number.isSafeInteger(Number(digits))) return undefined;
  return { prefix, digits, suffix: rest + domain };
}

function isCanonical(digits: string): boolean {
  return digits.length === 1 || !digits.startsWith('0');
}

/** Consecutive runs of a sorted list of distinct integers. */
function runs(sorted: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] + 1 === n) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

interface Range {
  start: number;
  text: string;
}

function familyRanges(f: Family): Range[] {
  const out: Range[] = [];
  const canonical = new Set(f.canonical);
  const widths = [...f.padded.keys()].sort((a, b) => a - b);
  for (const width of widths) {
    // Unpadded numbers of the same width (100..120 after 001..099) continue a padded range: `[001:120]`.
    const members = new Set(f.padded.get(width));
    for (const n of canonical) if (String(n).length === width) members.add(n);
    for (const [start, end] of runs([...members].sort((a, b) => a - b))) {
      const startPadded = pad(start, width) !== String(start);
      if (!startPadded) continue; // an all-unpadded run is left to the canonical pass below
      // Only the same-width unpadded numbers were borrowed (`cmp526` is not part of `cmp[0500:0530]`).
      for (let n = start; n <= end; n += 1) if (String(n).length === width) canonical.delete(n);
      out.push({ start, text: rangeText(f, pad(start, width), pad(end, width), start === end) });
    }
  }
  for (const [start, end] of runs([...canonical].sort((a, b) => a - b))) {
    out.push({ start, text: rangeText(f, String(start), String(end), start === end) });
  }
  return out.sort((a, b) => a.start - b.start);
}

function rangeText(f: Family, start: string, end: string, single: boolean): string {
  return single ? `${f.prefix}${start}${f.suffix}` : `${f.prefix}[${start}:${end}]${f.suffix}`;
}

/**
 * `['cmp001', …, 'cmp120']` → `cmp[001:120]`; gaps give several ranges joined by `, `; names of different
 * prefixes are grouped per prefix, in the order each prefix first appears; names without digits stay as
 * they are. Duplicates are ignored (the result denotes a set).
 */
export function compressHostNames(names: readonly string[]): string {
  const parts: Array<{ literal: string } | { family: Family }> = [];
  const families = new Map<string, Family>();
  const literals = new Set<string>();
  for (const name of names) {
    const split = splitName(name);
    if (split === undefined) {
      if (!literals.has(name)) {
        literals.add(name);
        parts.push({ literal: name });
      }
      continue;
    }
    const key = `${split.prefix}\u0000${split.suffix}`;
    let family = families.get(key);
    if (family === undefined) {
      family = { prefix: split.prefix, suffix: split.suffix, canonical: new Set(), padded: new Map() };
      families.set(key, family);
      parts.push({ family });
    }
    const n = Number(split.digits);
    if (isCanonical(split.digits)) family.canonical.add(n);
    else {
      let set = family.padded.get(split.digits.length);
      if (set === undefined) {
        set = new Set();
        family.padded.set(split.digits.length, set);
      }
      set.add(n);
    }
  }
  const out: string[] = [];
  for (const part of parts) {
    if ('literal' in part) out.push(part.literal);
    else for (const r of familyRanges(part.family)) out.push(r.text);
  }
  return out.join(', ');
}

/** `cmp[001:120] ×120`: the compressed names and, when there is more than one host, how many. */
export function hostClassLabel(names: readonly string[]): string {
  const count = new Set(names).size;
  const text = compressHostNames(names);
  return count > 1 ? `${text} ×${count}` : text;
}
