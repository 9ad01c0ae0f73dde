// The journal port: where a run's plan, step transitions and events live, so that a crash at any
// instant resumes without losing or repeating work. Implementations: store/sqlite (default),
// store/memory (compare, tests).

import type { Plan } from '../plan/types.js';
import type { EngineEvent, RunStatus, StepStatus } from './events.js';

export interface RunHeader {
  id: string;
  /** Engine clock at creation (virtual in a rehearsal), and the wall clock. */
  created_at: number;
  created_wall: string;
  cloud: string;
  scenario: Plan['scenario'];
  /** sha256 of the plan's canonical JSON: resume refuses a different plan. */
  plan_hash: string;
  driver: 'twin' | 'real';
  /** Everything needed to rebuild the driver on resume (twin seed and faults, inventory path…). */
  options: Readonly<Record<string, unknown>>;
}

export interface StepState {
  status: StepStatus;
  attempt: number;
  started_at?: number;
  finished_at?: number;
  summary?: string;
  error?: string;
  /** Tail of the last attempt's output, bounded. */
  output?: string;
}

export interface StoredRun {
  header: RunHeader;
  plan: Plan;
  status: RunStatus;
  /** Only steps that ever left `pending`. */
  steps: ReadonlyMap<string, StepState>;
  /** Number of events journaled. */
  events: number;
}

export interface RunListing {
  id: string;
  created_wall: string;
  cloud: string;
  scenario: string;
  status: RunStatus;
}

export interface Journal {
  /**
   * Records a new run with its plan; fails if the id is taken. Durable when it resolves. `planJson`, when
   * the caller already serialized the plan (the canonical text it hashed), is stored as it is instead of
   * serializing the plan again: tens of MB for a big cloud.
   */
  createRun(header: RunHeader, plan: Plan, planJson?: string): Promise<void>;
  /**
   * Appends events atomically and durably, updating step states from the step events and the run
   * status from run events: when the promise resolves, the records survive a crash of the process.
   */
  append(runId: string, events: readonly EngineEvent[]): Promise<void>;
  loadRun(runId: string): Promise<StoredRun | undefined>;
  /** Events of a run in order, from `fromSeq` (0-based), at most `limit`. */
  events(runId: string, fromSeq?: number, limit?: number): Promise<EngineEvent[]>;
  listRuns(): Promise<RunListing[]>;
  close(): Promise<void>;
}

/** Output kept per step attempt: the tail, where errors are. */
export const OUTPUT_LIMIT_BYTES = 16 * 1024;

/** Step status after an event, the single rule both stores apply. */
export function applyStepEvent(state: StepState | undefined, e: EngineEvent): StepState | undefined {
  switch (e.type) {
    case 'step-started':
      return { status: 'running', attempt: e.attempt, started_at: e.at };
    case 'step-succeeded':
      return withoutUndefined({
        ...state,
        status: 'succeeded',
        attempt: e.attempt,
        finished_at: e.at,
        summary: e.summary,
        output: e.output,
        error: undefined,
      });
    case 'step-failed':
      return withoutUndefined({
        ...state,
        status: 'failed',
        attempt: e.attempt,
        finished_at: e.at,
        error: e.error,
        output: e.output,
      });
    case 'step-skipped':
      return { status: 'skipped', attempt: state?.attempt ?? 0, finished_at: e.at, summary: e.reason };
    case 'step-probed':
      return e.result === 'done'
        ? withoutUndefined({
            ...state,
            status: 'succeeded',
            attempt: state?.attempt ?? 1,
            finished_at: e.at,
            summary: 'probed: had taken effect',
          })
        : state;
    default:
      return state;
  }
}

/** Run status after an event. */
export function applyRunEvent(status: RunStatus, e: EngineEvent): RunStatus {
  switch (e.type) {
    case 'run-started':
    case 'run-resumed':
      return 'running';
    case 'run-paused':
      return 'paused';
    case 'run-finished':
      return e.status;
    default:
      return status;
  }
}

// for…in, not Object.entries: no array of pairs per step event (84 MB over a 10,000-compute rehearsal).
// `o` is always a fresh object literal, so every enumerable key is its own.
function withoutUndefined<T extends object>(o: T): StepState {
  const src = o as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k in src) {
    const v = src[k];
    if (v !== undefined) out[k] = v;
  }
  return out as unknown as StepState;
}

/** Events read per journal query: a 10,000-compute run's catch-up stays a few hundred queries. */
export const EVENTS_PAGE = 5000;

/** Every event of a run, in order, read a page at a time. */
export async function allEvents(journal: Journal, runId: string): Promise<EngineEvent[]> {
  const events: EngineEvent[] = [];
  for (let from = 0; ; from += EVENTS_PAGE) {
    const page = await journal.events(runId, from, EVENTS_PAGE);
    for (const e of page) events.push(e);
    if (page.length < EVENTS_PAGE) return events;
  }
}
