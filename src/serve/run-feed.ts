// Follows one run in the journal from another process: the events the driving process commits are
// folded into a RunTracker as they appear (polled: SQLite has no cross-process notification), and
// whoever watches is told when the view changed. The journal is only ever read here.

import { EVENTS_PAGE, type Journal } from '../engine/journal.js';
import { RunTracker } from '../view/run-tracker.js';
import type { RunView } from '../view/run-view.js';

export type FeedListener = (view: RunView) => void;

export class RunFeed {
  private tracker: RunTracker | undefined;
  private seq = 0;
  private driver: 'twin' | 'real' = 'twin';
  private readonly listeners = new Set<FeedListener>();
  private cached: RunView | undefined;

  constructor(
    private readonly journal: Journal,
    readonly runId: string,
  ) {}

  /** Reads what the journal holds beyond what was folded; true when something new came in. */
  async poll(): Promise<boolean> {
    if (this.tracker === undefined) {
      const stored = await this.journal.loadRun(this.runId);
      if (stored === undefined) return false;
      this.tracker = new RunTracker(stored.plan);
      this.driver = stored.header.driver;
    }
    let changed = false;
    for (;;) {
      const events = await this.journal.events(this.runId, this.seq, EVENTS_PAGE);
      for (const e of events) this.tracker.apply(e);
      this.seq += events.length;
      if (events.length > 0) changed = true;
      if (events.length < EVENTS_PAGE) break;
    }
    if (changed || this.cached === undefined) {
      this.cached = this.tracker.view();
      for (const l of this.listeners) l(this.cached);
    }
    return changed;
  }

  get exists(): boolean {
    return this.tracker !== undefined;
  }

  get kind(): 'twin' | 'real' {
    return this.driver;
  }

  view(): RunView | undefined {
    return this.cached;
  }

  subscribe(l: FeedListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  get watchers(): number {
    return this.listeners.size;
  }
}
