// Benchmark: what the machine itself allows, next to the plan-check and rehearse targets. The project's
// machine runs at different speeds from one session to the next (the same commit's plan-check bench took
// 2.8 s on one day and 6.5 s on the next), so every figure in docs/benchmarks.md is read next to these:
//
// - cpu: a fixed integer loop, the machine's speed for comparing runs of the other benchmarks.
// - step objects: the least any planner returning the Plan contract (DESIGN §4) must do for the four plans
//   of the 10,000-compute bench cloud: one object per step with its string id and its `after` array (and,
//   second figure, an id → index map to resolve dependencies); no planning logic and no checking at all.
// - commits: SQLite write transactions of one small row each, WAL with synchronous = NORMAL (what a
//   rehearsal's journal and twin store use), as many as the 10,000-compute rehearsal makes.
//
// Run: npm run bench   (or node .bench-build/bench/floors.bench.js after tsc -p tsconfig.bench.json)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Steps of the four plans of bench/support/inventory.ts at 10,000 computes (plan-check.bench prints them). */
const STEPS_OF_FOUR_PLANS = 80_108 + 130_162 + 160_390 + 150_572;
/**
 * Write transactions of the 10,000-compute live-compute rehearsal (journal and twin store together),
 * counted by wrapping better-sqlite3's `transaction()` for one run of rehearse.bench on 2026-11-26.
 */
const REHEARSAL_COMMITS = 147_454;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** What each workload returns lands here, so the compiler cannot drop the work as unused. */
let sink: unknown;

function best(rounds: number, fn: () => unknown): number {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    sink = undefined;
    const t0 = performance.now();
    sink = fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

function cpuLoop(): number {
  let x = 0;
  for (let i = 0; i < 300_000_000; i++) x = (x * 31 + i) | 0;
  return x;
}

interface StepLike {
  id: string;
  phase: string;
  host: string;
  action: { kind: string };
  after: string[];
  estimate_s: number;
  opens: readonly string[];
  closes: readonly string[];
}

/** `withIndex`: also an id → index map, as a builder that resolves `after` by id needs. */
function stepObjects(withIndex: boolean): () => unknown {
  return () => {
    const hosts = Array.from({ length: 10_000 }, (_, i) => `cmp${String(i + 1).padStart(5, '0')}`);
    const action = { kind: 'stop-services' };
    const none: readonly string[] = [];
    const steps: StepLike[] = [];
    const index = new Map<string, number>();
    let previous: string | undefined;
    for (let i = 0; i < STEPS_OF_FOUR_PLANS; i++) {
      const host = hosts[i % hosts.length]!;
      const id = `computes/${host}/step-${i}`;
      const after = previous === undefined ? [] : [previous];
      if (withIndex) {
        if (previous !== undefined && index.get(previous) === undefined) throw new Error('unreachable');
        index.set(id, i);
      }
      steps.push({ id, phase: 'computes', host, action, after, estimate_s: 5, opens: none, closes: none });
      previous = id;
    }
    return [steps, index];
  };
}

function commits(dir: string): () => void {
  return () => {
    const db = new Database(join(dir, `floor-${Date.now()}-${Math.random()}.db`));
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('wal_autocheckpoint = 10000');
      db.exec('CREATE TABLE events (seq INTEGER PRIMARY KEY, json TEXT NOT NULL)');
      const insert = db.prepare('INSERT INTO events (seq, json) VALUES (?, ?)');
      const row = JSON.stringify({
        type: 'step-succeeded',
        step: 'computes/cmp01234/upgrade',
        at: 1,
        attempt: 1,
      });
      const tx = db.transaction((seq: number) => insert.run(seq, row));
      for (let i = 0; i < REHEARSAL_COMMITS; i++) tx.immediate(i);
    } finally {
      db.close();
    }
  };
}

const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'stackhop-floors-'));
try {
  const cpu = best(ROUNDS, cpuLoop);
  const objects = best(ROUNDS, stepObjects(false));
  const indexed = best(ROUNDS, stepObjects(true));
  const sqlite = best(ROUNDS, commits(dir));
  void sink;
  console.log(`cpu reference: 3e8 integer loop iterations: ${cpu.toFixed(0)} ms`);
  console.log(
    `step objects: ${STEPS_OF_FOUR_PLANS.toLocaleString('en')} Step-shaped objects with ids and after arrays ` +
      `(the four 10,000-compute plans, no logic): ${objects.toFixed(0)} ms, ${indexed.toFixed(0)} ms with the id map — ` +
      'plan-check target 1,000 ms for all of it',
  );
  console.log(
    `commits: ${REHEARSAL_COMMITS.toLocaleString('en')} SQLite WAL transactions of one row (the 10,000-compute rehearsal's count): ` +
      `${(sqlite / 1000).toFixed(2)} s (${((sqlite * 1000) / REHEARSAL_COMMITS).toFixed(0)} µs each) — rehearse target 10 s for all of it`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
