import { describe, expect, it } from 'vitest';
import { Placement } from './placement.js';

describe('Placement (free-RAM heap)', () => {
  it('picks the most free host, ties by inventory order, skipping one host', () => {
    const p = new Placement(5, 1000);
    p.set(0, true, 3000);
    p.set(1, true, 5000);
    p.set(2, true, 5000);
    p.set(3, true, 1000);
    expect(p.best(1000)).toBe(1);
    expect(p.best(1000, 1)).toBe(2);
    expect(p.best(6000)).toBeUndefined();
    expect(p.freeMb).toBe(14000);
    expect(p.freeSlots).toBe(14);
    p.set(1, true, 500);
    expect(p.best(1000)).toBe(2);
    expect(p.freeSlots).toBe(9);
    p.set(2, false, 0);
    expect(p.best(1000)).toBe(0);
    expect(p.size).toBe(3);
    expect(p.freeMb).toBe(4500);
  });

  it('stays a heap under many random updates', () => {
    const n = 200;
    const p = new Placement(n, 1);
    const free = new Map<number, number>();
    let x = 7;
    for (let k = 0; k < 5000; k++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const h = x % n;
      const member = x % 7 !== 0;
      const f = (x >> 8) % 100;
      p.set(h, member, f);
      if (member) free.set(h, f);
      else free.delete(h);
      const best = [...free].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
      expect(p.best(0)).toBe(best?.[0]);
    }
  });
});
