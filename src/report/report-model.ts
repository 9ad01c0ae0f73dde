// The upgrade report as data: the run's header facts, the view folded from its plan and events (the
// same fold as the terminal and the dashboard, so the three never disagree), and the journal's hash so
// a reader can check that the report describes exactly the journaled events.

import type { EngineEvent } from '../engine/events.js';
import type { RunHeader, StoredRun } from '../engine/journal.js';
import { RunTracker } from '../view/run-tracker.js';
import type { RunView } from '../view/run-view.js';
import { journalHash } from './journal-hash.js';

export const REPORT_FORMAT = 'stackhop.report/v1';

export interface ReportRun {
  id: string;
  cloud: string;
  scenario: RunHeader['scenario'];
  /** `twin`: a rehearsal on the simulated cloud; `real`: the cloud itself. */
  driver: RunHeader['driver'];
  created_wall: string;
  plan_hash: string;
}

export interface RunReport {
  format: typeof REPORT_FORMAT;
  run: ReportRun;
  view: RunView;
  journal: { events: number; sha256: string };
}

/** `events`: every event of the run, in journal order (the hash covers exactly these). */
export function buildReport(stored: StoredRun, events: readonly EngineEvent[]): RunReport {
  const tracker = new RunTracker(stored.plan);
  for (const e of events) tracker.apply(e);
  const h = stored.header;
  return {
    format: REPORT_FORMAT,
    run: {
      id: h.id,
      cloud: h.cloud,
      scenario: h.scenario,
      driver: h.driver,
      created_wall: h.created_wall,
      plan_hash: h.plan_hash,
    },
    view: tracker.view(),
    journal: { events: events.length, sha256: journalHash(events) },
  };
}
