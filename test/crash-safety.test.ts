// Crash safety, for real: a rehearsal runs as a child process and is killed with SIGKILL at random
// instants, 50 times or more, resumed after each kill; the final twin equals that of an uninterrupted
// run with the same seed, and no step ran twice unless its probe said it had not taken effect.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/engine/events.js';
import { openSqliteJournal } from '../src/store/sqlite-journal.js';

const KILLS = Number(process.env.STACKHOP_CRASH_KILLS ?? 50);
const SEED = 7;
const INVENTORY = `
cloud: crash
upgrade: { from: havana, to: icehouse }
distro: ubuntu-12.04-uca
networking: neutron-ovs
hosts:
  - { name: "ctl[1:3]", address: "10.0.0.[1:3]", roles: [controller] }
  - { name: net1, address: 10.0.1.1, roles: [network] }
  - { name: "cmp[001:600]", roles: [compute] }
facts: { versions: { nova-compute: 2013.2.3 }, instances: 6000 }
policy: { max_parallel_computes: 10, canary: [1, 5, "20%"], max_failed_hosts: 0, drain: live-migrate }
`;

const dir = mkdtempSync(join(tmpdir(), 'stackhop-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const inventoryFile = join(dir, 'cloud.yaml');
writeFileSync(inventoryFile, INVENTORY);

interface Child {
  proc: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
  /** Resolves once the run has started (its first progress line). */
  started: Promise<void>;
}

function cli(args: readonly string[]): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
    cwd: join(import.meta.dirname, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child: Child = {
    proc,
    stdout: '',
    stderr: '',
    exit: undefined as never,
    started: undefined as never,
  };
  let markStarted: () => void = () => undefined;
  child.started = new Promise((resolve) => (markStarted = resolve));
  proc.stdout?.on('data', (d: Buffer) => {
    child.stdout += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    child.stderr += d.toString();
    if (/(starting|resuming) run/.test(child.stderr)) markStarted();
  });
  child.exit = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  return child;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function runToEnd(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const c = cli(args);
  const code = await c.exit;
  return { code, stdout: c.stdout, stderr: c.stderr };
}

describe('crash safety', () => {
  it(
    `a rehearsal killed with SIGKILL ${KILLS} times and resumed each time ends like an uninterrupted one`,
    async () => {
      // Reference: the same rehearsal, never interrupted.
      const refState = join(dir, 'reference');
      const ref = await runToEnd([
        'rehearse',
        inventoryFile,
        '-s',
        'live-compute',
        '--seed',
        `${SEED}`,
        '--state',
        refState,
      ]);
      expect(ref.code, ref.stderr).toBe(0);
      const refFingerprint = await fingerprintOf(refState, (await onlyRun(refState))!);

      // The victim: started once, then resumed after every kill.
      const state = join(dir, 'victim');
      let runId: string | undefined;
      let kills = 0;
      let finished: { code: number | null; stdout: string } | undefined;
      const delays: number[] = [];
      while (finished === undefined) {
        const args =
          runId === undefined
            ? ['rehearse', inventoryFile, '-s', 'live-compute', '--seed', `${SEED}`, '--state', state]
            : ['resume', runId, '--state', state];
        const c = cli(args);
        if (kills < KILLS) {
          const outcome = await Promise.race([
            c.started.then(() => 'started' as const),
            c.exit.then(() => 'exited' as const),
          ]);
          if (outcome === 'started') {
            // A random instant inside the run: its work takes about 2 s of wall time, so 50 kills at
            // most 30 ms apart all land before the end.
            const delay = Math.floor(Math.random() * 30);
            delays.push(delay);
            await sleep(delay);
            c.proc.kill('SIGKILL');
            const code = await c.exit;
            if (code === null) kills++;
          }
        }
        const code = await c.exit;
        if (code !== null) {
          // It finished before the kill landed (or no kill was sent): the run is done.
          expect(code, c.stderr).toBe(0);
          finished = { code, stdout: c.stdout };
        }
        runId ??= await onlyRun(state);
      }
      expect(kills, `kill delays (ms): ${delays.join(', ')}`).toBe(KILLS);
      const fingerprint = await fingerprintOf(state, runId!);
      expect(fingerprint).toEqual(refFingerprint);
      await expectNoStepRepeatedWithoutProbe(state, runId!);
    },
    15 * 60_000,
  );
});

async function onlyRun(state: string): Promise<string | undefined> {
  try {
    const journal = openSqliteJournal(state, { durability: 'process' });
    try {
      const runs = await journal.listRuns();
      return runs[0]?.id;
    } finally {
      await journal.close();
    }
  } catch {
    return undefined;
  }
}

/** The twin's final state, by resuming the finished run (which only reads it back). */
async function fingerprintOf(state: string, runId: string): Promise<string> {
  const { Twin, openTwinStore } = await import('../src/drivers/sim/index.js');
  const { CATALOG } = await import('../src/catalog/index.js');
  const { parseInventory } = await import('../src/inventory/load.js');
  const { VirtualClock } = await import('../src/engine/virtual-clock.js');
  const opened = openTwinStore(join(state, 'twins', runId));
  const twin = new Twin({
    inventory: parseInventory(INVENTORY, inventoryFile, CATALOG),
    catalog: CATALOG,
    scenario: 'live-compute',
    seed: SEED,
    clock: new VirtualClock(opened.lastTime),
    store: opened.store,
  });
  try {
    return twin.fingerprint();
  } finally {
    await twin.close();
  }
}

/** Every re-start of a step follows a probe of it that said `not-done` or `unknown` (or a failure). */
async function expectNoStepRepeatedWithoutProbe(state: string, runId: string): Promise<void> {
  const journal = openSqliteJournal(state, { durability: 'process' });
  try {
    const events: EngineEvent[] = [];
    for (let from = 0; ; from += 5000) {
      const page = await journal.events(runId, from, 5000);
      events.push(...page);
      if (page.length < 5000) break;
    }
    const started = new Map<string, number>();
    const cleared = new Set<string>();
    const repeats: string[] = [];
    for (const e of events) {
      if (e.type === 'step-probed' && e.result !== 'done') cleared.add(e.step);
      if (e.type === 'step-failed') cleared.add(e.step);
      if (e.type !== 'step-started') continue;
      const n = started.get(e.step) ?? 0;
      if (n > 0 && !cleared.has(e.step)) repeats.push(e.step);
      cleared.delete(e.step);
      started.set(e.step, n + 1);
    }
    expect(repeats).toEqual([]);
    const stored = await journal.loadRun(runId);
    expect(stored?.status).toBe('succeeded');
  } finally {
    await journal.close();
  }
}
