// `stackhop abort RUN` on a run no process drives: it is closed as aborted, and a stale lock whose pid
// now belongs to another program is not signalled.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../src/catalog/index.js';
import { abortCommand } from '../src/cli/commands/abort.js';
import { EXAMPLE_INVENTORY } from '../src/inventory/example.js';
import { parseInventory } from '../src/inventory/load.js';
import { planUpgrade } from '../src/plan/planners/index.js';
import { planHash } from '../src/store/plan-hash.js';
import { openSqliteJournal } from '../src/store/sqlite-journal.js';

const dir = mkdtempSync(path.join(tmpdir(), 'stackhop-abort-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function aRun(state: string, id: string): Promise<void> {
  const plan = planUpgrade(
    parseInventory(EXAMPLE_INVENTORY, 'example.yaml', CATALOG),
    CATALOG,
    'live-compute',
  );
  const journal = openSqliteJournal(state, { durability: 'process' });
  await journal.createRun(
    {
      id,
      created_at: 0,
      created_wall: '',
      cloud: plan.cloud,
      scenario: plan.scenario,
      plan_hash: planHash(plan),
      driver: 'real',
      options: {},
    },
    plan,
  );
  await journal.append(id, [
    { type: 'run-started', at: 1, run: id, steps: plan.steps.length, resumed: false },
  ]);
  await journal.close();
}

describe('stackhop abort', () => {
  it('closes a run that no process drives, leaving another program with its old pid alone', async () => {
    const state = path.join(dir, 'state');
    const id = 'r20261125-120000-abcd';
    await aRun(state, id);
    const other = spawn('sleep', ['30']);
    try {
      mkdirSync(path.join(state, 'locks'), { recursive: true });
      writeFileSync(path.join(state, 'locks', `${id}.lock`), `${other.pid}\n`);
      const r = await abortCommand(id, { state });
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/marked aborted/);
      expect(other.exitCode).toBeNull();
      expect(other.signalCode).toBeNull();
      const journal = openSqliteJournal(state, { durability: 'process' });
      expect((await journal.loadRun(id))?.status).toBe('aborted');
      await journal.close();
      expect((await abortCommand(id, { state })).stderr).toMatch(/already aborted/);
    } finally {
      other.kill();
    }
  });
});
