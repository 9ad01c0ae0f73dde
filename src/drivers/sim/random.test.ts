import { describe, expect, it } from 'vitest';
import { draw, keyedRandom } from './random.js';

describe('keyed randomness', () => {
  it('depends on seed and key only, not on call order', () => {
    const a = draw(1, 'duration:x:1');
    draw(1, 'something else');
    expect(draw(1, 'duration:x:1')).toBe(a);
    expect(draw(2, 'duration:x:1')).not.toBe(a);
    expect(draw(1, 'duration:x:2')).not.toBe(a);
    const s = keyedRandom(5, 'life');
    expect(s(3)).toBe(keyedRandom(5, 'life')(3));
  });

  it('is roughly uniform in [0, 1), also for seeds beyond 32 bits', () => {
    const s = keyedRandom(2 ** 40 + 3, 'u');
    let sum = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const x = s(i);
      if (x < 0 || x >= 1) throw new Error(`out of range: ${x}`);
      sum += x;
    }
    expect(sum / n).toBeGreaterThan(0.48);
    expect(sum / n).toBeLessThan(0.52);
  });
});
