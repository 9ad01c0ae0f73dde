// The twin's own persistence: it is "the cloud", so its state must outlive the orchestrator process,
// independently of the engine's journal. An append-only log of applied effects in <dir>/twin.db
// (SQLite, WAL): one row per effect (the ops of one step start or end, at a virtual instant); effects of
// one instant share a transaction, committed before the steps that made them report back. Opening replays the log; the last instant lets the
// rehearsal's virtual clock continue from there. synchronous=OFF: a commit still reaches the OS, so it survives a killed process
// (what the crash test does), not necessarily a power cut — this is a rehearsal, not a cloud.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Op } from './ops.js';

export const TWIN_STORE_FILE = 'twin.db';

export interface TwinMeta {
  format: 1;
  seed: number;
  cloud: string;
  scenario: string;
  /** Virtual instant of the twin's initial state (instance lifetimes count from it). */
  t0: number;
}

export interface StoredEffect {
  at: number;
  step: string;
  attempt: number;
  ops: readonly Op[];
}

// seq without AUTOINCREMENT: rows are never deleted, so the next rowid is always the largest + 1 and
// the log keeps its order; AUTOINCREMENT would also update sqlite_sequence on every insert (a fifth of
// the store's commit time). Stores made with it (earlier versions) read and append the same way.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS effects (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    step TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    ops TEXT NOT NULL
  );
`;

export class TwinStore {
  private readonly insert: Database.Statement<[number, string, number, string]>;
  private readonly insertMany: (effects: readonly StoredEffect[]) => void;
  private readonly pending: StoredEffect[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {
    this.insert = db.prepare('INSERT INTO effects (at, step, attempt, ops) VALUES (?, ?, ?, ?)');
    this.insertMany = db.transaction((effects: readonly StoredEffect[]) => {
      for (const e of effects) this.insert.run(e.at, e.step, e.attempt, JSON.stringify(e.ops));
    });
  }

  static open(dir: string): TwinStore {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, TWIN_STORE_FILE);
    // No busy wait: the lock is held for the whole rehearsal, so waiting for it could only time out.
    const db = new Database(file, { timeout: 0 });
    // One process owns a twin at a time (its rehearsal), so the connection keeps its lock and the WAL
    // index in its own memory: no shared-memory locking on every commit, half the commit time (78,000
    // one-row commits: 0.66–0.69 s → 0.33 s). A second process opening the same twin gets SQLITE_BUSY
    // instead of interleaving its effects with the first's.
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      // The twin stands for a cloud that outlives the orchestrator process, not a power cut: a commit in
      // WAL mode reaches the OS before it returns, which is what a SIGKILL test needs; no fsync
      // (synchronous = OFF).
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = OFF');
      db.exec(SCHEMA);
      return new TwinStore(db, file);
    } catch (err) {
      db.close();
      const code = (err as { code?: unknown }).code;
      if (code === 'SQLITE_BUSY') {
        throw new Error(`the twin store ${file} is in use by another rehearsal (SQLITE_BUSY)`, {
          cause: err,
        });
      }
      throw err;
    }
  }

  meta(): TwinMeta | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'twin'").get() as
      | { value: string }
      | undefined;
    return row === undefined ? undefined : (JSON.parse(row.value) as TwinMeta);
  }

  setMeta(meta: TwinMeta): void {
    this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('twin', ?)").run(JSON.stringify(meta));
  }

  /**
   * Queues one effect; it is durable against a killed process once `durable()` resolves. Effects of
   * steps that end at the same instant share one transaction (flushed in a microtask), which is most of
   * the store's cost in a big rehearsal.
   */
  append(e: StoredEffect): void {
    this.pending.push(e);
    if (this.flushing === undefined) {
      this.flushing = new Promise<void>((resolve, reject) => {
        queueMicrotask(() => {
          this.flushing = undefined;
          try {
            this.flushNow();
            resolve();
          } catch (err) {
            reject(err);
          }
        });
      });
    }
  }

  /** Resolves when every effect appended so far is committed. */
  durable(): Promise<void> {
    return this.flushing ?? Promise.resolve();
  }

  private flushNow(): void {
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    try {
      this.insertMany(batch);
    } catch (err) {
      // The model has them: keep them queued so the log is never silently shorter than the state.
      this.pending.unshift(...batch);
      throw err;
    }
  }

  *effects(): IterableIterator<StoredEffect> {
    const rows = this.db
      .prepare('SELECT at, step, attempt, ops FROM effects ORDER BY seq')
      .iterate() as IterableIterator<{
      at: number;
      step: string;
      attempt: number;
      ops: string;
    }>;
    for (const r of rows)
      yield { at: r.at, step: r.step, attempt: r.attempt, ops: JSON.parse(r.ops) as Op[] };
  }

  /** Virtual instant of the last effect, or of the initial state; undefined for a new store. */
  lastTime(): number | undefined {
    const row = this.db.prepare('SELECT MAX(at) AS at FROM effects').get() as { at: number | null };
    return row.at ?? this.meta()?.t0;
  }

  get effectCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM effects').get() as { n: number }).n;
  }

  close(): void {
    if (this.closed) return;
    this.flushNow();
    this.closed = true;
    this.db.close();
  }
}

/** Opens (or creates) the store in `dir`; `lastTime` is where a resumed rehearsal's clock starts. */
export function openTwinStore(dir: string): { store: TwinStore; lastTime: number | undefined } {
  const store = TwinStore.open(dir);
  return { store, lastTime: store.lastTime() };
}
