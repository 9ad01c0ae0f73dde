import { describe, expect, it } from 'vitest';
import { realClock } from './clock.js';

describe('realClock', () => {
  it('fires a timer after its delay, and never one that was cancelled', async () => {
    const fired: string[] = [];
    const from = Date.now();
    let firedAfter = -1;
    realClock.timer(20, () => {
      fired.push('kept');
      firedAfter = Date.now() - from;
    });
    const cancel = realClock.timer(10, () => fired.push('cancelled'));
    cancel();
    await realClock.sleep(80);
    expect(fired).toEqual(['kept']);
    expect(firedAfter).toBeGreaterThanOrEqual(19);
  });
});
