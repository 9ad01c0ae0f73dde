// `stackhop rehearse FILE --scenario S`: the engine on the twin, journaled like a real run, with the
// progress view, ending with what the upgrade cost in numbers.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CATALOG } from '../../catalog/index.js';
import type { ScenarioId } from '../../catalog/types.js';
import { parseFault } from '../../drivers/sim/index.js';
import { EXIT_BAD_INPUT, EXIT_FAILED, StackhopError } from '../../errors.js';
import { parseInventory } from '../../inventory/load.js';
import { loadPlan } from '../../plan/load-plan.js';
import { type Rehearsal, rehearse } from '../../rehearse/rehearse.js';
import { newRunId } from '../../store/run-id.js';
import { acquireRunLock } from '../../store/run-lock.js';
import { openSqliteJournal } from '../../store/sqlite-journal.js';
import { interruptible } from '../interrupt.js';
import { commandProgress } from '../progress.js';
import type { CommandResult } from '../result.js';
import { formatViolations } from './plan.js';
import { renderRehearsal } from './rehearsal-summary.js';

export interface RehearseOptions {
  scenario: ScenarioId;
  seed: number;
  inject: readonly string[];
  plan?: string;
  rehearseRejected: boolean;
  state: string;
  json: boolean;
  quiet: boolean;
  parallelism?: number;
  /** Where progress lines go (standard error by default). */
  progress?: (line: string) => void;
  /** Where --json's event lines go (standard output by default). */
  events?: (line: string) => void;
  /** Virtual seconds per real second: the twin runs at this pace instead of as fast as it can. */
  pace?: number;
}

export async function readInventoryText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new StackhopError('ERR_INPUT', `${file}: cannot read the inventory: ${(err as Error).message}`, {
      exitCode: EXIT_BAD_INPUT,
    });
  }
}

export function parseSeed(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) {
    throw new StackhopError('ERR_USAGE', `--seed: "${text}" is not a whole number`, {
      exitCode: EXIT_BAD_INPUT,
    });
  }
  return n;
}

export async function rehearseCommand(file: string, opts: RehearseOptions): Promise<CommandResult> {
  for (const f of opts.inject) {
    try {
      parseFault(f);
    } catch (err) {
      throw new StackhopError('ERR_USAGE', `--inject: ${(err as Error).message}`, {
        exitCode: EXIT_BAD_INPUT,
        hint: 'HOST:ACTION:KIND, e.g. cmp003:upgrade-packages:fail (KIND is fail, hang or slow)',
      });
    }
  }
  const text = await readInventoryText(file);
  const inventory = parseInventory(text, file, CATALOG);
  const plan = opts.plan === undefined ? undefined : await loadPlan(opts.plan);
  if (plan !== undefined && plan.scenario !== opts.scenario) {
    throw new StackhopError(
      'ERR_USAGE',
      `--plan: ${opts.plan} is a ${plan.scenario} plan, but --scenario is ${opts.scenario}`,
      { exitCode: EXIT_BAD_INPUT },
    );
  }
  const journal = openSqliteJournal(opts.state, { durability: 'process' });
  const runId = newRunId(new Date(), Math.random);
  const write = opts.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  let result: Rehearsal;
  const interrupt = interruptible(write);
  const progress = commandProgress({
    json: opts.json,
    quiet: opts.quiet,
    write: opts.progress,
    events: opts.events,
  });
  const lock = acquireRunLock(opts.state, runId);
  try {
    result = await rehearse({
      inventory,
      inventoryText: text,
      catalog: CATALOG,
      scenario: opts.scenario,
      seed: opts.seed,
      faults: opts.inject,
      ...(plan === undefined ? {} : { plan }),
      rehearseRejected: opts.rehearseRejected,
      journal,
      runId,
      twinDir: join(opts.state, 'twins', runId),
      ...(opts.parallelism === undefined ? {} : { parallelism: opts.parallelism }),
      listeners: progress.listeners,
      control: interrupt.control,
      ...(opts.pace === undefined ? {} : { pace: opts.pace }),
    });
  } catch (err) {
    if (err instanceof StackhopError && err.code === 'ERR_PLAN_REJECTED') {
      return { stdout: '', stderr: `${err.message}\n  hint: ${err.hint ?? ''}\n`, exitCode: EXIT_FAILED };
    }
    throw err;
  } finally {
    progress.close();
    interrupt.release();
    lock.release();
    await journal.close();
  }
  if (!result.check.ok && !opts.json) {
    write(
      formatViolations(result.check).trimEnd().replace('stackhop will never run it', 'a real run is refused'),
    );
  }
  const exitCode = result.outcome.status === 'succeeded' ? 0 : EXIT_FAILED;
  if (opts.json) {
    const json = {
      type: 'result',
      run: runId,
      state: opts.state,
      outcome: result.outcome,
      metrics: result.metrics,
    };
    return { stdout: `${JSON.stringify(json)}\n`, stderr: '', exitCode };
  }
  return { stdout: renderRehearsal(result, opts.state), stderr: '', exitCode };
}
