import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../engine/events.js';
import { InputError, StackhopError } from '../errors.js';
import { fold, journalContract, runHeader, smallRealPlan, tinyPlan } from './journal-contract.js';
import { JOURNAL_FILE, openSqliteJournal, SCHEMA_VERSION, type SqliteJournal } from './sqlite-journal.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackhop-journal-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

journalContract('SqliteJournal', async () => {
  const dir = tempDir();
  const journal = openSqliteJournal(join(dir, 'state'), { durability: 'process' });
  return { journal, dispose: () => journal.close() };
});

function rawDb(j: SqliteJournal): Database.Database {
  return (j as unknown as { db: Database.Database }).db;
}

function pragma(j: SqliteJournal, name: string): unknown {
  return rawDb(j).pragma(name, { simple: true });
}

/** A query on the journal file through a connection of its own, read-only. */
function query(file: string, sql: string): unknown[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

const started = (i: number): EngineEvent => ({
  type: 'step-started',
  at: i,
  step: `p/h/s${i}`,
  host: 'h',
  attempt: 1,
});
const succeeded = (i: number): EngineEvent => ({
  type: 'step-succeeded',
  at: i,
  step: `p/h/s${i - 1}`,
  host: 'h',
  attempt: 1,
  duration_ms: 1,
  output: `done ${i - 1}\n`,
});

describe('SqliteJournal on disk', () => {
  let state: string;
  beforeEach(() => {
    state = join(tempDir(), 'state');
  });

  it('creates the state directory private, with journal.db, WAL and the durability asked for', async () => {
    const power = openSqliteJournal(state, { durability: 'power' });
    expect(statSync(state).mode & 0o777).toBe(0o700);
    expect(statSync(join(state, JOURNAL_FILE)).isFile()).toBe(true);
    expect(power.path).toBe(join(state, JOURNAL_FILE));
    expect(pragma(power, 'journal_mode')).toBe('wal');
    expect(pragma(power, 'synchronous')).toBe(2); // FULL
    expect(pragma(power, 'foreign_keys')).toBe(1);
    expect(pragma(power, 'busy_timeout')).toBe(5000);
    expect(pragma(power, 'user_version')).toBe(SCHEMA_VERSION);
    await power.close();
    const rehearsal = openSqliteJournal(state, { durability: 'process' });
    expect(pragma(rehearsal, 'synchronous')).toBe(1); // NORMAL
    await rehearsal.close();
  });

  it('sees everything after a close and a reopen', async () => {
    const plan = smallRealPlan();
    const header = runHeader('r20261125-171503-4f2a', { scenario: 'live-compute' });
    let j = openSqliteJournal(state, { durability: 'power' });
    await j.createRun(header, plan);
    await j.append(header.id, [{ type: 'run-started', at: 0, run: header.id, steps: 99, resumed: false }]);
    for (let i = 1; i <= 20; i++) await j.append(header.id, [succeeded(i), started(i)]);
    await j.append(header.id, [{ type: 'run-paused', at: 30, reason: 'operator' }]);
    const before = await j.loadRun(header.id);
    const events = await j.events(header.id);
    await j.close();
    await j.close(); // twice is harmless

    j = openSqliteJournal(state, { durability: 'power' });
    const after = await j.loadRun(header.id);
    expect(after).toEqual(before);
    expect(after?.plan).toEqual(plan);
    expect(after?.status).toBe('paused');
    expect(after?.events).toBe(42);
    expect(after?.steps.get('p/h/s20')).toEqual({ status: 'running', attempt: 1, started_at: 20 });
    expect(await j.events(header.id)).toEqual(events);
    expect(await j.listRuns()).toHaveLength(1);
    await j.close();
  });

  it('lets a second connection read what the first committed, while it writes', async () => {
    const writer = openSqliteJournal(state, { durability: 'process' });
    const reader = openSqliteJournal(state, { durability: 'process' });
    await writer.createRun(runHeader('r1'), tinyPlan());
    expect((await reader.loadRun('r1'))?.events).toBe(0);
    for (let i = 1; i <= 5; i++) {
      await writer.append('r1', [succeeded(i), started(i)]);
      const seen = await reader.loadRun('r1');
      expect(seen?.events).toBe(2 * i);
      expect(seen?.steps.get(`p/h/s${i}`)?.status).toBe('running');
    }
    // and the other way round: both connections write the same run, the sequence stays whole
    await reader.append('r1', [{ type: 'run-paused', at: 9, reason: 'x' }]);
    await writer.append('r1', [{ type: 'run-resumed', at: 10 }]);
    const events = await writer.events('r1');
    expect(events).toHaveLength(12);
    expect(events.slice(-2).map((e) => e.type)).toEqual(['run-paused', 'run-resumed']);
    expect((await reader.loadRun('r1'))?.status).toBe('running');
    await reader.close();
    await writer.close();
  });

  it('rolls back a whole append that fails part-way, and says which file and run', async () => {
    const j = openSqliteJournal(state, { durability: 'process' });
    await j.createRun(runHeader('r1'), tinyPlan());
    await j.append('r1', [started(1)]);
    // A BigInt cannot be written as JSON: the append fails on its third event.
    const bad = { type: 'run-paused', at: 2, reason: 10n } as unknown as EngineEvent;
    const err = await j.append('r1', [succeeded(2), started(2), bad]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StackhopError);
    expect((err as StackhopError).code).toBe('ERR_JOURNAL');
    expect((err as Error).message).toContain(join(state, JOURNAL_FILE));
    expect((err as Error).message).toContain('run r1');
    const run = await j.loadRun('r1');
    expect(run?.events).toBe(1);
    expect([...(run?.steps.keys() ?? [])]).toEqual(['p/h/s1']);
    expect(run?.steps.get('p/h/s1')?.status).toBe('running');
    await j.append('r1', [succeeded(2)]);
    expect((await j.events('r1', 1))[0]).toEqual(succeeded(2));
    await j.close();
  });

  it('rolls back the batch when the run update after it fails', async () => {
    const j = openSqliteJournal(state, { durability: 'process' });
    await j.createRun(runHeader('r1'), tinyPlan());
    await j.append('r1', [started(1)]);
    // The events row is written before the runs row: make the second write fail.
    rawDb(j).exec(
      `CREATE TRIGGER no_status BEFORE UPDATE ON runs BEGIN SELECT RAISE(ABORT, 'no status'); END`,
    );
    await expect(j.append('r1', [succeeded(2), { type: 'run-paused', at: 2, reason: 'x' }])).rejects.toThrow(
      /no status/,
    );
    const run = await j.loadRun('r1');
    expect(run?.events).toBe(1);
    expect(run?.status).toBe('running');
    expect(run?.steps.get('p/h/s1')?.status).toBe('running');
    expect(await j.events('r1')).toEqual([started(1)]);
    rawDb(j).exec('DROP TRIGGER no_status');
    await j.append('r1', [succeeded(2)]);
    expect(await j.events('r1')).toEqual([started(1), succeeded(2)]);
    await j.close();
  });

  it('writes one row per append, whatever its number of events', async () => {
    const j = openSqliteJournal(state, { durability: 'process' });
    await j.createRun(runHeader('r1'), tinyPlan());
    const rows = () => query(j.path, 'SELECT COUNT(*) AS n FROM event_batches');
    await j.append('r1', []);
    expect(rows()).toEqual([{ n: 0 }]);
    await j.append('r1', [started(1), succeeded(2), started(2), succeeded(3)]);
    expect(rows()).toEqual([{ n: 1 }]);
    await j.append('r1', [started(3)]);
    expect(rows()).toEqual([{ n: 2 }]);
    expect(query(j.path, 'SELECT seq, n FROM event_batches ORDER BY seq')).toEqual([
      { seq: 0, n: 4 },
      { seq: 4, n: 1 },
    ]);
    await j.close();
  });

  it('pages across batch boundaries: any start, any limit', async () => {
    const j = openSqliteJournal(state, { durability: 'process' });
    await appendBatches(j, 'r1', [1, 3, 5, 2, 1, 4]);
    await expectPages(j, 'r1');
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 8 }), async (sizes) => {
        const id = `p${runs++}`;
        await appendBatches(j, id, sizes);
        await expectPages(j, id);
      }),
      { numRuns: 50 },
    );
    await j.close();
  });

  it('migrates a version-1 journal, keeping every event and its sequence number', async () => {
    const file = join(state, JOURNAL_FILE);
    const old = oldEvents();
    writeV1Journal(state, old);

    const j = openSqliteJournal(state, { durability: 'power' });
    expect(pragma(j, 'user_version')).toBe(2);
    expect(query(file, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)).toEqual([
      { name: 'event_batches' },
      { name: 'run_docs' },
      { name: 'runs' },
    ]);
    expect(await j.events('r1')).toEqual(old);
    expect(await j.events('r1', 3)).toEqual(old.slice(3));
    expect(await j.events('r1', 2, 3)).toEqual(old.slice(2, 5));
    for (const limit of [1, 2, 3]) {
      const pages: EngineEvent[] = [];
      for (let from = 0; from < old.length; from += limit) pages.push(...(await j.events('r1', from, limit)));
      expect(pages).toEqual(old);
    }
    const run = await j.loadRun('r1');
    expect(run?.events).toBe(old.length);
    expect(run?.status).toBe('paused');
    expect(run?.plan).toEqual(tinyPlan());
    expect(run?.steps).toEqual(fold(old).steps);
    expect(run?.steps.get('p/h/s2')).toEqual({ status: 'running', attempt: 1, started_at: 2 });

    const resumed: EngineEvent = { type: 'run-resumed', at: 10 };
    await j.append('r1', [resumed, succeeded(3)]);
    expect(await j.events('r1', old.length)).toEqual([resumed, succeeded(3)]);
    expect(await j.loadRun('r1')).toMatchObject({ events: old.length + 2, status: 'running' });
    expect(query(file, 'SELECT seq, n FROM event_batches ORDER BY seq').at(-1)).toEqual({
      seq: old.length,
      n: 2,
    });
    await j.close();
  });

  it('refuses a journal of a newer schema', async () => {
    await openSqliteJournal(state, { durability: 'process' }).close();
    const raw = new Database(join(state, JOURNAL_FILE));
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openSqliteJournal(state, { durability: 'process' })).toThrow(
      expect.objectContaining({
        code: 'ERR_JOURNAL_VERSION',
        message: expect.stringContaining(JOURNAL_FILE),
      }),
    );
  });

  it('explains a journal.db that is not a database', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, JOURNAL_FILE),
      'this is not sqlite, just some text that is long enough. '.repeat(20),
    );
    let err: unknown;
    try {
      openSqliteJournal(dir, { durability: 'process' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StackhopError);
    expect((err as StackhopError).code).toBe('ERR_JOURNAL');
    expect((err as StackhopError).message).toContain(join(dir, JOURNAL_FILE));
    expect((err as StackhopError).hint).toMatch(/not a stackhop journal/);
  });

  it('reports a state directory it cannot create as bad input', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    expect(() => openSqliteJournal(join(dir, 'file', 'state'), { durability: 'process' })).toThrow(
      InputError,
    );
  });
});

