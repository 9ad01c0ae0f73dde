// Closing a run nobody will continue: `abort` of a run no process drives, and a run being rolled back.

import type { Journal, StoredRun } from '../engine/journal.js';

/** Marks a run aborted in its journal (if it is not closed yet); resolves with its step counts. */
export async function closeAsAborted(journal: Journal, stored: StoredRun) {
  const counts = { steps: stored.plan.steps.length, succeeded: 0, failed: 0, skipped: 0, pending: 0 };
  for (const s of stored.plan.steps) {
    const st = stored.steps.get(s.id)?.status ?? 'pending';
    if (st === 'succeeded') counts.succeeded++;
    else if (st === 'failed') counts.failed++;
    else if (st === 'skipped') counts.skipped++;
    else counts.pending++;
  }
  if (stored.status !== 'succeeded' && stored.status !== 'aborted') {
    await journal.append(stored.header.id, [
      { type: 'run-finished', at: Date.now(), status: 'aborted', counts },
    ]);
  }
  return counts;
}
