// Ctrl-C during a run: the first pauses it (running steps finish, the journal says paused, `resume`
// continues), a second aborts running steps. Before the engine starts (pre-flight, the confirmation),
// a signal cancels: nothing has changed yet. The handlers live only as long as the run.

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
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    beforeStart: early.signal,
    control: (e) => {
      engine = e;
    },
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
