// `stackhop run` against a real OpenStack: the Zed lab, upgraded from Debian 12's bookworm packages to
// bookworm-security's (a real package change), through real SSH, real nova-manage, real restarts and
// the real Nova API. Each scenario starts from a reset lab (old packages, pristine configs, all up).

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioId } from '../../src/catalog/types.js';
import { journalEvents } from '../support/real-runs.js';
import { LabApi, type Server } from './api.js';
import {
  type CliResult,
  computePin,
  installedVersions,
  LAB_INVENTORY,
  type LabInfo,
  labScript,
  labService,
  novaConf,
  readLab,
  stackhopCli,
  unitStartedAt,
} from './lab.js';

interface RunOutput {
  code: number | null;
  json: {
    run: string;
    outcome: { status: string; failedHosts: string[]; counts: Record<string, number> };
    downtime?: { api: string; watched_s: number; down_s: number }[];
  };
  stderr: string;
  /** Every `[upgrade_levels] compute` value seen in any lab host's nova.conf while the run went on. */
  pins: Set<string>;
}

let lab: LabInfo;
let api: LabApi;
const states: string[] = [];

/** `--json` prints one event per line, then the result: the last line. */
function lastJsonLine(stdout: string): unknown {
  const lines = stdout.trim().split('\n');
  const result = JSON.parse(lines.at(-1) ?? '') as { type?: string };
  expect(result.type).toBe('result');
  for (const l of lines.slice(0, -1)) expect(typeof (JSON.parse(l) as { type: unknown }).type).toBe('string');
  return result;
}

/**
 * `stackhop run --json` on the lab inventory, watching every lab host's nova.conf for the compute pin
 * while it goes on.
 */
async function stackhopRun(scenario: ScenarioId, state: string): Promise<RunOutput> {
  const pins = new Set<string>();
  const watch = setInterval(() => {
    for (const h of lab.hosts) {
      const pin = computePin(novaConf(lab, h.name));
      if (pin !== undefined) pins.add(pin);
    }
  }, 250);
  let r: CliResult;
  try {
    r = await stackhopCli(
      ['run', LAB_INVENTORY, '--scenario', scenario, '--yes', '--json', '--state', state],
      lab,
    );
  } finally {
    clearInterval(watch);
  }
  try {
    return { code: r.code, json: lastJsonLine(r.stdout) as RunOutput['json'], stderr: r.stderr, pins };
  } catch {
    throw new Error(
      `stackhop run printed no JSON summary (exit ${r.code}):\n${r.stdout}\n${r.stderr.slice(-4000)}`,
    );
  }
}

async function snapshotServers(): Promise<Map<string, Server>> {
  return new Map((await api.servers()).map((s) => [s.id, s]));
}

/** What every scenario must leave behind, read through the real API and the machine. */
async function expectConsistentAndUpgraded(before: Map<string, Server>, startedAt: number): Promise<void> {
  const services = await api.services();
  for (const s of services.filter((x) => x.binary.startsWith('nova-'))) {
    expect(s.state, `${s.binary} on ${s.host}`).toBe('up');
    expect(s.status, `${s.binary} on ${s.host} left disabled (${s.disabled_reason})`).toBe('enabled');
  }
  const servers = await snapshotServers();
  expect([...servers.keys()].sort(), 'instances lost or added').toEqual([...before.keys()].sort());
  for (const s of servers.values()) expect(s.status, `${s.name}`).toBe('ACTIVE');
  const versions = await installedVersions(Object.keys(lab.versions.new));
  expect(versions).toEqual(lab.versions.new);
  // The new code is what runs: every OpenStack process of every host started during the run.
  for (const h of lab.hosts)
    for (const unit of h.units) {
      const at = unitStartedAt(lab, h.name, unit);
      expect(at, `${unit} on ${h.name} is not running`).toBeDefined();
      expect(at!, `${unit} on ${h.name} still runs the code it loaded before the run`).toBeGreaterThan(
        startedAt,
      );
    }
  for (const h of lab.hosts)
    expect(computePin(novaConf(lab, h.name)), `pin left on ${h.name}`).toBeUndefined();
}

