// `stackhop run` of parallel-compute on the test fleet: a new Icehouse Nova on the spare hosts, in a
// Keystone region of its own (registered through the v3 API); old computes wait for their instances to
// end, move to the new deployment and are enabled there; the old Nova is retired with its endpoints.

import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetCloud, startFleetCloud, VERSIONS } from './support/fleet-cloud.js';
import { journalEvents, runOn } from './support/real-runs.js';

let dir: string;
let cloud: FleetCloud;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'stackhop-parallel-'));
  chmodSync(dir, 0o755);
  cloud = await startFleetCloud({
    dir,
    firstAddress: '127.0.28.1',
    dbPort: 33069,
    computes: 4,
    spares: 2,
    serverLifetimeMs: 3000,
    policy: '{ max_parallel_computes: 2, canary: [1, 2], max_failed_hosts: 0, drain: live-migrate }',
  });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('stackhop run parallel-compute on the test fleet', () => {
  it('builds the new deployment, moves every compute to it and retires the old one', async () => {
    const state = path.join(dir, 'state');
    const r = await runOn(cloud, 'parallel-compute', state);
    if (r.exitCode !== 0) console.log(r.stdout, r.stderr, r.lines.slice(-40).join('\n'));
    expect(r.exitCode).toBe(0);
    const { events } = await journalEvents(state);
    expect(
      events.some((e) => e.type === 'step-succeeded' && e.step.endsWith('register-compute-endpoint')),
    ).toBe(true);
    // Every compute and spare runs Icehouse and reports to the new deployment, enabled.
    const second = cloud.standin.secondState;
    expect(second).toBeDefined();
    const computes = second?.services.filter((s) => s.binary === 'nova-compute') ?? [];
    expect(computes.map((s) => s.host).sort()).toEqual([...cloud.computes, 'new1', 'new2'].sort());
    expect(computes.filter((s) => s.disabled)).toEqual([]);
    for (const h of [...cloud.computes, 'new1', 'new2']) {
      const dirOf = path.join(cloud.fleet.host(h).root, 'var/lib/stackhop-fake/packages');
      for (const p of readdirSync(dirOf))
        expect(readFileSync(path.join(dirOf, p), 'utf8').trim(), `${h}: ${p}`).toBe(VERSIONS.icehouse.apt);
      expect(await cloud.unitState(h, 'nova-compute'), h).toBe('running');
    }
    // The new deployment has its own database URL; the old Nova is stopped on the controller.
    expect(await cloud.fleet.read('new1', '/etc/nova/nova.conf')).toMatch(
      /^connection = mysql:\/\/nova:NOVA_DBPASS@ctl1\/nova_icehouse$/m,
    );
    expect(await cloud.unitState('ctl1', 'nova-api')).toBe('stopped');
    // The catalog's compute endpoints are the new region's only.
    const ks = await fetch(cloud.env.OS_AUTH_URL?.replace(/\/v3$/, '/v3/auth/tokens') ?? '', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: {
                name: cloud.env.OS_USERNAME,
                password: cloud.env.OS_PASSWORD,
                domain: { name: 'Default' },
              },
            },
          },
          scope: { project: { name: cloud.env.OS_PROJECT_NAME, domain: { name: 'Default' } } },
        },
      }),
    });
    const token = (await ks.json()) as {
      token: { catalog: { type: string; endpoints: { region: string }[] }[] };
    };
    const compute = token.token.catalog.find((c) => c.type === 'compute');
    expect([...new Set(compute?.endpoints.map((e) => e.region))]).toEqual(['RegionOne-icehouse']);
  }, 300_000);
});
