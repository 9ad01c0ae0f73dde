import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
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

function pragma(j: SqliteJournal, name: string): unknown {
  return (j as unknown as { db: Database.Database }).db.pragma(name, { simple: true });
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
    // A BigInt cannot be written as JSON: the second event fails after the first was inserted.
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