beforeAll(async () => {
  lab = readLab();
  api = new LabApi(lab);
  // The archive must offer a newer build, or every scenario would pass without changing anything.
  expect(lab.versions.new).not.toEqual(lab.versions.old);
});

afterAll(() => {
  for (const s of states) rmSync(s, { recursive: true, force: true });
});

describe('stackhop run against the Zed lab (real OpenStack, Debian 12 point release)', () => {
  for (const scenario of ['all-at-once', 'service-by-service', 'live-compute'] as const) {
    it(`${scenario}: every service up on the new packages, every instance ACTIVE, no pin left`, async () => {
      await labScript('reset');
      expect(await installedVersions(Object.keys(lab.versions.old))).toEqual(lab.versions.old);
      const before = await snapshotServers();
      expect(before.size).toBe(lab.computes * lab.serversPerCompute);
      const migrationsBefore = new Set((await api.migrations()).map((m) => m.id));
      const state = mkdtempSync(path.join(tmpdir(), `stackhop-lab-${scenario}-`));
      states.push(state);
      const startedAt = Date.now();

      const run = await stackhopRun(scenario, state);

      expect(run.code, run.stderr.slice(-4000)).toBe(0);
      expect(run.json.outcome.status).toBe('succeeded');
      await expectConsistentAndUpgraded(before, startedAt);
      // The run measured the API downtime it caused.
      const measured = new Map((run.json.downtime ?? []).map((d) => [d.api, d]));
      for (const a of ['identity-api', 'compute-api']) {
        expect(measured.get(a)?.watched_s ?? 0, `${a} not probed`).toBeGreaterThan(0);
      }
      // The schema migrations ran for real, as the service users; every host had its own package step
      // (the lab's hosts share one dpkg, so the versions alone cannot show that).
      const { events } = await journalEvents(state);
      const upgradedHosts = new Set(
        events.flatMap((e) => (e.type === 'step-succeeded' && /\/upgrade$/.test(e.step) ? [e.host] : [])),
      );
      expect([...upgradedHosts].sort()).toEqual(lab.hosts.map((h) => h.name).sort());
      const synced = events.filter((e) => e.type === 'step-succeeded' && /db-sync-/.test(e.step));
      expect(synced.map((e) => (e.type === 'step-succeeded' ? e.step.split('/').pop() : '')).sort()).toEqual([
        'db-sync-keystone',
        'db-sync-nova',
        'db-sync-placement',
      ]);

      // The upgrade report of the real run: planned next to measured downtime, kept as an artifact.
      mkdirSync('reports', { recursive: true });
      const html = path.resolve('reports', `lab-report-${scenario}.html`);
      const written = await stackhopCli(['report', run.json.run, '--state', state, '--html', html], lab);
      expect(written.code, written.stderr).toBe(0);
      const report = await stackhopCli(['report', run.json.run, '--state', state, '--json'], lab);
      const r = JSON.parse(report.stdout) as {
        run: { driver: string };
        view: {
          status: string;
          planned_outages: Record<string, number>;
          measured: { api: string; watched_s: number }[];
        };
      };
      expect(r.run.driver).toBe('real');
      expect(r.view.status).toBe('succeeded');
      expect(Object.keys(r.view.planned_outages).length, 'no planned downtime in the report').toBeGreaterThan(
        0,
      );
      for (const a of ['identity-api', 'compute-api']) {
        expect(r.view.measured.find((m) => m.api === a)?.watched_s ?? 0, `${a} not measured`).toBeGreaterThan(
          0,
        );
      }
      expect(readFileSync(html, 'utf8')).toContain('measured by probes');

      if (scenario === 'live-compute') {
        // The pin was in the files during the run, and is gone now (checked above).
        expect([...run.pins]).toEqual(['zed']);
        // Every compute was emptied by live migration before it was touched.
        const moved = (await api.migrations()).filter((m) => !migrationsBefore.has(m.id));
        for (const m of moved) {
          expect(m.migration_type).toBe('live-migration');
          expect(m.status).toBe('completed');
        }
        for (const h of lab.hosts.filter((x) => x.role === 'compute')) {
          const hosted = [...before.values()].filter((s) => s['OS-EXT-SRV-ATTR:host'] === h.name);
          if (hosted.length === 0) continue;
          expect(
            moved.some((m) => m.source_compute === h.name),
            `nothing was live-migrated off ${h.name}`,
          ).toBe(true);
        }
      }
    });
  }

  it('a compute stopped mid-run: the health gate stops the run, the cloud stays consistent, resume finishes', async () => {
    await labScript('reset');
    const before = await snapshotServers();
    const state = mkdtempSync(path.join(tmpdir(), 'stackhop-lab-fault-'));
    states.push(state);
    const victim = 'lab-cmp3';
    // Stop the victim once the first compute is drained (no migration is on its way to the victim then).
    let stopped: Promise<number> | undefined;
    const watcher = setInterval(() => {
      if (stopped !== undefined) return;
      void (async () => {
        const cmp1 = (await api.services()).find((x) => x.binary === 'nova-compute' && x.host === 'lab-cmp1');
        const onCmp1 = (await api.servers()).filter((x) => x['OS-EXT-SRV-ATTR:host'] === 'lab-cmp1');
        if (stopped === undefined && cmp1?.status === 'disabled' && onCmp1.length === 0) {
          stopped = labService(victim, 'nova-compute', 'stop');
        }
      })().catch(() => undefined);
    }, 500);
    let run: RunOutput;
    try {
      run = await stackhopRun('live-compute', state);
    } finally {
      clearInterval(watcher);
    }
    expect(stopped, 'the fault was never injected').toBeDefined();
    expect(await stopped).toBe(0);

    // The batch's health gate sees the victim down and the run stops: nothing new starts.
    expect(run.code).not.toBe(0);
    expect(run.json.outcome.status).toBe('stopped');
    // The cloud as the API shows it: no compute left disabled, no instance lost, the ones not on the
    // stopped compute ACTIVE.
    const services = await api.services();
    for (const s of services.filter((x) => x.binary === 'nova-compute')) {
      expect(s.status, `${s.host} left disabled (${s.disabled_reason})`).toBe('enabled');
      if (s.host !== victim) expect(s.state, s.host).toBe('up');
    }
    const after = await snapshotServers();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const s of after.values()) {
      if (s['OS-EXT-SRV-ATTR:host'] !== victim) expect(s.status, s.name).toBe('ACTIVE');
    }
    const { events } = await journalEvents(state);
    const failed = events.filter((e) => e.type === 'step-failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((e) => e.type === 'step-failed' && e.error.includes(victim))).toBe(true);

    // The operator brings the compute back and resumes: the run finishes where it stopped.
    expect(await labService(victim, 'nova-compute', 'start')).toBe(0);
    const resumed = await stackhopCli(['resume', run.json.run, '--state', state, '--json'], lab);
    expect(resumed.code, resumed.stderr.slice(-4000)).toBe(0);
    expect((lastJsonLine(resumed.stdout) as { outcome?: { status?: string } }).outcome?.status).toBe(
      'succeeded',
    );
    const versions = await installedVersions(Object.keys(lab.versions.new));
    expect(versions).toEqual(lab.versions.new);
    for (const h of lab.hosts)
      expect(computePin(novaConf(lab, h.name)), `pin left on ${h.name}`).toBeUndefined();
    for (const s of (await api.services()).filter((x) => x.binary.startsWith('nova-'))) {
      expect(`${s.host} ${s.binary} ${s.state} ${s.status}`).toBe(`${s.host} ${s.binary} up enabled`);
    }
    for (const s of (await snapshotServers()).values()) expect(s.status, s.name).toBe('ACTIVE');
  });
});
