// `stackhop resume RUN`: continue a run from its journal. Succeeded steps are skipped, steps that were
// running are probed, failed and skipped ones run again. The plan must be the one the run started with.

import { join } from 'node:path';
import { CATALOG } from '../../catalog/index.js';
import { EXIT_BAD_INPUT, EXIT_FAILED, StackhopError } from '../../errors.js';
import { parseInventory } from '../../inventory/load.js';
import { resumeRehearsal } from '../../rehearse/rehearse.js';
import { planHash } from '../../store/plan-hash.js';
import { isRunId } from '../../store/run-id.js';
import { acquireRunLock } from '../../store/run-lock.js';
import { openSqliteJournal } from '../../store/sqlite-journal.js';
import { interruptible } from '../interrupt.js';
import { progressReporter } from '../progress.js';
import type { CommandResult } from '../result.js';
import { renderRehearsal } from './rehearsal-summary.js';
import { openJournalForReading } from './status.js';

export interface ResumeOptions {
  state: string;
  json: boolean;
  quiet: boolean;
  /** Rehearsals: run the rest without the injected faults (the operator "fixed" those hosts). */
  clearFaults?: boolean;
  progress?: (line: string) => void;
}

export async function resume(runId: string, opts: ResumeOptions): Promise<CommandResult> {
  if (!isRunId(runId)) {
    throw new StackhopError('ERR_USAGE', `RUN: "${runId}" is not a run id (like r20261125-171503-4f2a)`, {
      exitCode: EXIT_BAD_INPUT,
    });
  }
  await openJournalForReading(opts.state).close();
  const lock = acquireRunLock(opts.state, runId);
  const journal = openSqliteJournal(opts.state, { durability: 'process' });
  try {
    const stored = await journal.loadRun(runId);
    if (stored === undefined) {
      throw new StackhopError('ERR_NO_RUN', `no run ${runId} in ${opts.state}`, {
        exitCode: EXIT_BAD_INPUT,
        hint: 'list the runs with `stackhop status`',
      });
    }
    if (planHash(stored.plan) !== stored.header.plan_hash) {
      throw new StackhopError(
        'ERR_PLAN_CHANGED',
        `run ${runId}: its journaled plan does not match its hash`,
        {
          hint: 'the journal was modified; start a new run',
        },
      );
    }
    if (stored.status === 'succeeded' || stored.status === 'aborted') {
      return { stdout: '', stderr: `run ${runId} is ${stored.status}: nothing to resume\n`, exitCode: 0 };
    }
    if (stored.header.driver !== 'twin') {
      throw new StackhopError(
        'ERR_UNSUPPORTED',
        `run ${runId} drives real hosts; resuming real runs is not built yet`,
      );
    }
    const o = stored.header.options as { inventory_text: string; inventory_file: string };
    const inventory = parseInventory(o.inventory_text, o.inventory_file, CATALOG);
    const write = opts.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
    const interrupt = interruptible(write);
    const r = await resumeRehearsal({
      stored,
      inventory,
      catalog: CATALOG,
      journal,
      listeners: (p) => (opts.quiet || opts.json ? [] : [progressReporter(p, { write })]),
      control: interrupt.control,
      twinDir: join(opts.state, 'twins', runId),
      clearFaults: opts.clearFaults === true,
    }).finally(() => interrupt.release());
    const exitCode = r.outcome.status === 'succeeded' ? 0 : EXIT_FAILED;
    if (opts.json) {
      return {
        stdout: `${JSON.stringify({ run: runId, outcome: r.outcome, metrics: r.metrics, fingerprint: r.fingerprint }, null, 2)}\n`,
        stderr: '',
        exitCode,
      };
    }
    return { stdout: renderRehearsal(r, opts.state), stderr: '', exitCode };
  } finally {
    lock.release();
    await journal.close();
  }
}