/** Creates the run and appends batches of `sizes` events, numbered from 0 across the batches. */
async function appendBatches(j: SqliteJournal, runId: string, sizes: readonly number[]): Promise<void> {
  await j.createRun(runHeader(runId), tinyPlan());
  let i = 0;
  for (const size of sizes) {
    const batch = Array.from({ length: size }, () => started(i++));
    await j.append(runId, batch);
  }
}

/** Every page a caller can ask for is the matching slice of the whole list. */
async function expectPages(j: SqliteJournal, runId: string): Promise<void> {
  const all = await j.events(runId);
  expect(all.map((e) => e.at)).toEqual(all.map((_, i) => i));
  for (let from = 0; from <= all.length + 1; from++) {
    for (const limit of [0, 1, 2, 4, 7, Number.POSITIVE_INFINITY]) {
      expect(await j.events(runId, from, limit)).toEqual(all.slice(from, from + limit));
    }
  }
}

/** The schema of version 1, as it shipped: one row per event. */
const V1_SCHEMA = `CREATE TABLE runs (
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
   `;

/** A paused run's events: steps s1 done, s2 running, and a gate (a `step` that is no step event). */
function oldEvents(): EngineEvent[] {
  return [
    { type: 'run-started', at: 0, run: 'r1', steps: 2, resumed: false },
    started(1),
    succeeded(2),
    started(2),
    { type: 'gate-waiting', at: 3, step: 'p/h/s3', prompt: 'go?' },
    { type: 'run-paused', at: 4, reason: 'operator' },
  ];
}

