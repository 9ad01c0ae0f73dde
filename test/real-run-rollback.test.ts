// `stackhop rollback RUN` on the test fleet: a service-by-service run stopped part-way (a failing db
// sync), the cloud then changed further, and the rollback brings back packages, /etc and databases as
// they were before the run (databases compared by checksum), with every service running again.

import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resume } from '../src/cli/commands/resume.js';
import { rollbackCommand } from '../src/cli/commands/rollback.js';
import { type FleetCloud, startFleetCloud, VERSIONS } from './support/fleet-cloud.js';
import { journalEvents, runOn } from './support/real-runs.js';

let dir: string;
let cloud: FleetCloud;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'stackhop-rollback-'));
  chmodSync(dir, 0o755);
  cloud = await startFleetCloud({
    dir,
    firstAddress: '127.0.27.1',
    dbPort: 33068,
    computes: 3,
    policy: '{ max_parallel_computes: 1, canary: [1], max_failed_hosts: 0, drain: live-migrate }',
  });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function databaseState(): Promise<string> {
  const tables = (
    await cloud.db.sql(
      "SELECT CONCAT(table_schema, '.', table_name) FROM information_schema.tables WHERE table_schema IN ('keystone','glance','nova','neutron','cinder','heat') ORDER BY 1",
    )
  )
    .trim()
    .split('\n');
  const sums = await cloud.db.sql(`CHECKSUM TABLE ${tables.join(', ')}`);
  const charsets = await cloud.db.sql(
    "SELECT table_schema, table_name, table_collation FROM information_schema.tables WHERE table_schema IN ('keystone','glance','nova','neutron','cinder','heat') ORDER BY 1, 2",
  );
  return `${sums}\n${charsets}`;
}

function packagesOf(host: string): Record<string, string> {
  const dirOf = path.join(cloud.fleet.host(host).root, 'var/lib/stackhop-fake/packages');
  return Object.fromEntries(
    readdirSync(dirOf).map((p) => [p, readFileSync(path.join(dirOf, p), 'utf8').trim()]),
  );
}

describe('stackhop rollback', () => {
  it('puts packages, configuration and databases back as they were before the run', async () => {
    const dbBefore = await databaseState();
    const confBefore = new Map<string, string | undefined>();
    for (const h of cloud.hosts) confBefore.set(h, await cloud.fleet.read(h, '/etc/nova/nova.conf'));
    const glanceBefore = await cloud.fleet.read('ctl1', '/etc/glance/glance-api.conf');

    // The run gets through keystone, glance, cinder, heat and nova, then neutron's sync fails: the run stops.
    await cloud.fleet.setFault('ctl1', {
      command: 'neutron-db-manage',
      match: 'upgrade',
      exit: 1,
      stderr: 'alembic: migration failed',
    });
    const state = path.join(dir, 'state');
    const r = await runOn(cloud, 'service-by-service', state);
    expect(r.exitCode).toBe(1);
    const { runId, events } = await journalEvents(state);
    expect(events.some((e) => e.type === 'step-succeeded' && e.step.includes('db-sync-nova'))).toBe(true);
    expect(packagesOf('ctl1')['nova-api']).toBe(VERSIONS.icehouse.apt);
    expect(await cloud.fleet.read('ctl1', '/etc/glance/glance-api.conf')).not.toBe(glanceBefore);
    // Meanwhile the new release wrote to its database.
    await cloud.db.sql(
      "INSERT INTO nova.services (name) VALUES ('written-by-icehouse'); ALTER TABLE nova.services ADD COLUMN icehouse_only INT",
    );
    expect(await databaseState()).not.toBe(dbBefore);
    await cloud.fleet.setFault('ctl1', undefined);

    const lines: string[] = [];
    const rb = await rollbackCommand(runId, {
      yes: true,
      state,
      json: false,
      quiet: false,
      approveGates: true,
      pollMs: 100,
      env: cloud.env,
      progress: (l) => lines.push(l),
    });
    if (rb.exitCode !== 0) console.log(rb.stdout, rb.stderr, lines.slice(-30).join('\n'));
    expect(rb.exitCode).toBe(0);

    expect(await databaseState()).toBe(dbBefore);
    for (const h of cloud.hosts) {
      for (const [p, v] of Object.entries(packagesOf(h))) expect(v, `${h}: ${p}`).toBe(VERSIONS.havana.apt);
      expect(await cloud.fleet.read(h, '/etc/nova/nova.conf'), `${h} nova.conf`).toBe(confBefore.get(h));
    }
    expect(await cloud.fleet.read('ctl1', '/etc/glance/glance-api.conf')).toBe(glanceBefore);
    for (const u of ['keystone', 'nova-api', 'nova-conductor', 'glance-api', 'neutron-server']) {
      expect(await cloud.unitState('ctl1', u), u).toBe('running');
    }
    expect(cloud.standin.state.services.filter((s) => s.binary === 'nova-compute' && s.disabled)).toEqual([]);
    // The undone run is closed: resuming it would skip steps whose effects are gone.
    const again = await resume(runId, { state, json: false, quiet: true, env: cloud.env });
    expect(again.stderr).toMatch(/is aborted: nothing to resume/);
  }, 300_000);
});
