// The failure budget on the twin: with max_failed_hosts 2, three injected compute failures stop the run
// after the third; every healthy compute ends enabled; `status` says exactly what is left.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../src/catalog/index.js';
import { parseInventory } from '../src/inventory/load.js';
import { rehearse } from '../src/rehearse/rehearse.js';
import { openSqliteJournal } from '../src/store/sqlite-journal.js';
import { runCli } from './support/cli.js';

const YAML = `
cloud: budget
upgrade: { from: havana, to: icehouse }
distro: ubuntu-12.04-uca
networking: neutron-ovs
hosts:
  - { name: "ctl[1:2]", address: "10.0.0.[1:2]", roles: [controller] }
  - { name: net1, address: 10.0.1.1, roles: [network] }
  - { name: "cmp[01:20]", address: "10.0.2.[1:20]", roles: [compute] }
facts: { versions: { nova-compute: 2013.2.3 }, instances: 200 }
policy: { max_parallel_computes: 8, canary: [1, 8], max_failed_hosts: 2, drain: live-migrate }
`;

const dir = mkdtempSync(join(tmpdir(), 'stackhop-budget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('failure budget', () => {
  it('stops starting new work after the third failed compute and leaves every healthy compute enabled', async () => {
    const inventory = parseInventory(YAML, 'budget.yaml', CATALOG);
    const state = join(dir, 'state');
    const journal = openSqliteJournal(state, { durability: 'process' });
    const events: Array<{ type: string; step?: string; at: number }> = [];
    const faults = ['cmp03:upgrade-packages:fail', 'cmp05:upgrade-packages:fail', 'cmp07:drain:fail'];
    const r = await rehearse({
      inventory,
      inventoryText: YAML,
      catalog: CATALOG,
      scenario: 'live-compute',
      seed: 3,
      faults,
      journal,
      runId: 'r20261125-120000-0001',
      twinDir: join(state, 'twins', 'r20261125-120000-0001'),
      listeners: () => [(e) => events.push(e)],
    });
    await journal.close();

    expect(r.outcome.status).toBe('stopped');
    expect(r.outcome.failedHosts).toEqual(['cmp03', 'cmp05', 'cmp07']);
    expect(r.outcome.reason).toMatch(
      /3 computes failed \(cmp03, cmp05, cmp07\), more than max_failed_hosts 2/,
    );
    // Two failures are absorbed (the hosts are dropped), the third stops the run.
    expect(events.filter((e) => e.type === 'host-dropped')).toHaveLength(2);
    const stop = events.findIndex((e) => e.type === 'run-stopping');
    expect(stop).toBeGreaterThan(0);
    expect(events.slice(stop).filter((e) => e.type === 'step-started')).toEqual([]);

    // Every compute whose nova-compute is up is enabled; the ones that are not are the failed hosts
    // and hosts caught mid-upgrade, each reported with its reason.
    const disabled = [...r.computes].filter(([, s]) => !s.enabled).map(([h]) => h);
    for (const [host, s] of r.computes) {
      if (s.up && !r.outcome.failedHosts.includes(host)) expect(s.enabled, host).toBe(true);
    }
    expect(
      r.outcome.restored
        .filter((x) => !x.enabled)
        .map((x) => x.host)
        .sort(),
    ).toEqual(disabled.sort());
    for (const host of r.outcome.failedHosts) {
      expect(r.outcome.restored.find((x) => x.host === host)?.reason).toMatch(
        /failed; left disabled for inspection/,
      );
    }

    const status = await runCli(['status', 'r20261125-120000-0001', '--state', state]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^status: stopped — 3 computes failed/m);
    expect(status.stdout).toContain('computes/cmp03/');
    expect(status.stdout).toMatch(/injected fault/);
    expect(status.stdout).toMatch(/^computes left disabled:$/m);
    for (const host of ['cmp03', 'cmp05', 'cmp07']) {
      expect(status.stdout).toMatch(
        new RegExp(`^ {2}${host}: computes/${host}/\\S+ failed; left disabled for inspection$`, 'm'),
      );
    }
    // Hosts caught mid-upgrade say why they could not be re-enabled.
    for (const x of r.outcome.restored.filter((y) => !y.enabled && !r.outcome.failedHosts.includes(y.host))) {
      expect(status.stdout).toContain(`  ${x.host}: ${x.reason}`);
    }
    expect(status.stdout).toMatch(
      /^left to do:\n(?: {2}\S+ +\d+ steps on .+\n)+next: stackhop resume r20261125-120000-0001/m,
    );
    // "Left to do" adds up to every step that did not succeed.
    const left = [...status.stdout.matchAll(/^ {2}\S+ +(\d+) steps on /gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    expect(left).toBe(r.outcome.counts.steps - r.outcome.counts.succeeded);
  });
});

describe('failure budget: within it', () => {
  it('drops a failed compute, finishes its batch and the rest of the phase without it, holds the final phase; resume --clear-faults completes', async () => {
    const inventory = parseInventory(YAML, 'budget.yaml', CATALOG);
    const state = join(dir, 'within');
    const runId = 'r20261125-120000-0002';
    const journal = openSqliteJournal(state, { durability: 'process' });
    const r = await rehearse({
      inventory,
      inventoryText: YAML,
      catalog: CATALOG,
      scenario: 'live-compute',
      seed: 3,
      faults: ['cmp04:upgrade-packages:fail'],
      journal,
      runId,
      twinDir: join(state, 'twins', runId),
    });
    await journal.close();
    expect(r.outcome.status).toBe('stopped');
    expect(r.outcome.failedHosts).toEqual(['cmp04']);
    expect(r.outcome.reason).toMatch(/cmp04 failed \(within max_failed_hosts 2\)/);
    // Every other compute went through its whole rolling upgrade; nothing of the final phase ran.
    for (const [host, s] of r.computes) {
      if (host === 'cmp04') continue;
      expect(s, host).toEqual({ up: true, enabled: true });
    }
    expect(r.metrics.not_on_target.filter((x) => !x.startsWith('cmp04:')).length).toBe(0);

    const resumed = await runCli(['resume', runId, '--state', state, '--clear-faults', '-q']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/: succeeded after/);
  });
});
