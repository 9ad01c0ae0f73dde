// Ctrl-C during a run: the first pauses it (running steps finish, the journal says paused, `resume`
// continues), a second aborts running steps. The handlers live only as long as the run.

import type { Engine } from '../engine/engine.js';

export function interruptible(write: (line: string) => void): {
  control: (engine: Engine) => void;
  release: () => void;
} {
  let engine: Engine | undefined;
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count++;
    if (engine === undefined) return;
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
    control: (e) => {
      engine = e;
    },
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
