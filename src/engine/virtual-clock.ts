// Virtual time for rehearsals: sleeping registers a timer on a heap ordered by (time, sequence), and
// `run` advances time to the next timer whenever everything else has settled. Deterministic: the same
// program sees the same instants in the same order. Everything the program awaits besides this clock
// must settle within the microtasks of one turn (the journal's SQLite writes are synchronous).

import type { Clock } from './clock.js';

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
  /** Cancelled (its sleep was aborted): popped without advancing the program. */
  dead: boolean;
}

export class VirtualClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly heap: Timer[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.heap.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason);
        return;
      }
      const timer = this.at(this.t + Math.max(0, ms), () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      const onAbort = () => {
        timer.dead = true;
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  timer(ms: number, fire: () => void): () => void {
    const timer = this.at(this.t + Math.max(0, ms), fire);
    return () => {
      timer.dead = true;
    };
  }

  /** Calls `fire` when virtual time reaches `atMs` (now, if that is in the past). */
  at(atMs: number, fire: () => void): { dead: boolean } {
    const timer = { at: Math.max(atMs, this.t), seq: this.seq++, fire, dead: false };
    this.push(timer);
    return timer;
  }

  /**
   * Runs `main` to completion in virtual time. Rejects if `main` waits for something that no timer
   * will ever bring (a deadlock in virtual time), unless `idle` says it waits for the outside world
   * (a run held by its operator): then it waits in real time. With `pace`, virtual time moves at most
   * `pace` virtual milliseconds per real millisecond, so a rehearsal can be watched as it goes.
   */
  async run<T>(main: () => Promise<T>, o: { pace?: number; idle?: () => boolean } = {}): Promise<T> {
    let settled = false;
    const result = main().finally(() => {
      settled = true;
    });
    // Keep the rejection handled while we drive time; it is re-raised by `await result` below.
    result.catch(() => undefined);
    for (;;) {
      await settle();
      if (settled) break;
      while (this.heap[0]?.dead === true) this.pop();
      const top = this.heap[0];
      if (top === undefined && o.idle?.() === true) {
        await realSleep(IDLE_POLL_MS);
        continue;
      }
      if (top !== undefined && o.pace !== undefined && top.at > this.t) {
        // Walk towards the next timer in real time, in short hops: something from outside (a signal)
        // may schedule an earlier one meanwhile.
        const hop = Math.min((top.at - this.t) / o.pace, IDLE_POLL_MS);
        await realSleep(hop);
        this.t = Math.min(top.at, this.t + Math.max(1, Math.round(hop * o.pace)));
        if (this.t < top.at) continue;
      }
      let next = this.pop();
      while (next?.dead === true) next = this.pop();
      if (next === undefined) {
        throw new Error(
          'virtual clock: the program waits but no timer is pending (deadlock in virtual time)',
        );
      }
      this.t = next.at;
      next.fire();
      // Fire every timer due at the same instant before letting the program run on.
      while (this.heap.length > 0 && this.heap[0]!.at === this.t) {
        const same = this.pop()!;
        if (!same.dead) same.fire();
      }
    }
    return await result;
  }

  private push(timer: Timer): void {
    const h = this.heap;
    let i = h.length;
    h.push(timer);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(timer, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = timer;
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= h.length) break;
      if (c + 1 < h.length && before(h[c + 1]!, h[c]!)) c++;
      if (!before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return top;
  }
}

/** Longest real wait between two looks at the outside world. */
const IDLE_POLL_MS = 50;

function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Lets every pending microtask (promise continuation) run: setImmediate fires after they drain. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
