import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandPattern, hasRange, MAX_EXPANSION } from './ranges.js';

function values(pattern: string): string[] {
  const r = expandPattern(pattern);
  if (!r.ok) throw new Error(r.reason);
  return r.values;
}

function reason(pattern: string): string {
  const r = expandPattern(pattern);
  if (r.ok) throw new Error(`${pattern} expanded`);
  return r.reason;
}

describe('expandPattern', () => {
  it('leaves a plain name alone', () => {
    expect(values('ctl1')).toEqual(['ctl1']);
    expect(hasRange('ctl1')).toBe(false);
  });

  it('expands numeric ranges, keeping zero padding', () => {
    expect(values('ctl[1:3]')).toEqual(['ctl1', 'ctl2', 'ctl3']);
    expect(values('cmp[001:003]')).toEqual(['cmp001', 'cmp002', 'cmp003']);
    expect(values('cmp[08:11]')).toEqual(['cmp08', 'cmp09', 'cmp10', 'cmp11']);
    expect(values('10.0.1.[1:120]')).toHaveLength(120);
    expect(values('10.0.1.[1:120]')[119]).toBe('10.0.1.120');
  });

  it('accepts one-element ranges and steps', () => {
    expect(values('n[3:3]')).toEqual(['n3']);
    expect(values('n[1:10:2]')).toEqual(['n1', 'n3', 'n5', 'n7', 'n9']);
    expect(values('n[0:9:5]')).toEqual(['n0', 'n5']);
  });

  it('takes the cartesian product of several ranges, rightmost fastest', () => {
    expect(values('r[1:2]n[1:3]')).toEqual(['r1n1', 'r1n2', 'r1n3', 'r2n1', 'r2n2', 'r2n3']);
    expect(values('[1:2].example')).toEqual(['1.example', '2.example']);
  });

  it('refuses reversed, malformed, letter and oversized ranges', () => {
    expect(reason('cmp[5:4]')).toMatch(/empty: the end 4 is before the start 5/);
    expect(reason('cmp[]')).toMatch(/malformed range/);
    expect(reason('cmp[1-4]')).toMatch(/malformed range/);
    expect(reason('cmp[1:4')).toMatch(/unmatched "\["/);
    expect(reason('cmp1:4]')).toMatch(/unmatched "]"/);
    expect(reason('cmp[[1:4]]')).toMatch(/unmatched "\["/);
    expect(reason('cmp[a:c]')).toMatch(/letter range/);
    expect(reason('cmp[1:4:0]')).toMatch(/step must be ≥ 1/);
    expect(reason('cmp[01:100]')).toMatch(/same width/);
    expect(reason(`cmp[1:${MAX_EXPANSION + 1}]`)).toMatch(/more than/);
    expect(reason('a[1:1000]b[1:1000]')).toMatch(/more than/);
  });

  it('reports the offset of the bad bracket', () => {
    const r = expandPattern('abc[5:4]');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.offset).toBe(3);
  });
});

describe('expandPattern properties', () => {
  const range = fc
    .record({ start: fc.nat(5000), len: fc.nat(300), step: fc.integer({ min: 1, max: 7 }) })
    .map(({ start, len, step }) => ({ start, end: start + len, step }));

  it('expands to (end - start) / step + 1 distinct values', () => {
    fc.assert(
      fc.property(range, ({ start, end, step }) => {
        const out = values(`cmp[${start}:${end}:${step}]`);
        expect(out).toHaveLength(Math.floor((end - start) / step) + 1);
        expect(new Set(out).size).toBe(out.length);
        expect(out[0]).toBe(`cmp${start}`);
      }),
    );
  });

  it('keeps the zero padding of the start on every value', () => {
    const padded = fc
      .integer({ min: 2, max: 6 })
      .chain((width) =>
        fc.record({
          width: fc.constant(width),
          // A start below 10^(width-1) is written with a leading zero, which pins the width.
          start: fc.integer({ min: 0, max: 10 ** (width - 1) - 1 }),
          len: fc.nat(200),
          step: fc.integer({ min: 1, max: 5 }),
        }),
      )
      .filter(({ width, start, len }) => start + len < 10 ** width);
    fc.assert(
      fc.property(padded, ({ width, start, len, step }) => {
        const pad = (n: number) => String(n).padStart(width, '0');
        const out = values(`n[${pad(start)}:${pad(start + len)}:${step}]`);
        expect(out.every((v) => v.length === 1 + width)).toBe(true);
        expect(out.map((v) => Number(v.slice(1)))).toEqual(out.map((_, i) => start + i * step));
      }),
    );
  });

  it('products multiply counts and never repeat', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), (a, b) => {
        const out = values(`r[1:${a}]-n[1:${b}]`);
        expect(out).toHaveLength(a * b);
        expect(new Set(out).size).toBe(a * b);
      }),
    );
  });
});
