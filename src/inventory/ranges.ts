// Ansible-style host ranges: `cmp[001:120]`, `ctl[1:3]`, `10.0.1.[1:120]`, `n[1:10:2]`. Several ranges in one
// pattern expand to their cartesian product, as Ansible does. Letter ranges are not supported (nobody
// names OpenStack hosts `node[a:f]`, and digits keep the grammar small). Errors are returned as values with
// the offset of the offending bracket, so the loader can point at the inventory field.

/** Upper bound on the hosts one pattern may expand to: a typo like `[1:10000000]` must not exhaust memory. */
export const MAX_EXPANSION = 100_000;

export interface RangeProblem {
  ok: false;
  /** What is wrong, phrased to follow the pattern in a message. */
  reason: string;
  /** 0-based offset of the problem inside the pattern. */
  offset: number;
}

export type Expansion = { ok: true; values: string[] } | RangeProblem;

interface NumericRange {
  start: number;
  end: number;
  step: number;
  /** Zero-padded width (Ansible keeps `001` when the start has leading zeros), or 0 for no padding. */
  width: number;
}

type Segment = string | NumericRange;

type Parsed = { ok: true; segments: Segment[] } | RangeProblem;

const RANGE_BODY = /^(\d+):(\d+)(?::(\d+))?$/;

function parseRange(body: string, offset: number): NumericRange | RangeProblem {
  const m = RANGE_BODY.exec(body);
  if (m === null) {
    const letters = /^[A-Za-z]:[A-Za-z]$/.test(body);
    return {
      ok: false,
      offset,
      reason: letters
        ? `letter range [${body}] is not supported; use digits, e.g. [1:3]`
        : `malformed range [${body}]; expected [start:end] or [start:end:step] with decimal numbers`,
    };
  }
  const [, startText = '', endText = '', stepText] = m;
  const start = Number(startText);
  const end = Number(endText);
  const step = stepText === undefined ? 1 : Number(stepText);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || !Number.isSafeInteger(step)) {
    return { ok: false, offset, reason: `range [${body}] has numbers that are too large` };
  }
  if (step < 1)
    return { ok: false, offset, reason: `range [${body}] has step ${step}; the step must be ≥ 1` };
  if (end < start) {
    return {
      ok: false,
      offset,
      reason: `range [${body}] is empty: the end ${end} is before the start ${start}`,
    };
  }
  const padded = startText.length > 1 && startText.startsWith('0');
  if (padded && endText.length !== startText.length) {
    // Ansible's rule: a zero-padded start fixes the width, so the end must be written with the same width.
    return {
      ok: false,
      offset,
      reason: `range [${body}] pads the start to ${startText.length} digits but not the end; write both with the same width`,
    };
  }
  return { start, end, step, width: padded ? startText.length : 0 };
}

/** Split a pattern into literal text and numeric ranges. */
export function parsePattern(pattern: string): Parsed {
  const segments: Segment[] = [];
  let literal = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === ']') return { ok: false, offset: i, reason: `unmatched "]" at position ${i + 1}` };
    if (ch !== '[') {
      literal += ch;
      i += 1;
      continue;
    }
    const close = pattern.indexOf(']', i + 1);
    const nextOpen = pattern.indexOf('[', i + 1);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      return { ok: false, offset: i, reason: `unmatched "[" at position ${i + 1}` };
    }
    const range = parseRange(pattern.slice(i + 1, close), i);
    if ('ok' in range) return range;
    if (literal !== '') segments.push(literal);
    literal = '';
    segments.push(range);
    i = close + 1;
  }
  if (literal !== '') segments.push(literal);
  return { ok: true, segments };
}

function rangeCount(r: NumericRange): number {
  return Math.floor((r.end - r.start) / r.step) + 1;
}

function formatNumber(n: number, width: number): string {
  return width > 0 ? String(n).padStart(width, '0') : String(n);
}

/** Whether the pattern contains a range at all (a plain name or address is a one-element expansion). */
export function hasRange(pattern: string): boolean {
  return pattern.includes('[') || pattern.includes(']');
}

/** Expand a pattern into its values, in Ansible's order (the rightmost range varies fastest). */
export function expandPattern(pattern: string, max: number = MAX_EXPANSION): Expansion {
  const parsed = parsePattern(pattern);
  if (!parsed.ok) return parsed;
  let total = 1;
  for (const seg of parsed.segments) {
    if (typeof seg === 'string') continue;
    total *= rangeCount(seg);
    if (total > max) {
      return {
        ok: false,
        offset: 0,
        reason: `pattern expands to more than ${max} hosts; split it or check for a typo`,
      };
    }
  }
  let values = [''];
  for (const seg of parsed.segments) {
    if (typeof seg === 'string') {
      values = values.map((v) => v + seg);
      continue;
    }
    const next: string[] = [];
    for (const prefix of values) {
      for (let n = seg.start; n <= seg.end; n += seg.step) next.push(prefix + formatNumber(n, seg.width));
    }
    values = next;
  }
  return { ok: true, values };
}
