// Faults during real runs on the test fleet: a failing command, a hung command past its timeout, a
// connection dropped mid-command, a host that disappears, a changed host key, a sudo that wants a
// password. Each leaves the journal consistent (every started step ended) and the computes enabled
// per policy, or refuses before changing anything.

import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../src/engine/events.js';
import { FLEET_USERS } from './fleet/fleet.js';
import { type FleetCloud, type FleetCloudOptions, startFleetCloud } from './support/fleet-cloud.js';
import { journalEvents, journalRuns, runOn, spawnStackhop, waitForShim } from './support/real-runs.js';

let dir: string;
let cloud: FleetCloud | undefined;
let n = 0;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'stackhop-faults-'));
  chmodSync(dir, 0o755);
});

afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function fresh(o: Partial<FleetCloudOptions> = {}): Promise<FleetCloud> {
  n++;
  cloud = await startFleetCloud({
    dir: path.join(dir, `c${n}`),
    firstAddress: '127.0.24.1',
    dbPort: 33065,
    computes: 4,
    ...o,
  });
  return cloud;
}

/** Every step that started ended (succeeded, failed or skipped), and the run finished. */
function expectConsistent(events: readonly EngineEvent[]): void {
  const open = new Set<string>();
  for (const e of events) {
    if (e.type === 'step-started') open.add(e.step);
    if (e.type === 'step-succeeded' || e.type === 'step-failed' || e.type === 'step-skipped')
      open.delete(e.step);
  }
  expect([...open]).toEqual([]);
  expect(events.some((e) => e.type === 'run-finished')).toBe(true);
}

/** Computes the API shows disabled must be exactly those the run reported it could not re-enable. */
function expectComputesPerPolicy(
  c: FleetCloud,
  outcome: { restored: { host: string; enabled: boolean; reason: string }[] },
): void {
  const disabled = c.standin.state.services
    .filter((s) => s.binary === 'nova-compute' && s.disabled)
    .map((s) => s.host);
  const leftDisabled = outcome.restored.filter((r) => !r.enabled);
  expect(disabled.sort()).toEqual(leftDisabled.map((r) => r.host).sort());
  for (const r of leftDisabled) expect(r.reason).not.toBe('');
}

const STRICT = '{ max_parallel_computes: 2, canary: [1, 2], max_failed_hosts: 0, drain: live-migrate }';

