// Running `stackhop run` in-process against a FleetCloud, and reading back what its journal holds.

import type { ScenarioId } from '../../src/catalog/types.js';
import { runCommand } from '../../src/cli/commands/run.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { openSqliteJournal } from '../../src/store/sqlite-journal.js';
import type { FleetCloud } from './fleet-cloud.js';

export async function runOn(
  cloud: FleetCloud,
  scenario: ScenarioId,
  state: string,
  extra: Partial<Parameters<typeof runCommand>[1]> = {},
) {
  const lines: string[] = [];
  const r = await runCommand(cloud.inventoryFile, {
    scenario,
    yes: true,
    state,
    json: false,
    quiet: false,
    acceptNewHostKeys: false,
    approveGates: true,
    env: cloud.env,
    pollMs: 100,
    progress: (l) => lines.push(l),
    ...extra,
  });
  return { ...r, lines };
}

export async function journalEvents(state: string): Promise<{ runId: string; events: EngineEvent[] }> {
  const journal = openSqliteJournal(state, { durability: 'process' });
  try {
    const runs = await journal.listRuns();
    const runId = runs[0]?.id;
    if (runId === undefined) throw new Error('no run in the journal');
    return { runId, events: await journal.events(runId) };
  } finally {
    await journal.close();
  }
}
