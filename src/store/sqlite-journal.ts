// The default journal: one SQLite file per state directory (`.stackhop/journal.db`), in WAL mode so a
// second process (the dashboard, `status`) reads committed data while a run writes. Every append is one
// transaction and one row of events: its events and the run status land together or not at all; step
// states are folded from the step events when a run is loaded.
// The schema keeps to TEXT and INTEGER so a PostgreSQL store can follow with the same tables.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
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
import { InputError, StackhopError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { boundEvent } from './bound-output.js';
import { checkPage, closedJournal, newestFirst, runExists, unknownRun } from './store-errors.js';

export const JOURNAL_FILE = 'journal.db';

/**
 * `power`: a commit survives a power cut (fsync of every commit; real runs).
 * `process`: a commit survives a killed process but maybe not a power cut (rehearsals: much faster).
 */
export type Durability = 'power' | 'process';

export interface SqliteJournalOptions {
  durability: Durability;
}

/** Forward-only: entry i takes the schema from version i to i + 1 (`PRAGMA user_version`). */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE runs (
     id TEXT NOT NULL PRIMARY KEY,
     created_at INTEGER NOT NULL,
     created_wall TEXT NOT NULL,
     cloud TEXT NOT NULL,
     scenario TEXT NOT NULL,
     plan_hash TEXT NOT NULL,
     driver TEXT NOT NULL,
     status TEXT NOT NULL,
     -- engine clock of the last status change (the row changes with nothing else)
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX runs_newest ON runs (created_wall DESC, id DESC);
   -- The plan and options are megabytes for a big cloud: kept apart so that reading or updating a run's
   -- status (every append) never walks their overflow pages.
   CREATE TABLE run_docs (
     run_id TEXT NOT NULL PRIMARY KEY REFERENCES runs (id),
     options_json TEXT NOT NULL,
     plan_json TEXT NOT NULL
   );
   CREATE TABLE events (
     run_id TEXT NOT NULL REFERENCES runs (id),
     seq INTEGER NOT NULL,
     at INTEGER NOT NULL,
     type TEXT NOT NULL,
     step_id TEXT,
     json TEXT NOT NULL,
     PRIMARY KEY (run_id, seq)
   );
   -- Step states are folded from the step events when a run is loaded (applyStepEvent), not kept in a
   -- table: an upsert per event touched a random page per step and doubled the cost of every commit.
   `,
  // One row per append (a JSON array of its events) instead of one per event: the b-tree inserts of a
  // row per event were most of a big rehearsal's journal time. 69,000 appends of 4 events took 2.0-2.2 s
  // with a row per event, 1.33-1.42 s with a row per append. `seq` is the sequence number of the batch's
  // first event and `n` its number of events, so the next append starts at seq + n of the last batch.
  // An old journal keeps every event under its own sequence number, as a batch of one.
  `CREATE TABLE event_batches (
     run_id TEXT NOT NULL REFERENCES runs (id),
     seq INTEGER NOT NULL,
     n INTEGER NOT NULL,
     json TEXT NOT NULL,
     PRIMARY KEY (run_id, seq)
   );
   INSERT INTO event_batches (run_id, seq, n, json) SELECT run_id, seq, 1, '[' || json || ']' FROM events;
   DROP TABLE events;
   `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Opens (creating it if needed, mode 0700) the state directory's journal. */
export function openSqliteJournal(dir: string, opts: SqliteJournalOptions): SqliteJournal {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError({ file: dir, line: 0, col: 0 }, '', `cannot create the state directory (${code})`, {
      code: 'ERR_STATE_DIR',
      hint: 'pass a writable directory with --state',
      cause: err,
    });
  }
  return SqliteJournal.open(join(dir, JOURNAL_FILE), opts);
}

interface RunRow {
  id: string;
  created_at: number;
  created_wall: string;
  cloud: string;
  scenario: string;
  plan_hash: string;
  driver: string;
  options_json: string;
  plan_json: string;
  status: string;
}

interface BatchRow {
  seq: number;
  json: string;
}

type Db = Database.Database;
type Stmt = Database.Statement;

export class SqliteJournal implements Journal {
  private readonly db: Db;
  private readonly file: string;
  private closed = false;
  private readonly stmt: {
    insertRun: Stmt;
    insertDocs: Stmt;
    runStatus: Stmt;
    nextSeq: Stmt;
    insertBatch: Stmt;
    updateRun: Stmt;
    getRun: Stmt;
    allBatches: Stmt;
    batchesFrom: Stmt;
    listRuns: Stmt;
  };
  private readonly appendTx: (runId: string, events: readonly EngineEvent[]) => void;
  private readonly loadTx: (runId: string) => StoredRun | undefined;
  private readonly createTx: (header: RunHeader, plan: Plan, planJson: string | undefined) => void;

  /** Opens the journal file itself; most callers want `openSqliteJournal(stateDir)`. */
  static open(file: string, opts: SqliteJournalOptions): SqliteJournal {
    let db: Db | undefined;
    try {
      db = new Database(file);
      return new SqliteJournal(db, file, opts);
    } catch (err) {
      db?.close();
      throw journalError(file, 'cannot open the journal', err);
    }
  }

  private constructor(db: Db, file: string, opts: SqliteJournalOptions) {
    this.db = db;
    this.file = file;
    // busy_timeout first: the other pragmas and the migration may wait on another process.
    db.pragma('busy_timeout = 5000');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal' && file !== ':memory:') {
      throw new StackhopError('ERR_JOURNAL', `${file}: cannot switch the journal to WAL mode (got ${mode})`, {
        hint: 'put the state directory on a local file system',
      });
    }
    // NORMAL, not OFF, for rehearsals: connections with different settings share one file's
    // checkpoints, and one that skips the sync there would weaken a real run's FULL commits.
    db.pragma(`synchronous = ${opts.durability === 'power' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    if (opts.durability === 'process') {
      // Fewer checkpoints, and the WAL trimmed after each.
      db.pragma('wal_autocheckpoint = 10000');
      db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    }
    migrate(db, file);

    this.stmt = {
      insertRun: db.prepare(
        `INSERT INTO runs (id, created_at, created_wall, cloud, scenario, plan_hash, driver, status, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertDocs: db.prepare('INSERT INTO run_docs (run_id, options_json, plan_json) VALUES (?, ?, ?)'),
      runStatus: db.prepare('SELECT status FROM runs WHERE id = ?').pluck(),
      // ORDER BY … LIMIT 1 walks the primary key from its end; COALESCE(MAX(seq + n), 0) would scan
      // every batch of the run on every append, which made long runs quadratic.
      nextSeq: db
        .prepare('SELECT seq + n FROM event_batches WHERE run_id = ? ORDER BY seq DESC LIMIT 1')
        .pluck(),
      insertBatch: db.prepare('INSERT INTO event_batches (run_id, seq, n, json) VALUES (?, ?, ?, ?)'),
      updateRun: db.prepare('UPDATE runs SET status = ?, updated_at = ? WHERE id = ?'),
      getRun: db.prepare(
        `SELECT id, created_at, created_wall, cloud, scenario, plan_hash, driver, options_json, plan_json, status
           FROM runs JOIN run_docs ON run_docs.run_id = runs.id WHERE id = ?`,
      ),
      allBatches: db.prepare('SELECT json FROM event_batches WHERE run_id = ? ORDER BY seq').pluck(),
      // From the batch holding event `from` (the last one starting at or before it), in order. One
      // statement, so one read snapshot. Every run's first batch starts at 0, so the subquery finds
      // nothing only for a run without events; COALESCE then starts at `from`, where there is nothing.
      batchesFrom: db.prepare(
        `SELECT seq, json FROM event_batches
           WHERE run_id = :run
             AND seq >= COALESCE(
               (SELECT seq FROM event_batches WHERE run_id = :run AND seq <= :from ORDER BY seq DESC LIMIT 1),
               :from)
           ORDER BY seq`,
      ),
      listRuns: db.prepare(
        'SELECT id, created_wall, cloud, scenario, status FROM runs ORDER BY created_wall DESC, id DESC',
      ),
    };

    const append = db.transaction((runId: string, events: readonly EngineEvent[]) =>
      this.appendIn(runId, events),
    );
    // IMMEDIATE: take the write lock before reading the run's state, so two writers queue on busy_timeout
    // instead of one failing to upgrade its read snapshot.
    this.appendTx = (runId, events) => append.immediate(runId, events);
    this.loadTx = db.transaction((runId: string) => this.loadIn(runId));
    this.createTx = db.transaction((header: RunHeader, plan: Plan, planJson: string | undefined) => {
      this.stmt.insertRun.run(
        header.id,
        header.created_at,
        header.created_wall,
        header.cloud,
        header.scenario,
        header.plan_hash,
        header.driver,
        'running' satisfies RunStatus,
        header.created_at,
      );
      this.stmt.insertDocs.run(header.id, JSON.stringify(header.options), planJson ?? JSON.stringify(plan));
    });
  }

  /** The journal file (for messages). */
  get path(): string {
    return this.file;
  }

  async createRun(header: RunHeader, plan: Plan, planJson?: string): Promise<void> {
    this.checkOpen();
    try {
      this.createTx(header, plan, planJson);
    } catch (err) {
      if (isSqliteError(err) && err.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw runExists(header.id, this.file);
      }
      throw journalError(this.file, `cannot record run ${header.id}`, err);
    }
  }

  async append(runId: string, events: readonly EngineEvent[]): Promise<void> {
    this.checkOpen();
    try {
      this.appendTx(runId, events);
    } catch (err) {
      throw journalError(this.file, `cannot append ${events.length} event(s) to run ${runId}`, err);
    }
  }

  async loadRun(runId: string): Promise<StoredRun | undefined> {
    this.checkOpen();
    try {
      return this.loadTx(runId);
    } catch (err) {
      throw journalError(this.file, `cannot read run ${runId}`, err);
    }
  }

  async events(runId: string, fromSeq = 0, limit = Number.POSITIVE_INFINITY): Promise<EngineEvent[]> {
    this.checkOpen();
    checkPage(fromSeq, limit);
    try {
      return this.eventsIn(runId, fromSeq, limit);
    } catch (err) {
      throw journalError(this.file, `cannot read the events of run ${runId}`, err);
    }
  }

  async listRuns(): Promise<RunListing[]> {
    this.checkOpen();
    try {
      const rows = this.stmt.listRuns.all() as RunListing[];
      // SQLite orders TEXT by its UTF-8 bytes; sort again so both stores agree on any string.
      return rows.sort(newestFirst);
    } catch (err) {
      throw journalError(this.file, 'cannot list the runs', err);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.close();
    } catch (err) {
      throw journalError(this.file, 'cannot close the journal', err);
    }
  }

  /** The sequence number of the run's next event: its number of events. */
  private nextSeq(runId: string): number {
    return (this.stmt.nextSeq.get(runId) as number | undefined) ?? 0;
  }

  private appendIn(runId: string, events: readonly EngineEvent[]): void {
    const s = this.stmt;
    const before = s.runStatus.get(runId) as RunStatus | undefined;
    if (before === undefined) throw unknownRun(runId, this.file);
    if (events.length === 0) return;
    const bounded = events.map(boundEvent);
    let status = before;
    let at = 0;
    for (const e of bounded) {
      status = applyRunEvent(status, e);
      at = e.at;
    }
    s.insertBatch.run(runId, this.nextSeq(runId), bounded.length, JSON.stringify(bounded));
    // The runs row changes only with the status (a tenth of the append time otherwise); the last
    // activity of a run is its last event.
    if (status !== before) s.updateRun.run(status, at, runId);
  }

  /** Stops reading batches once `limit` events are collected: the dashboard pages through long runs. */
  private eventsIn(runId: string, fromSeq: number, limit: number): EngineEvent[] {
    const out: EngineEvent[] = [];
    if (limit === 0) return out;
    const rows = this.stmt.batchesFrom.iterate({ run: runId, from: fromSeq }) as IterableIterator<BatchRow>;
    for (const row of rows) {
      const batch = JSON.parse(row.json) as EngineEvent[];
      // Only the first batch can start before fromSeq.
      const skip = Math.max(0, fromSeq - row.seq);
      for (const e of batch.slice(skip, skip + limit - out.length)) out.push(e);
      // Leaving the loop early resets the statement and ends its read.
      if (out.length >= limit) break;
    }
    return out;
  }

  private loadIn(runId: string): StoredRun | undefined {
    const row = this.stmt.getRun.get(runId) as RunRow | undefined;
    if (row === undefined) return undefined;
    const steps = new Map<string, StepState>();
    for (const json of this.stmt.allBatches.iterate(runId) as IterableIterator<string>) {
      for (const e of JSON.parse(json) as EngineEvent[]) {
        if (!isStepEvent(e)) continue;
        const before = steps.get(e.step);
        const after = applyStepEvent(before, e);
        if (after === undefined) steps.delete(e.step);
        else if (after !== before) steps.set(e.step, after);
      }
    }
    const header: RunHeader = {
      id: row.id,
      created_at: row.created_at,
      created_wall: row.created_wall,
      cloud: row.cloud,
      scenario: row.scenario as RunHeader['scenario'],
      plan_hash: row.plan_hash,
      driver: row.driver as RunHeader['driver'],
      options: JSON.parse(row.options_json) as Record<string, unknown>,
    };
    return {
      header,
      plan: JSON.parse(row.plan_json) as Plan,
      status: row.status as RunStatus,
      steps,
      events: this.nextSeq(runId),
    };
  }

  private checkOpen(): void {
    if (this.closed) throw closedJournal(`the journal ${this.file}`);
  }
}

function migrate(db: Db, file: string): void {
  const current = () => db.pragma('user_version', { simple: true }) as number;
  const check = (version: number) => {
    if (version > MIGRATIONS.length) {
      throw new StackhopError(
        'ERR_JOURNAL_VERSION',
        `${file}: the journal has schema version ${version}; this stackhop knows up to ${MIGRATIONS.length}`,
        { hint: 'it was written by a newer stackhop: use that version, or another --state directory' },
      );
    }
  };
  // Up to date (every open but the first): no write lock, so a reader never waits for a running writer.
  const seen = current();
  check(seen);
  if (seen === MIGRATIONS.length) return;
  // IMMEDIATE: two processes opening a new journal at once migrate one after the other.
  db.transaction(() => {
    const version = current();
    check(version);
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

function isSqliteError(err: unknown): err is InstanceType<Database.SqliteError> {
  return err instanceof Database.SqliteError;
}

const HINTS: readonly [prefix: string, hint: string][] = [
  [
    'SQLITE_BUSY',
    'another stackhop process holds the journal: wait for it, or use another --state directory',
  ],
  ['SQLITE_READONLY', 'the journal is read-only: check the permissions of the state directory and its files'],
  ['SQLITE_CANTOPEN', 'check that the state directory exists and is writable'],
  ['SQLITE_NOTADB', 'this file is not a stackhop journal: move it away or use another --state directory'],
  ['SQLITE_CORRUPT', 'the journal is damaged: keep a copy for a report and use another --state directory'],
  ['SQLITE_FULL', 'the disk holding the state directory is full'],
  ['SQLITE_IOERR', 'the disk holding the state directory failed a read or write'],
];

/** Adds the file and the operation to an SQLite error; stackhop's own errors pass through. */
function journalError(file: string, what: string, err: unknown): Error {
  if (err instanceof StackhopError) return err;
  const code = isSqliteError(err) ? err.code : undefined;
  const hint = code === undefined ? undefined : HINTS.find(([prefix]) => code.startsWith(prefix))?.[1];
  const detail = err instanceof Error ? err.message : String(err);
  return new StackhopError(
    'ERR_JOURNAL',
    `${file}: ${what}: ${detail}${code === undefined ? '' : ` (${code})`}`,
    {
      ...(hint === undefined ? {} : { hint }),
      cause: err,
    },
  );
}