/** A journal as stackhop 1 wrote it: run r1 with the events, each in its row. */
function writeV1Journal(state: string, events: readonly EngineEvent[]): void {
  mkdirSync(state, { recursive: true, mode: 0o700 });
  const db = new Database(join(state, JOURNAL_FILE));
  db.pragma('journal_mode = WAL');
  db.exec(V1_SCHEMA);
  db.pragma('user_version = 1');
  const h = runHeader('r1');
  db.prepare(
    `INSERT INTO runs (id, created_at, created_wall, cloud, scenario, plan_hash, driver, status, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'paused', 4)`,
  ).run(h.id, h.created_at, h.created_wall, h.cloud, h.scenario, h.plan_hash, h.driver);
  db.prepare('INSERT INTO run_docs (run_id, options_json, plan_json) VALUES (?, ?, ?)').run(
    h.id,
    JSON.stringify(h.options),
    JSON.stringify(tinyPlan()),
  );
  const insert = db.prepare(
    'INSERT INTO events (run_id, seq, at, type, step_id, json) VALUES (?, ?, ?, ?, ?, ?)',
  );
  events.forEach((e, seq) => {
    insert.run(h.id, seq, e.at, e.type, 'step' in e ? e.step : null, JSON.stringify(e));
  });
  db.close();
}

