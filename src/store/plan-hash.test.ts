import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan, Step } from '../plan/types.js';
import { smallRealPlan } from './journal-contract.js';
import { canonicalJson, canonicalPlan, planHash, sha256Hex } from './plan-hash.js';

/** The same value with the keys of every object in reverse order. */
function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .reverse()
      .map((k) => [k, reversedKeys((v as Record<string, unknown>)[k])]),
  );
}

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('orders the keys of small and large objects alike (UTF-16 order, as a sorted insertion gives)', () => {
    const byUtf16 = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ unit: 'binary', maxLength: 4 }), fc.integer(), { maxKeys: 60 }),
        (d) => {
          const reference = JSON.stringify(Object.fromEntries(Object.entries(d).sort(byUtf16)));
          expect(canonicalJson(d)).toBe(reference);
        },
      ),
    );
  });

  it('keeps a key named __proto__ as an ordinary property', () => {
    const v = JSON.parse('{"b":1,"__proto__":{"x":2},"a":3}') as unknown;
    expect(canonicalJson(v)).toBe('{"__proto__":{"x":2},"a":3,"b":1}');
  });

  it('drops undefined properties like JSON.stringify, and is JSON', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, null], c: Number.NaN })).toBe(
      '{"b":[null,null],"c":null}',
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
        expect(canonicalJson(reversedKeys(v))).toBe(canonicalJson(v));
      }),
    );
  });
});

describe('planHash', () => {
  const plan = smallRealPlan();
  const hash = planHash(plan);

  it('is sha256 hex, stable across calls and JSON round trips', () => {
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(planHash(smallRealPlan())).toBe(hash);
    expect(planHash(JSON.parse(JSON.stringify(plan)) as Plan)).toBe(hash);
  });

  it('does not depend on the order of keys', () => {
    expect(planHash(reversedKeys(plan) as Plan)).toBe(hash);
  });

  it('changes with any change of any step', () => {
    const changes: ((s: Step) => Step)[] = [
      (s) => ({ ...s, estimate_s: s.estimate_s + 1 }),
      (s) => ({ ...s, after: [...s.after, 'x'] }),
      (s) => ({ ...s, after: [...s.after].reverse().concat(s.after.length > 1 ? [] : ['y']) }),
      (s) => ({ ...s, host: `${s.host}x` }),
      (s) => ({ ...s, irreversible: !(s.irreversible ?? false) }),
      (s) => ({ ...s, action: { kind: 'gate', prompt: 'go?' } }),
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: plan.steps.length - 1 }),
        fc.integer({ min: 0, max: changes.length - 1 }),
        (i, c) => {
          const steps = plan.steps.map((s, k) => (k === i ? changes[c]!(s) : s));
          expect(planHash({ ...plan, steps })).not.toBe(hash);
        },
      ),
    );
    // and the order of steps is part of the plan
    expect(planHash({ ...plan, steps: [...plan.steps].reverse() })).not.toBe(hash);
  });
});

describe('sha256Hex', () => {
  const reference = (text: string) => createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');

  it('hashes texts longer than its 1 MB pieces as one UTF-8 text, surrogate pairs across a piece edge included', () => {
    const mib = 1 << 20;
    for (const at of [mib - 2, mib - 1, mib, 2 * mib - 1]) {
      // A non-BMP character (two UTF-16 units) starting right before or on a piece boundary.
      const text = `${'a'.repeat(at)}\u{1F680}é${'b'.repeat(mib + 3)}`;
      expect(sha256Hex(text)).toBe(reference(text));
    }
    expect(sha256Hex('')).toBe(reference(''));
  });

  it('agrees with hashing the whole text on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(sha256Hex(text)).toBe(reference(text));
      }),
    );
  });

  it('canonicalPlan gives the text it hashed', () => {
    const plan = smallRealPlan();
    const c = canonicalPlan(plan);
    expect(c.json).toBe(canonicalJson(plan));
    expect(c.hash).toBe(planHash(plan));
    expect(c.hash).toBe(reference(c.json));
  });
});
