// Plans broken by hand fail on the twin with the error the real cloud would show, on the step where it
// would show it, and the errors are counted.

import { describe, expect, it } from 'vitest';
import type { Step } from '../../plan/types.js';
import { newTwin, planFor, runSteps, smallInventory } from './testing.js';

const inv = smallInventory();
const live = planFor(inv, 'live-compute');
const byId =
  (plan = live) =>
  (id: string): Step => {
    const s = plan.steps.find((x) => x.id === id);
    if (s === undefined) throw new Error(`no step ${id}`);
    return { ...s, after: [] };
  };

describe('RPC compatibility', () => {
  it('without the compute pin on the controllers, the first boot after them fails with UnsupportedVersion', async () => {
    const steps = live.steps.filter(
      (s) => !(s.action.kind === 'set-rpc-pin' && s.phase === 'nova-controllers'),
    );
    expect(steps.length).toBe(live.steps.length - 2);
    const { twin, clock } = newTwin(inv, 'live-compute');
    const records = await runSteps(twin, clock, steps);
    const failed = records.at(-1)!;
    expect(failed.ok).toBe(false);
    expect(failed.step.id).toBe('nova-controllers/@cloud/verify');
    expect(failed.error).toMatch(
      /smoke-boot: boot on cmp\d+: nova-\w+ on ctl\d: UnsupportedVersion: Endpoint does not support RPC version 3\.23 \(nova-compute on cmp\d+ runs havana 2013\.2\.3, serves ≤ 2\.47, ≤ 3\.0\)/,
    );
    const m = twin.metrics();
    // Unpinned Icehouse controllers × Havana computes: every pair counts background errors meanwhile.
    expect(m.rpc_errors).toBeGreaterThan(0);
    expect(m.rpc_error_samples.length).toBeGreaterThan(0);
    expect(twin.state.openRpcPairs).toBeGreaterThan(0);
  });

  it('an Icehouse nova-compute started while the conductors run Havana fails its start step', async () => {
    const at = byId();
    const steps = [
      'computes/cmp001/disable',
      'computes/cmp001/drain',
      'computes/cmp001/stop',
      'computes/cmp001/switch-repository',
      'computes/cmp001/full-upgrade',
      'computes/cmp001/start-compute',
    ].map(at);
    const { twin, clock } = newTwin(inv, 'live-compute');
    const records = await runSteps(twin, clock, steps);
    expect(records.map((r) => r.ok)).toEqual([true, true, true, true, true, false]);
    expect(records[5]!.error).toBe(
      'nova-compute on cmp001: UnsupportedVersion: Endpoint does not support RPC version 2.0 ' +
        '(nova-conductor on ctl1 runs havana, serves ≤ 1.58)',
    );
    expect(twin.state.host('cmp001')?.services['nova-compute']?.running).toBeUndefined();
    // The L2 agent started before it (the step's service order) and stays up.
    expect(twin.state.host('cmp001')?.services['neutron-openvswitch-agent']?.running).toBe('icehouse');
    expect(twin.metrics().rpc_errors).toBe(1);
    expect((await twin.computeStatus('cmp001'))?.up).toBe(false);
  });

  it('Havana computes older than 2013.2.2 fail the pre-flight, and without it cannot take the pinned 3.0', async () => {
    const old = smallInventory();
    (old.facts as { versions: Record<string, string> }).versions = { 'nova-compute': '2013.2.1' };
    const t1 = newTwin(old, 'live-compute');
    const first = await runSteps(t1.twin, t1.clock, live.steps);
    expect(first.at(-1)?.error).toBe(
      'min-version: nova-compute 2013.2.1 on cmp001, cmp002, cmp003, cmp004 is older than 2013.2.2',
    );
    // Skip the pre-flight and the computes' own pins (their alias does not exist before 2013.2.2 either).
    const steps = live.steps
      .filter(
        (s) =>
          s.id !== 'preflight/@cloud/verify' &&
          !(s.phase === 'prepare-computes' && s.action.kind === 'set-rpc-pin'),
      )
      .map((s) => ({ ...s, after: [] }));
    const t2 = newTwin(old, 'live-compute');
    const records = await runSteps(t2.twin, t2.clock, steps);
    expect(records.at(-1)?.step.id).toBe('nova-controllers/@cloud/verify');
    expect(records.at(-1)?.error).toMatch(
      /RPC version 3\.0 \(nova-compute on cmp\d+ runs havana 2013\.2\.1, serves ≤ 2\.47\)/,
    );
  });

  it('a Havana compute pinned to icehouse-compat before 2013.2.2 cannot restart: the alias is unknown', async () => {
    const old = smallInventory();
    (old.facts as { versions: Record<string, string> }).versions = { 'nova-compute': '2013.2.1' };
    const { twin, clock } = newTwin(old, 'live-compute');
    const at = byId();
    const records = await runSteps(twin, clock, [
      at('prepare-computes/cmp001/pin-compute'),
      at('prepare-computes/cmp001/restart'),
    ]);
    expect(records[1]?.error).toMatch(
      /nova-compute on cmp001: \[upgrade_levels\] compute = icehouse-compat is neither an alias havana 2013\.2\.1 knows/,
    );
  });
});

