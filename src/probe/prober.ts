// Polls each API once per interval on the project's Clock and keeps the samples; downtime() reads them
// (downtime.ts). Each API has its own loop, so a slow or hanging API does not delay the others' probes.
// On a VirtualClock it runs in virtual time, given a `check` that does not wait on real I/O (e.g. one
// that asks the twin). stop() aborts the sleeps and checks in flight and waits for the loops to end,
// so no timer outlives it.

import { type Clock, realClock } from '../engine/clock.js';
import { type Check, type CheckResult, httpCheck } from './check.js';
import { type DowntimeReport, type Sample, summarise } from './downtime.js';

export interface ProbeTarget {
  /** The name downtime is reported under (stackhop's `compute-api`, …). */
  api: string;
  url: string;
}

export interface ProberOptions {
  clock?: Clock;
  /** Between probes of one API. Default 1 s. */
  intervalMs?: number;
  /** A probe without an answer this long counts as down. Default 3 s. */
  timeoutMs?: number;
  /** Default: an HTTP GET (check.ts). */
  check?: Check;
  /** Called with every sample as it is taken (to journal it, to show it). */
  onSample?: (sample: Sample) => void;
}

const TIMEOUT = Symbol('timeout');

export class ApiProber {
  readonly targets: readonly ProbeTarget[];
  readonly #clock: Clock;
  readonly #interval: number;
  readonly #timeout: number;
  readonly #check: Check;
  readonly #onSample: ((s: Sample) => void) | undefined;
  readonly #samples: Sample[] = [];
  #stop: AbortController | undefined;
  #loops: Promise<void>[] = [];
  #startedAt: number | undefined;
  #stoppedAt: number | undefined;

  constructor(targets: readonly ProbeTarget[], opts: ProberOptions = {}) {
    const names = new Set(targets.map((t) => t.api));
    if (names.size !== targets.length) throw new Error('ApiProber: each API may be probed once');
    this.targets = targets;
    this.#clock = opts.clock ?? realClock;
    this.#interval = opts.intervalMs ?? 1000;
    this.#timeout = opts.timeoutMs ?? 3000;
    if (!(this.#interval > 0) || !(this.#timeout > 0))
      throw new Error('ApiProber: interval and timeout must be > 0');
    this.#check = opts.check ?? httpCheck();
    this.#onSample = opts.onSample;
  }

  get running(): boolean {
    return this.#stop !== undefined;
  }

  start(): void {
    if (this.#stop !== undefined) throw new Error('ApiProber: already started');
    const stop = new AbortController();
    this.#stop = stop;
    this.#startedAt ??= this.#clock.now();
    this.#stoppedAt = undefined;
    this.#loops = this.targets.map((t) => this.#loop(t, stop.signal));
  }

  /** Stops every loop; resolves when none is left running. */
  async stop(): Promise<void> {
    const stop = this.#stop;
    if (stop === undefined) return;
    stop.abort();
    await Promise.all(this.#loops);
    this.#loops = [];
    this.#stop = undefined;
    this.#stoppedAt = this.#clock.now();
  }

  /** Samples so far, oldest first per API. */
  samples(): readonly Sample[] {
    return this.#samples;
  }

  /** Downtime per probed API; an outage still open ends at the stop (or now, while running). */
  downtime(): DowntimeReport {
    return summarise(this.#samples, {
      until: this.#stoppedAt ?? this.#clock.now(),
      apis: this.targets.map((t) => t.api),
    });
  }

  /** When probing started and (if it did) stopped. */
  get window(): { start: number | undefined; end: number | undefined } {
    return { start: this.#startedAt, end: this.#stoppedAt };
  }

  async #loop(target: ProbeTarget, signal: AbortSignal): Promise<void> {
    let next = this.#clock.now();
    while (!signal.aborted) {
      const at = this.#clock.now();
      const result = await this.#probe(target.url, signal);
      if (signal.aborted) return; // a probe cut short by stop() says nothing about the API
      const sample: Sample = {
        api: target.api,
        at,
        up: result.up,
        latencyMs: this.#clock.now() - at,
        ...(result.status === undefined ? {} : { status: result.status }),
        ...(result.error === undefined ? {} : { error: result.error }),
      };
      this.#samples.push(sample);
      this.#onSample?.(sample);
      // Keep to the grid; after a probe that overran, skip the instants already past.
      const now = this.#clock.now();
      next += this.#interval;
      if (next < now) next += Math.ceil((now - next) / this.#interval) * this.#interval;
      try {
        await this.#clock.sleep(next - now, signal);
      } catch {
        return;
      }
    }
  }

  async #probe(url: string, outer: AbortSignal): Promise<CheckResult> {
    const ctl = new AbortController();
    const onAbort = () => ctl.abort();
    outer.addEventListener('abort', onAbort, { once: true });
    const timeout = this.#clock.sleep(this.#timeout, ctl.signal).then(
      (): typeof TIMEOUT => TIMEOUT,
      () => undefined,
    );
    try {
      const checked = this.#check(url, ctl.signal).catch(
        (err: unknown): CheckResult => ({
          up: false,
          error: err instanceof Error ? err.message : String(err),
        }),
      );
      const r = await Promise.race([checked, timeout]);
      return r === TIMEOUT || r === undefined ? { up: false, error: 'timeout' } : r;
    } finally {
      // Cancels whichever lost: the timeout's timer, or the check's request.
      ctl.abort();
      outer.removeEventListener('abort', onAbort);
    }
  }

  toJSON(): object {
    return {
      targets: this.targets,
      intervalMs: this.#interval,
      timeoutMs: this.#timeout,
      samples: this.#samples.length,
    };
  }
}
