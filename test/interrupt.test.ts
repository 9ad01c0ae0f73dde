// Ctrl-C pauses a rehearsal: running steps finish, the journal says paused, and `resume` completes it.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteJournal } from '../src/store/sqlite-journal.js';

const dir = mkdtempSync(join(tmpdir(), 'stackhop-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const inventory = join(dir, 'cloud.yaml');
writeFileSync(
  inventory,
  `cloud: sigint
upgrade: { from: havana, to: icehouse }
distro: ubuntu-12.04-uca
networking: neutron-ovs
hosts:
  - { name: "ctl[1:3]", address: "10.0.0.[1:3]", roles: [controller] }
  - { name: "cmp[001:600]", roles: [compute] }
facts: { versions: { nova-compute: 2013.2.3 } }
`,
);

function cli(args: readonly string[], onStart?: (kill: (s: NodeJS.Signals) => void) => void) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
    cwd: join(import.meta.dirname, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  let started = false;
  proc.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!started && /starting run/.test(stderr)) {
      started = true;
      onStart?.((s) => proc.kill(s));
    }
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    proc.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('Ctrl-C', () => {
  it('pauses a rehearsal after its running steps; resume finishes it', async () => {
    const state = join(dir, 'state');
    const first = await cli(['rehearse', inventory, '-s', 'live-compute', '--state', state], (kill) =>
      setTimeout(() => kill('SIGINT'), 100),
    );
    expect(first.stderr).toMatch(/pausing after the running steps/);
    expect(first.stderr).toMatch(/⏸ paused: interrupted \(SIGINT\)/);
    expect(first.code).toBe(1);
    const journal = openSqliteJournal(state, { durability: 'process' });
    const [run] = await journal.listRuns();
    expect(run?.status).toBe('paused');
    const stored = await journal.loadRun(run!.id);
    await journal.close();
    expect([...stored!.steps.values()].some((s) => s.status === 'running')).toBe(false);

    const second = await cli(['resume', run!.id, '--state', state]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/: succeeded after/);
  }, 60_000);
});
