import { describe, expect, it } from 'vitest';
import { livePlan } from '../../../test/support/check-fixtures.js';
import { drain, verify } from '../../../test/support/plan-builder.js';
import { check, fired, ofInvariant } from '../../../test/support/violations.js';
import { compareVersions } from '../../catalog/versions.js';

describe('live.min-version-preflight', () => {
  it('reports a missing pre-flight', () => {
    const { b, ctx } = livePlan();
    b.remove('pre/@cloud/min-version');
    const vs = ofInvariant(check(b, ctx), 'live.min-version-preflight');
    expect(vs.map((v) => v.steps)).toEqual([[]]);
    expect(vs[0]!.message).toContain('nova-compute is at least 2013.2.2');
  });

  it('reports a pre-flight that checks a too low version', () => {
    const { b, ctx } = livePlan();
    b.patch('pre/@cloud/min-version', {
      action: verify({ check: 'min-version', service: 'nova-compute', version: '2013.2.1' }),
    });
    expect(ofInvariant(check(b, ctx), 'live.min-version-preflight')).toHaveLength(1);
  });

  it('reports a change that may run before the pre-flight', () => {
    const { b, ctx } = livePlan();
    b.setAfter('pre/ctl1/backup-config', []);
    b.setAfter('pre/@cloud/backup-db', []);
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['live.min-version-preflight']);
    expect(ofInvariant(res, 'live.min-version-preflight').map((v) => v.steps)).toEqual([
      ['pre/@cloud/min-version', 'nova/ctl1/stop'],
    ]);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('2013.2.10', '2013.2.2')).toBeGreaterThan(0);
    expect(compareVersions('2013.2', '2013.2.0')).toBe(0);
  });
});

describe('live.controllers-before-computes', () => {
  it('reports a compute that may start on new code before a controller does', () => {
    const { b, ctx } = livePlan();
    b.setAfter('compute/cmp1/disable', ['pin/cmp1/restart', 'pin/cmp2/restart']);
    b.setAfter('final/ctl1/unpin', ['compute/cmp1/enable', 'compute/cmp2/enable', 'nova/ctl1/start']);
    const vs = ofInvariant(check(b, ctx), 'live.controllers-before-computes');
    expect(vs.map((v) => v.steps)).toEqual([['nova/ctl1/start', 'compute/cmp1/start']]);
  });
});

describe('live.pin-before-controller-start', () => {
  it('reports controllers started on new code before the pin', () => {
    const { b, ctx } = livePlan();
    b.setAfter('nova/ctl1/db-sync', ['nova/ctl1/upgrade']);
    b.setAfter('nova/ctl1/pin', ['nova/ctl1/start']);
    b.setAfter('neutron/ctl1/stop', ['nova/ctl1/pin']);
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['live.pin-before-controller-start']);
    expect(ofInvariant(res, 'live.pin-before-controller-start').map((v) => v.steps)).toEqual([
      ['nova/ctl1/start', 'nova/ctl1/pin'],
      ['nova/ctl1/start', 'nova/ctl1/pin'],
      ['nova/ctl1/start', 'nova/ctl1/pin'],
    ]);
  });
});

