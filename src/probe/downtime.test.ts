import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { downIntervals, type Sample, summarise } from './downtime.js';

const series = (api: string, ups: boolean[], step = 1000): Sample[] =>
  ups.map((up, i) => ({ api, at: i * step, up, latencyMs: 1 }));

describe('downtime from samples', () => {
  it('counts from the first failed probe to the first good one after it', () => {
    const s = series('compute-api', [true, true, true, false, false, false, true, true]);
    expect(downIntervals(s)).toEqual([{ start: 3000, end: 6000, open: false }]);
    expect(summarise(s)['compute-api']).toEqual({
      downSeconds: 3,
      intervals: [{ start: 3000, end: 6000, open: false }],
      samples: 8,
      downSamples: 3,
    });
  });

  it('keeps an outage still running open, up to `until`', () => {
    const s = series('image-api', [true, false, true, false, false]);
    expect(downIntervals(s, 10_000)).toEqual([
      { start: 1000, end: 2000, open: false },
      { start: 3000, end: 10_000, open: true },
    ]);
    expect(downIntervals(s)).toEqual([
      { start: 1000, end: 2000, open: false },
      { start: 3000, end: 4000, open: true },
    ]);
  });

  it('reports listed APIs without samples as never down, and sorts samples first', () => {
    const shuffled = [...series('a', [false, true])].reverse();
    expect(summarise(shuffled, { apis: ['a', 'b'] })).toEqual({
      a: { downSeconds: 1, intervals: [{ start: 0, end: 1000, open: false }], samples: 2, downSamples: 1 },
      b: { downSeconds: 0, intervals: [], samples: 0, downSamples: 0 },
    });
  });

  it('intervals are ordered, disjoint, within the span, one per outage', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 5000 }),
        (ups, step) => {
          const s = series('x', ups, step);
          const iv = downIntervals(s);
          const outages = ups.filter((u, i) => !u && (i === 0 || ups[i - 1] === true)).length;
          expect(iv).toHaveLength(outages);
          for (let i = 0; i < iv.length; i++) {
            const cur = iv[i]!;
            expect(cur.start).toBeLessThanOrEqual(cur.end);
            if (i > 0) expect(cur.start).toBeGreaterThan(iv[i - 1]!.end - 1);
            expect(cur.open).toBe(i === iv.length - 1 && ups[ups.length - 1] === false);
          }
          const down = Math.round(summarise(s).x!.downSeconds * 1000);
          expect(down).toBeLessThanOrEqual((ups.length - 1) * step);
          expect(down).toBe(iv.reduce((n, v) => n + v.end - v.start, 0));
        },
      ),
    );
  });
});
