// `stackhop abort RUN`: a run driven by a live process is told to abort (SIGTERM: its running steps
// are cancelled, computes restored per policy, the journal closed as aborted). A run nobody drives any
// more (paused, stopped, crashed) is marked aborted in the journal, so it cannot be resumed by mistake.

import { EXIT_BAD_INPUT, StackhopError } from '../../errors.js';
import { closeAsAborted } from '../../run/close-run.js';
import { isRunId } from '../../store/run-id.js';
import { acquireRunLock, runLockOwner } from '../../store/run-lock.js';
import { openSqliteJournal } from '../../store/sqlite-journal.js';
import type { CommandResult } from '../result.js';

export async function abortCommand(runId: string, opts: { state: string }): Promise<CommandResult> {
  if (!isRunId(runId)) {
    throw new StackhopError('ERR_USAGE', `RUN: "${runId}" is not a run id`, { exitCode: EXIT_BAD_INPUT });
  }
  const pid = runLockOwner(opts.state, runId);
  if (pid !== undefined && pid !== process.pid) {
    process.kill(pid, 'SIGTERM');
    return {
      stdout: `run ${runId}: asked process ${pid} to abort its running steps\n`,
      stderr: '',
      exitCode: 0,
    };
  }
  const lock = acquireRunLock(opts.state, runId);
  const journal = openSqliteJournal(opts.state, { durability: 'power' });
  try {
    const stored = await journal.loadRun(runId);
    if (stored === undefined) {
      throw new StackhopError('ERR_NO_RUN', `no run ${runId} in ${opts.state}`, { exitCode: EXIT_BAD_INPUT });
    }
    if (stored.status === 'succeeded' || stored.status === 'aborted') {
      return { stdout: '', stderr: `run ${runId} is already ${stored.status}\n`, exitCode: 0 };
    }
    const counts = await closeAsAborted(journal, stored);
    return {
      stdout: `run ${runId}: marked aborted (${counts.succeeded} steps had succeeded); \`stackhop rollback ${runId}\` undoes them\n`,
      stderr: '',
      exitCode: 0,
    };
  } finally {
    lock.release();
    await journal.close();
  }
}
