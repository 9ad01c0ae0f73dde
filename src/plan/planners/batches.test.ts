import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanaryStep } from '../../inventory/types.js';
import { batchSizes, instancesOn, splitIntoBatches } from './batches.js';

const arbRamp = fc.array(
  fc.oneof(
    fc.integer({ min: 1, max: 60 }).map((n): CanaryStep => n),
    fc.integer({ min: 1, max: 100 }).map((p): CanaryStep => `${p}%`),
  ),
  { maxLength: 5 },
);

describe('batchSizes', () => {
  it('follows the ramp, repeats its last entry and caps every batch', () => {
    expect(batchSizes(48, [1, 5, '20%'], 10)).toEqual([1, 5, 10, 10, 10, 10, 2]);
    expect(batchSizes(48, [1, 5, '20%'], 50)).toEqual([1, 5, 10, 10, 10, 10, 2]);
    expect(batchSizes(3, [1, 5], 10)).toEqual([1, 2]);
    expect(batchSizes(4, [], 3)).toEqual([3, 1]);
  });

  it('always covers every host, once, within the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        arbRamp,
        fc.integer({ min: 1, max: 50 }),
        (n, ramp, max) => {
          const sizes = batchSizes(n, ramp, max);
          expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
          for (const s of sizes) {
            expect(s).toBeGreaterThanOrEqual(1);
            expect(s).toBeLessThanOrEqual(max);
          }
          const hosts = Array.from({ length: n }, (_, i) => i);
          expect(splitIntoBatches(hosts, sizes).flat()).toEqual(hosts);
        },
      ),
    );
  });
});

describe('instancesOn', () => {
  it('spreads instances so that the hosts hold them all, differing by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 100_000 }), (n, total) => {
        const shares = Array.from({ length: n }, (_, i) => instancesOn(i, n, total));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
