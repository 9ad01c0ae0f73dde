// The journal in memory: same semantics as the SQLite store, nothing durable. For `compare`,
// benchmarks and tests. Events and plans are kept by reference: callers must not mutate them afterwards.

import { type EngineEvent, isStepEvent, type RunStatus } from '../engine/events.js';
import {
  applyRunEvent,
  applyStepEvent,
  type Journal,
  type RunHeader,
  type RunListing,
  type StepState,
  type StoredRun,
} from '../engine/journal.js';
import type { Plan } from '../plan/types.js';
import { boundEvent } from './bound-output.js';
import { checkPage, closedJournal, newestFirst, runExists, unknownRun } from './store-errors.js';

const WHERE = 'the in-memory journal';

interface MemoryRun {
  header: RunHeader;
  plan: Plan;
  status: RunStatus;
  events: EngineEvent[];
  steps: Map<string, StepState>;
}

export class MemoryJournal implements Journal {
  private readonly runs = new Map<string, MemoryRun>();
  private closed = false;

  async createRun(header: RunHeader, plan: Plan): Promise<void> {
    this.open();
    if (this.runs.has(header.id)) throw runExists(header.id, WHERE);
    this.runs.set(header.id, {
      header: { ...header, options: { ...header.options } },
      plan,
      status: 'running',
      events: [],
      steps: new Map(),
    });
  }

  async append(runId: string, events: readonly EngineEvent[]): Promise<void> {
    this.open();
    const run = this.runs.get(runId);
    if (run === undefined) throw unknownRun(runId, WHERE);
    for (const raw of events) {
      const e = boundEvent(raw);
      run.events.push(e);
      run.status = applyRunEvent(run.status, e);
      if (isStepEvent(e)) {
        const before = run.steps.get(e.step);
        const after = applyStepEvent(before, e);
        if (after === undefined) run.steps.delete(e.step);
        else if (after !== before) run.steps.set(e.step, after);
      }
    }
  }

  async loadRun(runId: string): Promise<StoredRun | undefined> {
    this.open();
    const run = this.runs.get(runId);
    if (run === undefined) return undefined;
    const steps = new Map<string, StepState>();
    for (const [id, s] of run.steps) steps.set(id, { ...s });
    return {
      header: { ...run.header, options: { ...run.header.options } },
      plan: run.plan,
      status: run.status,
      steps,
      events: run.events.length,
    };
  }

  async events(runId: string, fromSeq = 0, limit = Number.POSITIVE_INFINITY): Promise<EngineEvent[]> {
    this.open();
    checkPage(fromSeq, limit);
    const run = this.runs.get(runId);
    if (run === undefined) return [];
    return run.events.slice(fromSeq, limit === Number.POSITIVE_INFINITY ? undefined : fromSeq + limit);
  }

  async listRuns(): Promise<RunListing[]> {
    this.open();
    const out: RunListing[] = [];
    for (const { header, status } of this.runs.values()) {
      out.push({
        id: header.id,
        created_wall: header.created_wall,
        cloud: header.cloud,
        scenario: header.scenario,
        status,
      });
    }
    return out.sort(newestFirst);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private open(): void {
    if (this.closed) throw closedJournal(WHERE);
  }
}
