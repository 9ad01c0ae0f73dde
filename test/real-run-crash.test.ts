// A real run killed with SIGKILL in the middle (the `stackhop run` process, not a simulation), then
// `stackhop resume`: the run completes, and no step that had finished runs again.

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resume } from '../src/cli/commands/resume.js';
import type { EngineEvent } from '../src/engine/events.js';
import { openSqliteJournal } from '../src/store/sqlite-journal.js';
import { type FleetCloud, startFleetCloud } from './support/fleet-cloud.js';
import { journalEvents, spawnStackhop } from './support/real-runs.js';

let dir: string;
let cloud: FleetCloud;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'stackhop-crash-'));
  chmodSync(dir, 0o755);
  cloud = await startFleetCloud({ dir, firstAddress: '127.0.23.1', dbPort: 33064 });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function succeededCount(state: string): Promise<number> {
  const journal = openSqliteJournal(state, { durability: 'process' });
  try {
    const run = (await journal.listRuns())[0];
    if (run === undefined) return 0;
    return (await journal.events(run.id)).filter((e) => e.type === 'step-succeeded').length;
  } catch {
    return 0;
  } finally {
    await journal.close();
  }
}

describe('a real run killed with SIGKILL', () => {
  it('resumes to completion without repeating finished steps', async () => {
    const state = path.join(dir, 'state');
    const { child, exited, stderr } = spawnStackhop(
      [
        'run',
        cloud.inventoryFile,
        '--scenario',
        'live-compute',
        '--yes',
        '--approve-gates',
        '--poll-interval',
        '0.1',
        '--state',
        state,
        '-q',
      ],
      cloud.env,
    );
    // Kill it well inside the run: after the controllers, while computes are being upgraded.
    const deadline = Date.now() + 120_000;
    while ((await succeededCount(state)) < 70) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`the run ended or stalled before the kill: ${stderr()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await exited;

    const before = await journalEvents(state);
    const finishedBefore = new Set(
      before.events
        .filter((e): e is Extract<EngineEvent, { type: 'step-succeeded' }> => e.type === 'step-succeeded')
        .map((e) => e.step),
    );
    const total = before.events.find((e) => e.type === 'run-started');
    expect(total && total.type === 'run-started' ? total.steps : 0).toBeGreaterThan(finishedBefore.size);
    expect(before.events.some((e) => e.type === 'run-finished')).toBe(false);

    const r = await resume(before.runId, {
      state,
      json: false,
      quiet: true,
      approveGates: true,
      pollMs: 100,
      env: { ...process.env, ...cloud.env },
    });
    if (r.exitCode !== 0) console.log(r.stdout, r.stderr);
    expect(r.exitCode).toBe(0);

    const after = await journalEvents(state);
    const starts = new Map<string, number>();
    for (const e of after.events)
      if (e.type === 'step-started') starts.set(e.step, (starts.get(e.step) ?? 0) + 1);
    for (const step of finishedBefore) expect(starts.get(step), step).toBe(1);
    const finished = after.events.filter((e) => e.type === 'run-finished');
    expect(finished.at(-1)?.type === 'run-finished' && finished.at(-1)).toMatchObject({
      status: 'succeeded',
    });
    // Steps caught running by the kill were probed, not blindly repeated.
    const interrupted = [...starts.keys()].filter(
      (s) => !finishedBefore.has(s) && before.events.some((e) => e.type === 'step-started' && e.step === s),
    );
    for (const s of interrupted)
      expect(
        after.events.some((e) => e.type === 'step-probed' && e.step === s),
        s,
      ).toBe(true);
    const computes = cloud.standin.state.services.filter((s) => s.binary === 'nova-compute');
    expect(computes.filter((s) => s.disabled)).toEqual([]);
    expect([...cloud.standin.state.servers.values()].filter((s) => s.vmState !== 'active')).toEqual([]);
  }, 300_000);
});