describe('live.pin-on-migrating-computes', () => {
  it('reports a compute that never gets the pin', () => {
    const { b, ctx } = livePlan();
    b.remove('pin/cmp2/pin');
    const vs = ofInvariant(check(b, ctx), 'live.pin-on-migrating-computes');
    expect(vs).toHaveLength(1);
    expect(vs[0]!.message).toContain('cmp2');
  });

  it('reports a pinned compute restart that may come after a migration', () => {
    const { b, ctx } = livePlan();
    b.setAfter('compute/cmp1/disable', ['neutron/ctl1/start', 'pin/cmp1/restart']);
    b.setAfter('compute/cmp2/disable', ['compute/cmp1/enable', 'pin/cmp2/restart']);
    const vs = ofInvariant(check(b, ctx), 'live.pin-on-migrating-computes');
    expect(vs.map((v) => v.steps)).toEqual([['pin/cmp2/restart', 'compute/cmp1/drain']]);
  });

  const coldPlan = () => {
    const { b, ctx } = livePlan();
    b.policy = { ...b.policy, drain: 'cold-migrate' };
    for (const h of ['cmp1', 'cmp2']) b.patch(`compute/${h}/drain`, { action: drain('cold-migrate') });
    return { b, ctx };
  };

  it('accepts cold migrations between pinned computes', () => {
    const { b, ctx } = coldPlan();
    expect(check(b, ctx).violations).toEqual([]);
  });

  it('requires the pin for cold migrations too (facts §0.2, §3.4 step 7)', () => {
    const { b, ctx } = coldPlan();
    b.remove('pin/cmp2/pin');
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['live.pin-on-migrating-computes']);
    const vs = ofInvariant(res, 'live.pin-on-migrating-computes');
    expect(vs).toHaveLength(1);
    expect(vs[0]!.message).toContain('compute cmp2 takes part in migrations');
  });

  it('reports a pinned compute restart that may come after a cold migration', () => {
    const { b, ctx } = coldPlan();
    b.setAfter('compute/cmp1/disable', ['neutron/ctl1/start', 'pin/cmp1/restart']);
    b.setAfter('compute/cmp2/disable', ['compute/cmp1/enable', 'pin/cmp2/restart']);
    const vs = ofInvariant(check(b, ctx), 'live.pin-on-migrating-computes');
    expect(vs.map((v) => v.steps)).toEqual([['pin/cmp2/restart', 'compute/cmp1/drain']]);
  });

  it('does not apply without migration', () => {
    const { b, ctx } = livePlan();
    b.remove('pin/cmp2/pin');
    for (const h of ['cmp1', 'cmp2'])
      b.patch(`compute/${h}/drain`, { action: { kind: 'drain-compute', mode: 'wait', instances: 1 } });
    expect(ofInvariant(check(b, ctx), 'live.pin-on-migrating-computes')).toEqual([]);
  });
});

describe('live.neutron-between', () => {
  it('reports neutron-server started before the Nova controllers', () => {
    const { b, ctx } = livePlan();
    b.setAfter('neutron/ctl1/stop', ['pre/ctl1/backup-config', 'pre/@cloud/backup-db']);
    b.setAfter('compute/cmp1/disable', [
      'neutron/ctl1/start',
      'nova/ctl1/start',
      'pin/cmp1/restart',
      'pin/cmp2/restart',
    ]);
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['live.neutron-between']);
    expect(ofInvariant(res, 'live.neutron-between').map((v) => v.steps)).toEqual([
      ['nova/ctl1/start', 'neutron/ctl1/start'],
    ]);
  });

  it('reports a compute that may start on new code before neutron-server', () => {
    const { b, ctx } = livePlan();
    b.setAfter('compute/cmp1/disable', ['nova/ctl1/start', 'pin/cmp1/restart', 'pin/cmp2/restart']);
    b.setAfter('final/ctl1/unpin', ['compute/cmp1/enable', 'compute/cmp2/enable', 'neutron/ctl1/start']);
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['live.neutron-between']);
    expect(ofInvariant(res, 'live.neutron-between').map((v) => v.steps)).toEqual([
      ['neutron/ctl1/start', 'compute/cmp1/start'],
    ]);
  });

  it('does not apply with nova-network', () => {
    const { b, ctx } = livePlan();
    b.networking = 'nova-network';
    b.setAfter('neutron/ctl1/stop', ['pre/ctl1/backup-config', 'pre/@cloud/backup-db']);
    b.setAfter('compute/cmp1/disable', [
      'neutron/ctl1/start',
      'nova/ctl1/start',
      'pin/cmp1/restart',
      'pin/cmp2/restart',
    ]);
    expect(check(b, ctx).violations).toEqual([]);
  });
});

describe('live.unpin-after-computes', () => {
  it('reports a pin never cleared on a host', () => {
    const { b, ctx } = livePlan();
    b.remove('final/cmp1/unpin');
    const vs = ofInvariant(check(b, ctx), 'live.unpin-after-computes');
    expect(vs.map((v) => v.steps)).toEqual([['pin/cmp1/pin']]);
  });

  it('reports an unpin that may run before a compute starts on new code', () => {
    const { b, ctx } = livePlan();
    b.setAfter('final/ctl1/unpin', ['compute/cmp1/enable']);
    const vs = ofInvariant(check(b, ctx), 'live.unpin-after-computes');
    expect(vs.map((v) => v.steps)).toEqual([['compute/cmp2/start', 'final/ctl1/unpin']]);
  });

  it('reports Nova services not restarted after the unpin', () => {
    const { b, ctx } = livePlan();
    b.remove('final/ctl1/restart');
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['live.unpin-after-computes']);
    expect(ofInvariant(res, 'live.unpin-after-computes').map((v) => v.steps)).toEqual([
      ['final/ctl1/unpin'],
      ['final/ctl1/unpin'],
      ['final/ctl1/unpin'],
    ]);
  });
});