describe('faults during a real run', () => {
  it('a command that exits non-zero fails its step with the exit code and stderr, and the run stops cleanly', async () => {
    const c = await fresh({ policy: STRICT });
    await c.fleet.setFault('cmp2', {
      command: 'apt-get',
      match: 'dist-upgrade',
      exit: 100,
      stderr: 'E: Unable to fetch some archives',
    });
    const state = path.join(dir, `s${n}`);
    const r = await runOn(c, 'live-compute', state, { json: true });
    if (r.exitCode !== 1)
      console.log(r.stdout, r.stderr, r.lines.join('\n'), JSON.stringify(await c.fleet.calls('cmp2')));
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout) as {
      outcome: {
        status: string;
        failedHosts: string[];
        restored: { host: string; enabled: boolean; reason: string }[];
      };
    };
    expect(out.outcome.status).toBe('stopped');
    const { events } = await journalEvents(state);
    const failed = events.find((e) => e.type === 'step-failed' && e.host === 'cmp2');
    expect(failed?.type === 'step-failed' && failed.error).toMatch(/exit code: 100/);
    expect(failed?.type === 'step-failed' && failed.error).toMatch(/Unable to fetch some archives/);
    expectConsistent(events);
    expectComputesPerPolicy(c, out.outcome);
  }, 180_000);

  it('a hung command is killed at the step timeout, on the host too', async () => {
    const c = await fresh({ policy: STRICT });
    await c.fleet.setFault('cmp1', { command: 'service', match: 'nova-compute stop', sleepSeconds: 120 });
    const state = path.join(dir, `s${n}`);
    const started = Date.now();
    // The timeout bounds every step, so it must leave room for an ordinary step on a loaded 2-core
    // machine (4 s did not: some other step timed out first and cmp1 never stopped).
    const r = await runOn(c, 'live-compute', state, { json: true, stepTimeoutMs: 15_000 });
    expect(r.exitCode).toBe(1);
    expect(Date.now() - started).toBeLessThan(110_000);
    const { events } = await journalEvents(state);
    // Exactly one failure, the hung stop on cmp1; any other names the step that really timed out.
    const failures = events.flatMap((e) => (e.type === 'step-failed' ? [`${e.step}: ${e.error}`] : []));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^[^ ]*\/cmp1\/[^ ]*: .*(timed out|aborted)/);
    expectConsistent(events);
    // The shim's sleep died with its process group.
    const calls = await c.fleet.calls('cmp1');
    expect(calls.filter((x) => x.argv.join(' ') === 'service nova-compute stop' && x.fault === true)).toEqual(
      [],
    );
    const out = JSON.parse(r.stdout) as {
      outcome: { restored: { host: string; enabled: boolean; reason: string }[] };
    };
    expectComputesPerPolicy(c, out.outcome);
  }, 180_000);

  it('a connection dropped mid-command fails that step; within the failure budget the run goes on without the host', async () => {
    const c = await fresh();
    await c.fleet.setFault('cmp3', {
      command: 'service',
      match: 'nova-compute stop',
      sleepSeconds: 60,
      once: true,
    });
    const state = path.join(dir, `s${n}`);
    const dropper = (async () => {
      await waitForShim(c, 'cmp3', 'service nova-compute stop');
      await c.fleet.dropConnections('cmp3');
    })();
    const r = await runOn(c, 'live-compute', state, { json: true });
    await dropper;
    const { events } = await journalEvents(state);
    const failed = events.find((e) => e.type === 'step-failed' && e.host === 'cmp3');
    expect(failed?.type === 'step-failed' && failed.error).toMatch(/connection lost/);
    expectConsistent(events);
    const out = JSON.parse(r.stdout) as { outcome: { failedHosts: string[] } };
    expect(out.outcome.failedHosts).toEqual(['cmp3']);
    // The other computes were upgraded.
    for (const h of ['cmp1', 'cmp2', 'cmp4']) {
      expect(
        events.some((e) => e.type === 'step-succeeded' && e.step === `computes/${h}/enable`),
        h,
      ).toBe(true);
    }
  }, 180_000);

  it('a host that goes away mid-run is unreachable: its step fails and the budget decides', async () => {
    const c = await fresh({ policy: STRICT });
    await c.fleet.setFault('cmp2', { command: 'service', match: 'nova-compute stop', sleepSeconds: 60 });
    const state = path.join(dir, `s${n}`);
    const killer = (async () => {
      await waitForShim(c, 'cmp2', 'service nova-compute stop');
      await c.fleet.stopHost('cmp2');
    })();
    const r = await runOn(c, 'live-compute', state, { json: true });
    await killer;
    if (r.exitCode !== 1) console.log(r.stdout, r.stderr);
    expect(r.exitCode).toBe(1);
    const { events } = await journalEvents(state);
    expect(events.some((e) => e.type === 'step-failed' && e.host === 'cmp2')).toBe(true);
    expectConsistent(events);
    const out = JSON.parse(r.stdout) as {
      outcome: { restored: { host: string; enabled: boolean; reason: string }[] };
    };
    expectComputesPerPolicy(c, out.outcome);
  }, 180_000);

  it('a signal during the pre-flight cancels the run before anything changes', async () => {
    const c = await fresh();
    // The pre-flight's package query on cmp1 takes a while: time to send the signal.
    await c.fleet.setFault('cmp1', {
      command: 'dpkg-query',
      match: 'nova-compute',
      sleepSeconds: 20,
      once: true,
    });
    const state = path.join(dir, `s${n}`);
    const { child, exited, stderr } = spawnStackhop(
      ['run', c.inventoryFile, '-s', 'live-compute', '--yes', '--state', state, '-q'],
      c.env,
    );
    await waitForShim(c, 'cmp1', 'dpkg-query');
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(stderr()).toMatch(/cancelled by a signal; nothing was changed/);
    expect(existsSync(path.join(state, 'journal.db')) ? (await journalRuns(state)).length : 0).toBe(0);
    for (const h of c.hosts) {
      const changing = (await c.fleet.calls(h)).filter((x) =>
        /^(apt-get|service \S+ (stop|start|restart)|add-apt)/.test(x.argv.join(' ')),
      );
      expect(changing, h).toEqual([]);
    }
  }, 180_000);

  it('an unreachable host, a changed host key or a sudo password stop the run before anything changes', async () => {
    const c = await fresh();
    const untouched = async () => {
      for (const h of c.hosts) {
        const changing = (await c.fleet.calls(h)).filter((x) =>
          /^(apt-get|service \S+ (stop|start|restart)|yum|add-apt)/.test(x.argv.join(' ')),
        );
        expect(changing, h).toEqual([]);
      }
    };

    await c.fleet.stopHost('cmp4');
    let r = await runOn(c, 'live-compute', path.join(dir, `s${n}-a`));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/pre-flight failed; nothing was changed/);
    expect(r.stderr).toMatch(/cmp4: ssh: .*cannot connect/);
    await c.fleet.startHost('cmp4');

    // The inventory's known_hosts keeps cmp1's old key, as after a reinstall (or an attack).
    await c.fleet.rotateHostKey('cmp1');
    r = await runOn(c, 'live-compute', path.join(dir, `s${n}-b`), { acceptNewHostKeys: true });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/cmp1: ssh: .*REFUSED: the host key/);

    const needpw = path.join(dir, `needpw-${n}.yaml`);
    writeFileSync(needpw, c.inventoryText.replace('user: root', `user: ${FLEET_USERS.needsPassword}`));
    r = await runOn({ ...c, inventoryFile: needpw }, 'live-compute', path.join(dir, `s${n}-c`));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/sudo asks stackhop-needpw for a password/);
    await untouched();
  }, 180_000);
});
