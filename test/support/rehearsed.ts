// A rehearsal in memory (no state directory) and its events: what the view's and the terminal's tests
// fold.

import { readFileSync } from 'node:fs';
import { CATALOG } from '../../src/catalog/index.js';
import type { ScenarioId } from '../../src/catalog/types.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { parseInventory } from '../../src/inventory/load.js';
import { type Rehearsal, rehearse } from '../../src/rehearse/rehearse.js';
import { MemoryJournal } from '../../src/store/memory-journal.js';

export async function rehearsedEvents(
  file: string,
  scenario: ScenarioId,
  faults: readonly string[] = [],
): Promise<{ r: Rehearsal; events: EngineEvent[] }> {
  const text = readFileSync(file, 'utf8');
  const journal = new MemoryJournal();
  const r = await rehearse({
    inventory: parseInventory(text, file, CATALOG),
    inventoryText: text,
    catalog: CATALOG,
    scenario,
    seed: 1,
    faults,
    journal,
    runId: 'r1',
  });
  return { r, events: await journal.events('r1') };
}
