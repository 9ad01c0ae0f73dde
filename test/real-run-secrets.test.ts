// Canary secrets (the cloud password, the database password, a password inside the hosts' config
// files, and one a failing command prints) must never appear in the journal, the terminal output, the
// run summary or `status`, whatever path they take.

import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resume } from '../src/cli/commands/resume.js';
import { runCommand } from '../src/cli/commands/run.js';
import { status } from '../src/cli/commands/status.js';
import { type FleetCloud, startFleetCloud } from './support/fleet-cloud.js';
import { journalEvents } from './support/real-runs.js';

const CLOUD_PASSWORD = 'Canary-OS-7f3a9c1e5b';
const DB_PASSWORD = 'Canary-DB-2d8e4f6a0c';
const RABBIT_PASSWORD = 'Canary-MQ-9b1d3f5h7j';
const CANARIES = [CLOUD_PASSWORD, DB_PASSWORD, RABBIT_PASSWORD];

let dir: string;
let cloud: FleetCloud;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'stackhop-secrets-'));
  chmodSync(dir, 0o755);
  cloud = await startFleetCloud({
    dir,
    firstAddress: '127.0.26.1',
    dbPort: 33067,
    computes: 3,
    password: CLOUD_PASSWORD,
  });
  await cloud.db.sql(
    `CREATE USER 'stackhop'@'127.0.0.1' IDENTIFIED BY '${DB_PASSWORD}'; GRANT ALL ON *.* TO 'stackhop'@'127.0.0.1';`,
  );
  for (const h of cloud.hosts) {
    for (const f of ['/etc/nova/nova.conf', '/etc/neutron/neutron.conf']) {
      const text = await cloud.fleet.read(h, f);
      if (text !== undefined) await cloud.fleet.write(h, f, text.replaceAll('RABBIT_PASS', RABBIT_PASSWORD));
    }
  }
  // A failing command that prints a secret: it must be masked in the step's error and output.
  await cloud.fleet.setFault('cmp2', {
    command: 'service',
    match: 'nova-compute stop',
    exit: 1,
    stderr: `nova-compute: cannot reach rabbit as guest:${RABBIT_PASSWORD} (password ${CLOUD_PASSWORD})`,
  });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function filesUnder(root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root)) {
    const p = path.join(root, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

function expectNoCanary(where: string, text: string | Buffer): void {
  const s = Buffer.isBuffer(text) ? text.toString('latin1') : text;
  for (const c of CANARIES) expect(s.includes(c), `${c} in ${where}`).toBe(false);
}

describe('secrets during a real run', () => {
  it('never reach the journal, the terminal, the summary or status', async () => {
    const state = path.join(dir, 'state');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...cloud.env,
      STACKHOP_DB_USER: 'stackhop',
      STACKHOP_DB_PASSWORD: DB_PASSWORD,
      STACKHOP_DB_HOST: '127.0.0.1',
      STACKHOP_DB_PORT: String(cloud.db.port),
    };
    expect(env.OS_PASSWORD).toBe(CLOUD_PASSWORD);
    const lines: string[] = [];
    const r = await runCommand(cloud.inventoryFile, {
      scenario: 'live-compute',
      yes: true,
      state,
      json: false,
      quiet: false,
      acceptNewHostKeys: false,
      approveGates: true,
      env,
      pollMs: 100,
      progress: (l) => lines.push(l),
    });
    // cmp2's failure is within the budget: the run goes on without it.
    const { runId, events } = await journalEvents(state);
    const failed = events.find((e) => e.type === 'step-failed' && e.host === 'cmp2');
    if (failed === undefined) console.log(r.stdout, r.stderr, lines.slice(-20).join('\n'));
    expect(failed?.type === 'step-failed' && failed.error).toMatch(
      /stderr: nova-compute: cannot reach rabbit as \S+ \(password \*{8}\)/,
    );
    // The database password was used: the dumps were made as `stackhop`.
    expect(events.some((e) => e.type === 'step-succeeded' && e.step.endsWith('backup-database'))).toBe(true);
    // The rabbit password was copied into glance-api.conf on the controller (so it went through the driver).
    expect(await cloud.fleet.read('ctl1', '/etc/glance/glance-api.conf')).toContain(RABBIT_PASSWORD);

    expectNoCanary('run stdout', r.stdout);
    expectNoCanary('run stderr', r.stderr);
    expectNoCanary('progress lines', lines.join('\n'));
    expectNoCanary('journal events', JSON.stringify(events));
    for (const f of filesUnder(state)) expectNoCanary(f, readFileSync(f));

    const st = await status(runId, { state, json: false });
    expectNoCanary('status', st.stdout + st.stderr);
    const stJson = await status(runId, { state, json: true });
    expectNoCanary('status --json', stJson.stdout + stJson.stderr);
    const again = await resume(runId, {
      state,
      json: false,
      quiet: false,
      pollMs: 100,
      approveGates: true,
      env,
      progress: (l) => lines.push(l),
    });
    expectNoCanary('resume output', again.stdout + again.stderr + lines.join('\n'));
    for (const f of filesUnder(state)) expectNoCanary(f, readFileSync(f));
  }, 300_000);
});
