import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigEditOp } from '../../catalog/types.js';
import { applyConfigEdits, editsApplied } from './apply-edits.js';
import { IniDocument } from './ini.js';
import { sameSection } from './ini-scan.js';

// INI-ish text as oslo.config accepts it, built from the kinds of lines real files have, with the
// characters that matter to a parser (delimiters, quotes, comment marks, brackets, tabs) over-weighted.

const SECTIONS = ['DEFAULT', 'database', 'Database', 'sql', 'filter:authtoken', 'upgrade_levels', 'libvirt'];
const KEYS = ['connection', 'sql_connection', 'rpc_backend', 'auth_host', 'paste.filter_factory', 'k'];
const VALUES = ['nova.rpc.impl_kombu', 'rabbit', 'qpid', 'mysql://u:p@h/db', ''];

const char = fc.constantFrom(
  'a',
  'Z',
  '0',
  ' ',
  '\t',
  '=',
  ':',
  '#',
  ';',
  '"',
  "'",
  '[',
  ']',
  '\\',
  '%',
  'é',
  '€',
);
const chars = fc.string({ unit: char, maxLength: 12 });
const value = fc.oneof(fc.constantFrom(...VALUES), chars);

const keyLine = fc
  .tuple(fc.constantFrom(...KEYS), fc.constantFrom('=', ' = ', ': ', ' =  ', ':'), value)
  .map(([k, sep, v]) => `${k}${sep}${v}`);
const continuation = fc
  .tuple(fc.constantFrom(' ', '    ', '\t'), chars)
  .filter(([, t]) => t.trim() !== '')
  .map(([ws, t]) => ws + t);
const entry = fc.tuple(keyLine, fc.array(continuation, { maxLength: 2 })).map(([k, rest]) => [k, ...rest]);
const comment = fc.tuple(fc.constantFrom('#', ';', '# '), chars).map(([mark, t]) => mark + t);
const blank = fc.constantFrom('', '  ', '\t');
const header = fc
  .tuple(fc.constantFrom(...SECTIONS), fc.constantFrom('', ' ', '\t'))
  .map(([s, trail]) => `[${s}]${trail}`);
const item = fc.oneof(
  entry,
  comment.map((c) => [c]),
  blank.map((b) => [b]),
);
const section = fc.tuple(header, fc.array(item, { maxLength: 6 })).map(([h, items]) => [h, ...items.flat()]);

const iniText = fc
  .record({
    preamble: fc.array(fc.oneof(comment, blank), { maxLength: 3 }),
    sections: fc.array(section, { maxLength: 5 }),
    eol: fc.constantFrom('lf', 'crlf', 'mixed'),
    finalNewline: fc.boolean(),
  })
  .map(({ preamble, sections, eol, finalNewline }) => {
    const lines = [...preamble, ...sections.flat()];
    const ending = (i: number) =>
      eol === 'lf' ? '\n' : eol === 'crlf' ? '\r\n' : i % 3 === 0 ? '\r\n' : '\n';
    return lines.map((l, i) => l + (i < lines.length - 1 || finalNewline ? ending(i) : '')).join('');
  });

const sectionName = fc.constantFrom(...SECTIONS, 'conductor');
const key = fc.constantFrom(...KEYS);
const op: fc.Arbitrary<ConfigEditOp> = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    section: sectionName,
    key,
    value: value.map((v) => ({ literal: v })),
  }),
  fc.record({ op: fc.constant('unset' as const), section: sectionName, key }),
  fc.record({
    op: fc.constant('move' as const),
    section: sectionName,
    key,
    toSection: sectionName,
    toKey: key,
  }),
  fc.record({
    op: fc.constant('map' as const),
    section: sectionName,
    key,
    map: fc.tuple(value, value).map(([from, to]) => ({ [from]: to })),
  }),
  fc.record({
    op: fc.constant('comment-section' as const),
    section: sectionName,
    keep: fc.subarray(KEYS),
  }),
);

