// The twin's own persistence: it is "the cloud", so its state must outlive the orchestrator process,
// independently of the engine's journal. An append-only log of applied effects in <dir>/twin.db
// (SQLite, WAL): one row per effect (the ops of one step start or end, at a virtual instant), written in
// one transaction when the effect is applied. Opening replays the log; the last instant lets the
// rehearsal's virtual clock continue from there. synchronous=NORMAL: a commit survives a killed process
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

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS effects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    step TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    ops TEXT NOT NULL
  );
`;

export class TwinStore {
  private readonly insert: Database.Statement<[number, string, number, string]>;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {
    this.insert = db.prepare('INSERT INTO effects (at, step, attempt, ops) VALUES (?, ?, ?, ?)');
  }

  static open(dir: string): TwinStore {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, TWIN_STORE_FILE);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    return new TwinStore(db, file);
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

  /** One effect, durable against a killed process when this returns (a single-statement transaction). */
  append(e: StoredEffect): void {
    this.insert.run(e.at, e.step, e.attempt, JSON.stringify(e.ops));
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
    this.closed = true;
    this.db.close();
  }
}

/** Opens (or creates) the store in `dir`; `lastTime` is where a resumed rehearsal's clock starts. */
export function openTwinStore(dir: string): { store: TwinStore; lastTime: number | undefined } {
  const store = TwinStore.open(dir);
  return { store, lastTime: store.lastTime() };
}