describe('code and schema', () => {
  const at = byId();

  it('a db sync while a service still uses the database fails and names it', async () => {
    const { twin, clock } = newTwin(inv, 'live-compute');
    const steps = [
      'keystone/ctl1/stop',
      'keystone/ctl1/switch-repository',
      'keystone/ctl1/upgrade',
      'keystone/ctl1/db-sync-keystone',
    ].map(at);
    const records = await runSteps(twin, clock, steps);
    expect(records.at(-1)?.error).toBe('keystone on ctl2 is still running against the keystone database');
    expect(twin.state.database('keystone')?.head).toBe('034');
  });

  it('Icehouse code started before its db sync fails to start; after the sync it starts', async () => {
    const { twin, clock } = newTwin(inv, 'live-compute');
    const before = [
      'keystone/ctl1/stop',
      'keystone/ctl2/stop',
      'keystone/ctl1/switch-repository',
      'keystone/ctl1/upgrade',
      'keystone/ctl1/start',
    ].map(at);
    const records = await runSteps(twin, clock, before);
    expect(records.at(-1)?.error).toBe(
      'keystone on ctl1 fails to start: icehouse code needs the keystone schema at 044, the keystone database is at 034 (its db sync has not run)',
    );
    expect(twin.state.apiUp('identity-api')).toBe(false);
    // Every API authenticates through keystone.
    expect(twin.state.apiUp('image-api')).toBe(false);
    const after = await runSteps(
      twin,
      clock,
      ['keystone/ctl1/db-sync-keystone', 'keystone/ctl1/start'].map(at),
    );
    expect(after.every((r) => r.ok)).toBe(true);
    expect(twin.state.apiUp('identity-api')).toBe(true);
    expect(twin.state.apiUp('image-api')).toBe(true);
    // Havana keystone on ctl2 cannot run on the migrated schema.
    const stale = await runSteps(twin, clock, [at('keystone/ctl2/start')]);
    expect(stale[0]?.error).toMatch(
      /havana code needs the keystone schema at 034, the keystone database is at 044 \(the schema was migrated past this code\)/,
    );
    const m = twin.metrics();
    expect(m.api_downtime_s['identity-api']).toBeGreaterThan(0);
    expect(m.api_downtime_s['identity-api']).toBe(m.api_downtime_s['image-api']);
  });

  it('an upgrade without the new repository fails like the package manager would', async () => {
    const { twin, clock } = newTwin(inv, 'live-compute');
    const records = await runSteps(twin, clock, [at('keystone/ctl1/stop'), at('keystone/ctl1/upgrade')]);
    expect(records[1]?.error).toBe(
      'E: no icehouse packages for keystone: ctl1 still uses the havana repository',
    );
  });
});

describe('capacity', () => {
  it('a drain that finds no room fails with NoValidHost, keeps its instances, and goes on once there is room', async () => {
    const { twin, clock } = newTwin(inv, 'live-compute');
    const at = byId();
    // Three computes disabled: cmp001 holds 10 instances and has room for 20 (2 × the average of 10).
    await runSteps(
      twin,
      clock,
      ['cmp002', 'cmp003', 'cmp004'].map((h) => at(`computes/${h}/disable`)),
    );
    const first = await runSteps(twin, clock, [at('computes/cmp002/drain')]);
    expect(first[0]?.summary).toBe('live-migrated 10 instances (40 GB) to 1 host');
    const r = await runSteps(twin, clock, [at('computes/cmp003/drain')]);
    expect(r[0]?.error).toBe(
      'NoValidHost: No valid host was found for 10 instances of cmp003 (no enabled, up compute of the old deployment has 4096 MB free)',
    );
    expect(twin.state.host('cmp001')?.instances).toBe(20);
    expect(twin.state.host('cmp003')?.instances).toBe(10);
    expect(await twin.probe(at('computes/cmp003/drain'))).toBe('not-done');
    await runSteps(twin, clock, [at('computes/cmp002/enable')]);
    const again = await runSteps(twin, clock, [at('computes/cmp003/drain')], { attempt: 2 });
    expect(again[0]?.summary).toBe('live-migrated 10 instances (40 GB) to 1 host');
    expect(await twin.probe(at('computes/cmp003/drain'))).toBe('done');
    const m = twin.metrics();
    expect(m.live_migrations).toBe(20);
    expect(m.instances_lost).toBe(0);
    expect(m.instances_alive).toBe(40);
  });
});
