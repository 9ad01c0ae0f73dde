// Rehearsals for the browser tests, journaled through the CLI's own code path (`rehearseCommand`, as
// `stackhop rehearse` runs it) into a state directory: the bundled HA example, and the benchmarks'
// cloud (bench/support/inventory.ts) at 2,000 computes, whose report and dashboard must load in a
// browser in under 2 s.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchInventoryYaml } from '../../bench/support/inventory.js';
import { rehearseCommand } from '../../src/cli/commands/rehearse.js';
import { reportCommand } from '../../src/cli/commands/report.js';
import { openJournalForReading } from '../../src/cli/commands/status.js';
import type { RunReport } from '../../src/report/report-model.js';

export const REPO = join(import.meta.dirname, '..', '..');
export const HA = join(REPO, 'examples', 'ha-ubuntu.yaml');

export interface Rehearsed {
  /** The state directory (`--state`): journal.db and the twin's store. */
  state: string;
  run: string;
  /** The HTML report, written by `stackhop report RUN --html`. */
  report: string;
  /** Hosts of the run's view (the dashboard's grid and the report's host table). */
  hosts: number;
  /** Wall milliseconds the rehearsal took. */
  rehearse_ms: number;
}

/** Rehearses `inventory` (live-compute, seed 1) into `state` and writes its HTML report beside it. */
export async function rehearseInto(inventory: string, state: string): Promise<Rehearsed> {
  const started = performance.now();
  const r = await rehearseCommand(inventory, {
    scenario: 'live-compute',
    seed: 1,
    inject: [],
    rehearseRejected: false,
    state,
    json: false,
    quiet: true,
    progress: () => {},
  });
  const rehearse_ms = performance.now() - started;
  if (r.exitCode !== 0) throw new Error(`rehearsal of ${inventory} failed (exit ${r.exitCode}): ${r.stderr}`);
  const run = await onlyRun(state);
  const report = join(state, 'report.html');
  const json = await reportCommand(run, { state, html: report, json: true });
  const hosts = (JSON.parse(json.stdout) as RunReport).view.hosts.length;
  return { state, run, report, hosts, rehearse_ms };
}

export const BIG_COMPUTES = 2000;

/** The benchmarks' cloud at 2,000 computes (50,000 instances), rehearsed into `dir`/state. */
export async function rehearseBig(dir: string): Promise<Rehearsed> {
  mkdirSync(dir, { recursive: true });
  const inventory = join(dir, `cloud-${BIG_COMPUTES}.yaml`);
  writeFileSync(inventory, benchInventoryYaml(BIG_COMPUTES));
  return rehearseInto(inventory, join(dir, 'state'));
}

/** The id of the one run journaled in `state`. */
export async function onlyRun(state: string): Promise<string> {
  const journal = openJournalForReading(state);
  try {
    const runs = await journal.listRuns();
    if (runs.length !== 1) throw new Error(`${runs.length} runs journaled in ${state}, expected one`);
    return runs[0]!.id;
  } finally {
    await journal.close();
  }
}
