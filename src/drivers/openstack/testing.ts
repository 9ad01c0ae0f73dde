// Helpers for this folder's tests: a clock whose sleeps return at once (and are recorded), so retry
// backoff and token margins are exercised without waiting; its timers never fire.

import type { Clock } from '../../engine/clock.js';

export function instantClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    now: () => Date.now(),
    sleep: (ms, signal) => {
      if (signal?.aborted === true) return Promise.reject(signal.reason);
      slept.push(ms);
      return Promise.resolve();
    },
    // Time passes only through sleeps here, so a deadline never comes.
    timer: () => () => undefined,
  };
}
