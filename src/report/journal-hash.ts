// The journal's fingerprint in a report: anyone holding the journal can re-hash a run's events and see
// that the report describes exactly those events, in that order, and nothing else.

import { createHash } from 'node:crypto';
import type { EngineEvent } from '../engine/events.js';
import { canonicalJson } from '../plan/canonical-json.js';

/** How the hash is made, in words, for the report's reader. */
export const JOURNAL_HASH_RULE =
  "sha256 (hex) of the run's events in journal order, each written as canonical JSON (object keys sorted, no spaces) followed by a newline";

/** sha256, hex, of each event's canonical JSON followed by `\n`, in order. */
export function journalHash(events: readonly EngineEvent[]): string {
  const hash = createHash('sha256');
  // One update per event: a 2,000-compute run has ~100,000 events, and one joined string would double
  // the memory for nothing.
  for (const e of events) hash.update(`${canonicalJson(e)}\n`);
  return hash.digest('hex');
}
