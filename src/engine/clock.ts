// The engine's notion of time. Real runs use the wall clock; rehearsals use a virtual clock that jumps
// from one scheduled instant to the next, so a day-long upgrade of the twin runs in seconds.

export interface Clock {
  /** Milliseconds since the epoch (virtual for the twin). */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `fire` after `ms` unless the returned function is called first. Cheaper than a sleep with an
   * abort signal for a deadline that is nearly always cancelled (the engine's step timeouts: one per step).
   */
  timer(ms: number, fire: () => void): () => void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  timer: (ms, fire) => {
    const t = setTimeout(fire, ms);
    return () => clearTimeout(t);
  },
};
