// What the dashboard's buttons do to a run. The dashboard never drives a run itself: it signals the
// process that does (the owner of the run's lock) — SIGUSR1 holds it, SIGUSR2 lets it carry on,
// SIGTERM aborts it (see cli/interrupt.ts) — and the effect shows up in the journal like any other
// event. A run nobody drives can only be aborted (marked so in the journal, as `stackhop abort` does).

import { abortCommand } from '../cli/commands/abort.js';
import { runLockOwner } from '../store/run-lock.js';

export type ControlAction = 'pause' | 'resume' | 'abort';

export interface ControlResult {
  /** HTTP status: 202 accepted, 409 when no live process drives the run. */
  status: 202 | 409;
  message: string;
}

const SIGNALS: Readonly<Record<ControlAction, NodeJS.Signals>> = {
  pause: 'SIGUSR1',
  resume: 'SIGUSR2',
  abort: 'SIGTERM',
};

export async function controlRun(
  state: string,
  runId: string,
  action: ControlAction,
): Promise<ControlResult> {
  const pid = runLockOwner(state, runId);
  if (pid === undefined || pid === process.pid) {
    if (action === 'abort') {
      const r = await abortCommand(runId, { state });
      return { status: 202, message: (r.stdout || r.stderr).trim() };
    }
    return {
      status: 409,
      message: `no process drives run ${runId} now: \`stackhop resume ${runId}\` continues it`,
    };
  }
  process.kill(pid, SIGNALS[action]);
  const what = {
    pause: 'pause after its running steps',
    resume: 'carry on',
    abort: 'abort its running steps',
  };
  return { status: 202, message: `asked process ${pid} to ${what[action]}` };
}
