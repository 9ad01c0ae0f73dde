// `stackhop run` of each scenario against the test fleet: real sshd hosts (shims for the OpenStack
// programs), a private MariaDB for the dumps, and the INTERIM OpenStack stand-in whose services follow
// the fleet's. Each run must leave every host on Icehouse, every schema at its head, every compute
// enabled, every instance alive, no pin behind, and a journal that shows every command it ran.

import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../src/catalog/index.js';
import { status } from '../src/cli/commands/status.js';
import type { EngineEvent } from '../src/engine/events.js';
import { resolveUpgrade } from '../src/plan/upgrade-pair.js';
import { type FleetCloud, startFleetCloud, VERSIONS } from './support/fleet-cloud.js';
import { journalEvents, journalPlan, runOn } from './support/real-runs.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'stackhop-run-'));
  // The fleet's non-root users must reach their files below it.
  chmodSync(dir, 0o755);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Everything a finished upgrade must leave behind, checked on the hosts and through the API. */
async function expectUpgraded(cloud: FleetCloud, instancesBefore: number): Promise<void> {
  const { pack } = resolveUpgrade(cloud.inventory, CATALOG);
  for (const h of cloud.hosts) {
    const pkgDir = path.join(cloud.fleet.host(h).root, 'var/lib/stackhop-fake/packages');
    const pkgs = readdirSync(pkgDir);
    if (h !== 'new1' && h !== 'new2') expect(pkgs.length, `${h} has packages`).toBeGreaterThan(0);
    for (const p of pkgs)
      expect(readFileSync(path.join(pkgDir, p), 'utf8').trim(), `${h}: ${p}`).toBe(VERSIONS.icehouse.apt);
    const conf = (await cloud.fleet.read(h, '/etc/nova/nova.conf')) ?? '';
    expect(conf, `${h}: no compute pin left`).not.toMatch(/^\s*compute\s*=\s*icehouse-compat/m);
  }
  for (const d of pack.dbSync) {
    if (d.toHead === '') continue;
    expect(
      (await cloud.fleet.read('ctl1', `/var/lib/stackhop-fake/schema/${d.project}`))?.trim(),
      d.project,
    ).toBe(d.toHead);
  }
  const computes = cloud.standin.state.services.filter((s) => s.binary === 'nova-compute');
  expect(computes.filter((s) => s.disabled).map((s) => s.host)).toEqual([]);
  const servers = [...cloud.standin.state.servers.values()];
  expect(servers).toHaveLength(instancesBefore);
  expect(servers.filter((s) => s.vmState !== 'active')).toEqual([]);
}

function expectJournalShowsCommands(events: readonly EngineEvent[]): void {
  const done = events.filter(
    (e): e is Extract<EngineEvent, { type: 'step-succeeded' }> => e.type === 'step-succeeded',
  );
  expect(done.length).toBeGreaterThan(20);
  const stops = done.filter((e) => e.step.endsWith('/stop'));
  expect(stops.length).toBeGreaterThan(0);
  for (const e of stops) {
    expect(e.output, e.step).toMatch(/\$ service \S+ stop/);
    expect(e.output, e.step).toMatch(/exit \d+ in \d+(\.\d+)? (ms|s)/);
    expect(e.duration_ms).toBeGreaterThanOrEqual(0);
  }
}

describe.each([
  ['all-at-once', '127.0.20.1', 33061],
  ['service-by-service', '127.0.21.1', 33062],
  ['live-compute', '127.0.22.1', 33063],
] as const)('stackhop run %s on the test fleet', (scenario, firstAddress, dbPort) => {
  let cloud: FleetCloud;

  beforeAll(async () => {
    cloud = await startFleetCloud({ dir: path.join(dir, scenario), firstAddress, dbPort });
  }, 120_000);

  afterAll(async () => {
    await cloud?.stop();
  });

  it('completes, leaves the cloud upgraded, and journals every command with its exit code', async () => {
    const state = path.join(dir, scenario, 'state');
    const instances = cloud.standin.state.servers.size;
    // The live run takes its canary ramp from the command line: batches of two from the start (the
    // inventory says [1, 2]).
    const r = await runOn(cloud, scenario, state, scenario === 'live-compute' ? { canary: [2] } : {});
    if (r.exitCode !== 0) console.log(r.stdout, r.stderr, r.lines.slice(-30).join('\n'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/succeeded after/);
    expect(r.stdout).toMatch(/compute-api\s+\S+.*\d+ s \(\d+ outages?\)/);
    await expectUpgraded(cloud, instances);
    const { runId, events } = await journalEvents(state);
    expectJournalShowsCommands(events);
    expect(events.some((e) => e.type === 'api-downtime' && e.api === 'compute-api')).toBe(true);
    const st = await status(runId, { state, json: false });
    expect(st.stdout).toMatch(
      /API downtime \(planned, measured\):\n {2}compute-api +\S+( \S+)? +\d+ s in 1 outage/,
    );

    if (scenario === 'live-compute') {
      const drains = (await journalPlan(state)).steps.filter((s) => s.action.kind === 'drain-compute');
      expect(drains.filter((s) => s.batch === 1)).toHaveLength(2);
      expect(Math.max(...drains.map((s) => s.batch ?? 0))).toBe(cloud.computes.length / 2);
      // Every compute was emptied by live migration before its nova-compute stopped.
      const at = (step: string, type: string) =>
        events.find((e) => e.type === type && 'step' in e && e.step === step)?.at;
      for (const c of cloud.computes) {
        const drained = at(`computes/${c}/drain`, 'step-succeeded');
        const stopped = at(`computes/${c}/stop`, 'step-started');
        expect(drained, c).toBeDefined();
        expect(stopped, c).toBeDefined();
        expect(drained!).toBeLessThanOrEqual(stopped!);
      }
      const migrations = cloud.standin.requests.filter(
        (q) => q.method === 'POST' && q.path.endsWith('/action'),
      );
      expect(migrations.length).toBeGreaterThanOrEqual(instances);
      // The pin was written during the run (and is gone now: expectUpgraded).
      const pinned = events.filter((e) => e.type === 'step-succeeded' && e.step.endsWith('/pin-compute'));
      expect(pinned.length).toBeGreaterThan(0);
    }
  }, 300_000);
});
