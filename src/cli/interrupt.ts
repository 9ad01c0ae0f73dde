// Ctrl-C during a run: the first pauses it (running steps finish, the journal says paused, `resume`
// continues), a second aborts running steps. Before the engine starts (pre-flight, the confirmation),
// a signal cancels: nothing has changed yet. SIGUSR1 holds the run in the same process and SIGUSR2
// lets it carry on: that is how `stackhop serve` pauses and resumes a run another process drives
// (SIGTERM, as from `stackhop abort`, aborts). The handlers live only as long as the run.

import type { Engine } from '../engine/engine.js';

export function interruptible(write: (line: string) => void): {
  control: (engine: Engine) => void;
  release: () => void;
  /** Aborted by a signal that arrives before the engine starts. */
  beforeStart: AbortSignal;
} {
  let engine: Engine | undefined;
  let count = 0;
  const early = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (engine === undefined) {
      if (!early.signal.aborted) write(`stackhop: ${signal}: cancelling before anything changes`);
      early.abort(new Error(`cancelled (${signal})`));
      return;
    }
    count++;
    if (count === 1 && signal === 'SIGINT') {
      write('stackhop: pausing after the running steps (Ctrl-C again to abort them)');
      engine.pause(`interrupted (${signal})`);
    } else {
      write('stackhop: aborting the running steps');
      engine.abort(`aborted (${signal})`);
    }
  };
  const onHold = () => {
    if (engine === undefined) return;
    write('stackhop: held (SIGUSR1): running steps finish, nothing new starts until SIGUSR2');
    engine.hold('paused by the operator (dashboard or SIGUSR1)');
  };
  const onCarryOn = () => {
    if (engine === undefined) return;
    write('stackhop: carrying on (SIGUSR2)');
    engine.carryOn();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGUSR1', onHold);
  process.on('SIGUSR2', onCarryOn);
  return {
    beforeStart: early.signal,
    control: (e) => {
      engine = e;
    },
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGUSR1', onHold);
      process.off('SIGUSR2', onCarryOn);
    },
  };
}