type Target = { section: string; key: string | null };
const hits = (a: Target, b: Target) =>
  sameSection(a.section, b.section) && (a.key === null || a.key === b.key);
/** What a second run would act on again: keys moved away, mapped or unset, and commented sections. */
const actsOn = (o: ConfigEditOp): Target[] =>
  o.op === 'unset' || o.op === 'move' || o.op === 'map'
    ? [{ section: o.section, key: o.key }]
    : o.op === 'comment-section'
      ? [{ section: o.section, key: null }]
      : [];
const writes = (o: ConfigEditOp): Target[] =>
  o.op === 'set'
    ? [{ section: o.section, key: o.key }]
    : o.op === 'move'
      ? [{ section: o.toSection, key: o.toKey }]
      : [];

/** The lists apply-edits.ts promises to be idempotent. */
function idempotentList(ops: readonly ConfigEditOp[]): boolean {
  return ops.every((a, i) =>
    ops.every((b, j) => {
      if (a.op === 'comment-section' && writes(b).some((w) => sameSection(w.section, a.section)))
        return false;
      return j <= i || !actsOn(a).some((r) => writes(b).some((w) => hits(r, w)));
    }),
  );
}
const ops = fc.array(op, { maxLength: 4 }).filter(idempotentList);

const noLookups = (): string => {
  throw new Error('only literals here');
};
const apply = (text: string, list: readonly ConfigEditOp[]) =>
  applyConfigEdits(text, 'ini', list, noLookups).text;

/** The non-blank lines of each section, by oslo section identity: an independent, naive reading. */
function linesBySection(text: string): Map<string, string[]> {
  let current = '(before the first section)';
  const out = new Map<string, string[]>([[current, []]]);
  for (const line of text.split(/\r?\n/)) {
    const t = line.trimEnd();
    if (t.startsWith('[')) {
      const name = t.slice(1, -1);
      current = name === 'DEFAULT' ? name : name.toLowerCase();
    }
    out.set(current, [...(out.get(current) ?? []), line]);
  }
  for (const lines of out.values()) while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  return out;
}

const RUNS = { numRuns: 300 };

describe('INI properties', () => {
  it('untouched text round-trips byte for byte', () => {
    fc.assert(
      fc.property(iniText, (text) => {
        expect(IniDocument.parse(text).toString()).toBe(text);
      }),
      RUNS,
    );
  });

  it('set then get gives the value back, whatever quotes and spaces it holds', () => {
    fc.assert(
      fc.property(iniText, sectionName, key, value, (text, s, k, v) => {
        const d = IniDocument.parse(text);
        d.set(s, k, v);
        expect(IniDocument.parse(d.toString()).get(s, k)).toBe(v);
      }),
      RUNS,
    );
  });

  it('applying the same edits twice equals applying them once', () => {
    fc.assert(
      fc.property(iniText, ops, (text, list) => {
        const once = apply(text, list);
        expect(apply(once, list)).toBe(once);
      }),
      RUNS,
    );
  });

  it('editsApplied is true exactly when applying changes nothing, so always right after applying', () => {
    fc.assert(
      fc.property(iniText, ops, (text, list) => {
        const once = apply(text, list);
        expect(editsApplied(text, 'ini', list, noLookups)).toBe(once === text);
        expect(editsApplied(once, 'ini', list, noLookups)).toBe(true);
      }),
      RUNS,
    );
  });

  it('edits never change the lines of sections they do not name', () => {
    fc.assert(
      fc.property(iniText, fc.array(op, { maxLength: 4 }), (text, list) => {
        const named = list.flatMap((o) =>
          'toSection' in o ? [o.section, o.toSection] : 'section' in o ? [o.section] : [],
        );
        const before = linesBySection(text);
        const after = linesBySection(apply(text, list));
        for (const [name, lines] of before) {
          if (named.some((n) => sameSection(n, name))) continue;
          expect(after.get(name)).toEqual(lines);
        }
      }),
      RUNS,
    );
  });
});