// A child process appends through SqliteJournal and is killed with SIGKILL: no close, no checkpoint.
const CHILD = `
import { openSqliteJournal } from ${JSON.stringify(pathToFileURL(resolve('src/store/sqlite-journal.ts')).href)};
const [dir, mode, count] = process.argv.slice(2);
const j = openSqliteJournal(dir, { durability: 'process' });
const ev = (i) => [
  { type: 'step-succeeded', at: i, step: 'p/h/s' + (i - 1), host: 'h', attempt: 1, duration_ms: 1, output: 'done ' + (i - 1) + '\\n' },
  { type: 'step-started', at: i, step: 'p/h/s' + i, host: 'h', attempt: 1 },
];
if (mode === 'writer') {
  const id = 'w' + count;
  await j.createRun({ id, created_at: 0, created_wall: '2026-01-01T00:00:00.000Z', cloud: 'c', scenario: 'all-at-once', plan_hash: 'h', driver: 'twin', options: {} }, { steps: [] });
  process.stdout.write('ready\\n');
  await new Promise((go) => process.stdin.once('data', go));
  process.stdin.destroy();
  for (let i = 1; i <= 300; i++) await j.append(id, ev(i));
  await j.close();
  process.stdout.write('done\\n');
} else if (mode === 'then-wait') {
  for (let i = 1; i <= Number(count); i++) await j.append('r1', ev(i));
  process.stdout.write('appended ' + count + '\\n');
  setInterval(() => {}, 1000);
} else {
  for (let i = 1; ; i++) {
    await j.append('r1', ev(i));
    process.stdout.write(i + '\\n');
  }
}
`;

/** Starts the child and resolves with it once `ready(line)` holds for a line of its output. */
function startChild(state: string, mode: string, count: number, ready: (line: string) => boolean) {
  const script = join(tempDir(), 'child.mts');
  writeFileSync(script, CHILD);
  const child = spawn(process.execPath, ['--import', 'tsx', script, state, mode, String(count)], {
    cwd: resolve('.'),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise<{ child: ChildProcess; line: string }>((resolveReady, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        if (ready(line)) {
          child.stdout.removeAllListeners('data');
          resolveReady({ child, line });
          return;
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
  });
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('SqliteJournal and other processes', () => {
  it('lets processes create the journal and write it at the same time', async () => {
    const state = join(tempDir(), 'state');
    const writers = await Promise.all(
      [1, 2, 3, 4].map((n) => startChild(state, 'writer', n, (l) => l === 'ready')),
    );
    const done = writers.map(
      ({ child }) =>
        new Promise<void>((ok, fail) => {
          child.stdout?.on('data', (d: Buffer) => {
            if (d.toString().includes('done')) ok();
          });
          child.once('exit', (code) => (code === 0 ? ok() : fail(new Error(`writer exited with ${code}`))));
        }),
    );
    for (const { child } of writers) child.stdin?.end('go\n');
    await Promise.all(done);
    const j = openSqliteJournal(state, { durability: 'process' });
    const runs = await j.listRuns();
    expect(runs.map((r) => r.id).sort()).toEqual(['w1', 'w2', 'w3', 'w4']);
    for (const { id } of runs) expect((await j.loadRun(id))?.events).toBe(600);
    await j.close();
  });
});

describe('SqliteJournal and a killed process', () => {
  let state: string;
  beforeEach(async () => {
    state = join(tempDir(), 'state');
    const j = openSqliteJournal(state, { durability: 'process' });
    await j.createRun(runHeader('r1'), tinyPlan());
    await j.close();
  });

  it('keeps every append that returned before SIGKILL', async () => {
    const { child } = await startChild(state, 'then-wait', 25, (l) => l === 'appended 25');
    child.removeAllListeners('exit');
    await kill(child);
    const j = openSqliteJournal(state, { durability: 'process' });
    const run = await j.loadRun('r1');
    expect(run?.events).toBe(50);
    expect(run?.steps.get('p/h/s24')?.status).toBe('succeeded');
    expect(run?.steps.get('p/h/s25')).toEqual({ status: 'running', attempt: 1, started_at: 25 });
    await j.close();
  });

  it('never keeps half an append when killed in the middle of appending', async () => {
    const { child, line } = await startChild(state, 'forever', 0, (l) => Number(l) >= 200);
    child.removeAllListeners('exit');
    await kill(child);
    const acknowledged = Number(line);
    const j = openSqliteJournal(state, { durability: 'process' });
    const run = await j.loadRun('r1');
    const events = await j.events('r1');
    expect(events.length).toBe(run?.events);
    expect(events.length % 2).toBe(0);
    expect(events.length).toBeGreaterThanOrEqual(2 * acknowledged);
    const expected = fold(events);
    expect(run?.steps).toEqual(expected.steps);
    expect(run?.steps.size).toBe(events.length / 2 + 1);
    await j.close();
  });
});
