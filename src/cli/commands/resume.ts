// `stackhop resume RUN`: continue a run from its journal. Succeeded steps are skipped, steps that were
// running are probed, failed and skipped ones run again. The plan must be the one the run started with.

import { join } from 'node:path';
import { CATALOG } from '../../catalog/index.js';
import type { StoredRun } from '../../engine/journal.js';
import { EXIT_BAD_INPUT, EXIT_FAILED, StackhopError } from '../../errors.js';
import { parseInventory } from '../../inventory/load.js';
import { resumeRehearsal } from '../../rehearse/rehearse.js';
import { openRunCloud } from '../../run/open-cloud.js';
import { type RealRunOptions, resumeRealRun } from '../../run/real-run.js';
import { Redactor } from '../../security/redactor.js';
import { planHash } from '../../store/plan-hash.js';
import { isRunId } from '../../store/run-id.js';
import { acquireRunLock } from '../../store/run-lock.js';
import { openSqliteJournal } from '../../store/sqlite-journal.js';
import { interruptible } from '../interrupt.js';
import { commandProgress } from '../progress.js';
import type { CommandResult } from '../result.js';
import { renderRehearsal } from './rehearsal-summary.js';
import { buildPool, gateApprover } from './run.js';
import { renderRunSummary } from './run-summary.js';
import { openJournalForReading } from './status.js';

export interface ResumeOptions {
  state: string;
  json: boolean;
  quiet: boolean;
  /** Rehearsals: run the rest without the injected faults (the operator "fixed" those hosts). */
  clearFaults?: boolean;
  /** Real runs: approve gates without asking. */
  approveGates?: boolean;
  /** Real runs: interval of the driver's polls and of the API probes. */
  pollMs?: number;
  progress?: (line: string) => void;
  /** Where --json's event lines go (standard output by default). */
  events?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export async function resume(runId: string, opts: ResumeOptions): Promise<CommandResult> {
  if (!isRunId(runId)) {
    throw new StackhopError('ERR_USAGE', `RUN: "${runId}" is not a run id (like r20261125-171503-4f2a)`, {
      exitCode: EXIT_BAD_INPUT,
    });
  }
  await openJournalForReading(opts.state).close();
  const lock = acquireRunLock(opts.state, runId);
  let journal = openSqliteJournal(opts.state, { durability: 'process' });
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
    if (stored.header.driver === 'real') {
      // A real run's journal is durable to power loss; reopen it as such.
      await journal.close();
      return await resumeReal(stored, opts);
    }
    const o = stored.header.options as { inventory_text: string; inventory_file: string };
    const inventory = parseInventory(o.inventory_text, o.inventory_file, CATALOG);
    const write = opts.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
    const interrupt = interruptible(write);
    const progress = commandProgress({
      json: opts.json,
      quiet: opts.quiet,
      write: opts.progress,
      events: opts.events,
    });
    const r = await resumeRehearsal({
      stored,
      inventory,
      catalog: CATALOG,
      journal,
      listeners: progress.listeners,
      control: interrupt.control,
      twinDir: join(opts.state, 'twins', runId),
      clearFaults: opts.clearFaults === true,
    }).finally(() => {
      progress.close();
      interrupt.release();
    });
    const exitCode = r.outcome.status === 'succeeded' ? 0 : EXIT_FAILED;
    if (opts.json) {
      return {
        stdout: `${JSON.stringify({ type: 'result', run: runId, outcome: r.outcome, metrics: r.metrics, fingerprint: r.fingerprint })}\n`,
        stderr: '',
        exitCode,
      };
    }
    return { stdout: renderRehearsal(r, opts.state), stderr: '', exitCode };
  } finally {
    lock.release();
    await journal.close();
  }

  async function resumeReal(stored: StoredRun, o: ResumeOptions): Promise<CommandResult> {
    const env = o.env ?? process.env;
    const options = stored.header.options as unknown as RealRunOptions;
    const inventory = parseInventory(options.inventory_text, options.inventory_file, CATALOG);
    const redactor = Redactor.fromEnv(env);
    const write = o.progress ?? ((line: string) => process.stderr.write(`${redactor.redact(line)}\n`));
    journal = openSqliteJournal(o.state, { durability: 'power' });
    const pool = await buildPool(inventory, {
      knownHosts: options.known_hosts,
      acceptNewHostKeys: options.accept_new_host_keys,
      ...(options.parallelism !== null ? { parallel: options.parallelism } : {}),
      env,
    });
    const cloud = await openRunCloud(inventory, env, redactor, { pollMs: o.pollMs });
    const interrupt = interruptible(write);
    const progress = commandProgress({
      json: o.json,
      quiet: o.quiet,
      write: o.progress === undefined ? undefined : (l) => o.progress?.(redactor.redact(l)),
      events: o.events,
      redact: (t) => redactor.redact(t),
    });
    try {
      const r = await resumeRealRun({
        stored,
        inventory,
        inventoryText: options.inventory_text,
        catalog: CATALOG,
        journal,
        runId: stored.header.id,
        pool,
        cloud: cloud?.api,
        redactor,
        env,
        ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
        ...(options.parallelism !== null ? { parallelism: options.parallelism } : {}),
        approveGate: gateApprover({ approveGates: o.approveGates === true }),
        listeners: progress.listeners,
        control: (engine) => {
          interrupt.control(engine);
          cloud?.startProbes();
        },
      });
      await cloud?.stopProbes(journal, stored.header.id);
      const exitCode = r.outcome?.status === 'succeeded' ? 0 : EXIT_FAILED;
      if (o.json) {
        return {
          stdout: `${redactor.redact(JSON.stringify({ type: 'result', run: r.runId, outcome: r.outcome }))}\n`,
          stderr: '',
          exitCode,
        };
      }
      return {
        stdout: redactor.redact(renderRunSummary(r, o.state, cloud?.downtime())),
        stderr: '',
        exitCode,
      };
    } finally {
      progress.close();
      interrupt.release();
      await cloud?.stopProbes(journal, stored.header.id);
      await Promise.all([pool.close(), cloud?.api.close()]);
    }
  }
}
