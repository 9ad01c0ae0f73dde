// The journal as the engine sees it during a real run: every event is redacted before it is stored,
// so no code path (driver output, error messages, summaries) can write a secret to disk.

import type { EngineEvent } from '../engine/events.js';
import type { Journal } from '../engine/journal.js';
import type { Redactor } from './redactor.js';

export function redactingJournal(inner: Journal, redactor: Redactor): Journal {
  return {
    createRun: (header, plan, planJson) => inner.createRun(header, plan, planJson),
    append: (runId, events) =>
      inner.append(
        runId,
        events.map((e) => redactor.redactDeep<EngineEvent>(e)),
      ),
    loadRun: (runId) => inner.loadRun(runId),
    events: (runId, from, limit) => inner.events(runId, from, limit),
    listRuns: () => inner.listRuns(),
    close: () => inner.close(),
  };
}
