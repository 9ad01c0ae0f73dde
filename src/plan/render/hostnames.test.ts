import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compressHostNames, hostClassLabel } from './hostnames.js';

/** Ansible's expansion of one `a[001:120]b` term (a zero-padded start fixes the width). */
function expandTerm(term: string): string[] {
  const m = /^([^[\]]*)\[(\d+):(\d+)\]([^[\]]*)$/.exec(term);
  if (m === null) return [term];
  const [, prefix = '', start = '', end = '', suffix = ''] = m;
  const width = start.length > 1 && start.startsWith('0') ? start.length : 0;
  if (width > 0) expect(end.length).toBe(width);
  const out: string[] = [];
  for (let n = Number(start); n <= Number(end); n += 1)
    out.push(`${prefix}${String(n).padStart(width, '0')}${suffix}`);
  return out;
}

function expand(text: string): string[] {
  return text === '' ? [] : text.split(', ').flatMap(expandTerm);
}

const range = (prefix: string, from: number, to: number, pad: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${String(from + i).padStart(pad, '0')}`);

describe('compressHostNames', () => {
  it('compresses a full padded range', () => {
    expect(compressHostNames(range('cmp', 1, 120, 3))).toBe('cmp[001:120]');
  });

  it('splits ranges at gaps', () => {
    expect(compressHostNames([...range('cmp', 1, 4, 3), ...range('cmp', 10, 12, 3)])).toBe(
      'cmp[001:004], cmp[010:012]',
    );
  });

  it('groups per prefix in order of first appearance, and keeps single names as they are', () => {
    expect(compressHostNames(['ctl1', 'cmp002', 'ctl2', 'ctl3', 'cmp001', 'net1', '@cloud'])).toBe(
      'ctl[1:3], cmp[001:002], net1, @cloud',
    );
  });

  it('joins unpadded numbers across widths', () => {
    expect(compressHostNames(range('ctl', 1, 12, 0))).toBe('ctl[1:12]');
  });

  it('keeps the padding and the domain', () => {
    expect(compressHostNames(['cmp01.east.example', 'cmp02.east.example', 'cmp03.east.example'])).toBe(
      'cmp[01:03].east.example',
    );
  });

  it('ignores duplicates and input order', () => {
    expect(compressHostNames(['cmp003', 'cmp001', 'cmp002', 'cmp001'])).toBe('cmp[001:003]');
  });

  it('keeps padded and unpadded spellings of one number apart', () => {
    expect(compressHostNames(['ctl0526a', 'ctl526a'])).toBe('ctl0526a, ctl526a');
    expect(compressHostNames(['n099', 'n100', 'n101', 'n0100'])).toBe('n[099:101], n0100');
  });

  it('handles the empty list', () => {
    expect(compressHostNames([])).toBe('');
  });

  it('labels a host class with its size only when there are several hosts', () => {
    expect(hostClassLabel(range('cmp', 1, 120, 3))).toBe('cmp[001:120] ×120');
    expect(hostClassLabel(['ctl1'])).toBe('ctl1');
  });

  it('expands back to exactly the input set', () => {
    const prefix = fc.constantFrom('cmp', 'ctl', 'net-', 'r1-n', 'stor', '');
    const suffix = fc.constantFrom('', '.lab', 'a', '-b.example.com');
    const name = fc
      .tuple(prefix, fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 0, max: 5 }), suffix)
      .map(([p, n, pad, s]) => `${p}${String(n).padStart(pad, '0')}${s}`);
    const odd = fc.constantFrom('@cloud', 'bastion', 'db.example.com', '10.0.0.1', 'x7y', '007');
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 9, arbitrary: name }, { weight: 1, arbitrary: odd }), { maxLength: 200 }),
        (names) => {
          const text = compressHostNames(names);
          const expanded = expand(text);
          expect(new Set(expanded)).toEqual(new Set(names));
          expect(expanded.length).toBe(new Set(names).size);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('compresses dense runs into single ranges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 900 }), fc.integer({ min: 2, max: 99 }), (from, length) => {
        expect(compressHostNames(range('cmp', from, from + length - 1, 4))).toBe(
          `cmp[${String(from).padStart(4, '0')}:${String(from + length - 1).padStart(4, '0')}]`,
        );
      }),
    );
  });
});
