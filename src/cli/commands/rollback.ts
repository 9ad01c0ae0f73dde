// `stackhop rollback RUN`: undo a real run from its journal (facts §2.4): services stopped, packages
// back at their earlier versions, /etc back from the run's archives, databases back from its verified
// dumps, services started, computes re-enabled. The rollback is a run of its own: journaled, resumable.

import { CATALOG } from '../../catalog/index.js';
import { EXIT_BAD_INPUT, StackhopError } from '../../errors.js';
import { parseInventory } from '../../inventory/load.js';
import { closeAsAborted } from '../../run/close-run.js';
import { openRunCloud } from '../../run/open-cloud.js';
import { type RealRunOptions, type RealRunResult, startRollback } from '../../run/real-run.js';
import { Redactor } from '../../security/redactor.js';
import { isRunId, newRunId } from '../../store/run-id.js';
import { acquireRunLock } from '../../store/run-lock.js';
import { openSqliteJournal } from '../../store/sqlite-journal.js';
import { interruptible } from '../interrupt.js';
import { commandProgress } from '../progress.js';
import type { CommandResult } from '../result.js';
import { buildPool, gateApprover, planSummary } from './run.js';
import { realRunOutput } from './run-summary.js';

export interface RollbackOptions {
  yes: boolean;
  state: string;
  json: boolean;
  quiet: boolean;
  approveGates: boolean;
  pollMs?: number;
  progress?: (line: string) => void;
  /** Where --json's event lines go (standard output by default). */
  events?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Answers the confirmation prompt (tests); the terminal otherwise. */
  confirm?: (summary: string) => Promise<boolean>;
}

export async function rollbackCommand(target: string, opts: RollbackOptions): Promise<CommandResult> {
  if (!isRunId(target))
    throw new StackhopError('ERR_USAGE', `RUN: "${target}" is not a run id`, { exitCode: EXIT_BAD_INPUT });
  const env = opts.env ?? process.env;
  const journal = openSqliteJournal(opts.state, { durability: 'power' });
  const redactor = Redactor.fromEnv(env);
  const write = opts.progress ?? ((line: string) => process.stderr.write(`${redactor.redact(line)}\n`));
  try {
    const stored = await journal.loadRun(target);
    if (stored === undefined)
      throw new StackhopError('ERR_NO_RUN', `no run ${target} in ${opts.state}`, {
        exitCode: EXIT_BAD_INPUT,
      });
    if (stored.header.driver !== 'real') {
      throw new StackhopError('ERR_USAGE', `run ${target} is a rehearsal: there is nothing to roll back`, {
        exitCode: EXIT_BAD_INPUT,
      });
    }
    if (stored.status === 'running') {
      throw new StackhopError(
        'ERR_RUN_ACTIVE',
        `run ${target} is still running (or crashed): abort it first`,
        {
          exitCode: EXIT_BAD_INPUT,
          hint: `stackhop abort ${target} --state ${opts.state}`,
        },
      );
    }
    if (!opts.yes && opts.confirm === undefined && !process.stdin.isTTY) {
      throw new StackhopError(
        'ERR_USAGE',
        'refusing to roll back without confirmation: pass --yes when there is no terminal',
        {
          exitCode: EXIT_BAD_INPUT,
        },
      );
    }
    const options = stored.header.options as unknown as RealRunOptions;
    const inventory = parseInventory(options.inventory_text, options.inventory_file, CATALOG);
    const pool = await buildPool(inventory, {
      knownHosts: options.known_hosts,
      acceptNewHostKeys: options.accept_new_host_keys,
      env,
    });
    const cloud = await openRunCloud(inventory, env, redactor, { pollMs: opts.pollMs });
    const runId = newRunId(new Date(), Math.random);
    // The run being undone is locked too: nobody resumes it meanwhile.
    const targetLock = acquireRunLock(opts.state, target);
    const lock = acquireRunLock(opts.state, runId);
    const interrupt = interruptible(write);
    const progress = commandProgress({
      json: opts.json,
      quiet: opts.quiet,
      write: opts.progress === undefined ? undefined : (l) => opts.progress?.(redactor.redact(l)),
      events: opts.events,
      redact: (t) => redactor.redact(t),
    });
    let result: RealRunResult;
    try {
      result = await startRollback({
        target: stored,
        inventory,
        inventoryText: options.inventory_text,
        catalog: CATALOG,
        journal,
        runId,
        pool,
        cloud: cloud?.api,
        redactor,
        env,
        ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
        approveGate: gateApprover(opts),
        listeners: progress.listeners,
        control: (engine) => {
          interrupt.control(engine);
          cloud?.startProbes();
        },
        confirm: async (plan) => {
          const yes =
            opts.yes ||
            (await confirmRollback(`rollback of run ${target}\n${planSummary(plan)}`, opts, write));
          // Once undone, the run must never be resumed: its succeeded steps would be skipped on a cloud
          // that no longer has their effects.
          if (yes) await closeAsAborted(journal, stored);
          return yes;
        },
      });
      await cloud?.stopProbes(journal, runId);
    } finally {
      progress.close();
      interrupt.release();
      lock.release();
      targetLock.release();
      await cloud?.stopProbes(journal, runId);
      await Promise.all([pool.close(), cloud?.api.close()]);
    }
    return realRunOutput(result, {
      json: opts.json,
      state: opts.state,
      redactor,
      measured: cloud?.downtime(),
      what: 'rollback',
      json_extra: { rollback_of: target },
    });
  } finally {
    await journal.close();
  }
}

async function confirmRollback(
  summary: string,
  opts: RollbackOptions,
  write: (line: string) => void,
): Promise<boolean> {
  if (opts.confirm !== undefined) return opts.confirm(summary);
  write(summary);
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question('Type "yes" to roll back: ')).trim() === 'yes';
  } finally {
    rl.close();
  }
}
