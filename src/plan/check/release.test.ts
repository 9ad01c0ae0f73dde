import { describe, expect, it } from 'vitest';
import { livePlan, parallelPlan } from '../../../test/support/check-fixtures.js';
import { check, ofInvariant } from '../../../test/support/violations.js';

describe('release.all-on-target', () => {
  it('reports a service left on the old release', () => {
    const { b, ctx } = livePlan();
    b.remove('compute/cmp2/upgrade');
    const vs = ofInvariant(check(b, ctx), 'release.all-on-target');
    expect(vs.map((v) => v.steps)).toEqual([['final/cmp2/restart']]);
    expect(vs[0]!.message).toContain('nova-compute on cmp2 ends on havana');
  });

  it('reports a configuration change never picked up by a restart', () => {
    const { b, ctx } = livePlan();
    b.add('final/cmp1/edit', 'cmp1', { kind: 'edit-config', project: 'nova', edits: [] }, [
      'final/cmp1/restart',
    ]);
    b.add('final/cmp1/backup', 'cmp1', { kind: 'backup-config', paths: [] });
    const vs = ofInvariant(check(b, ctx), 'release.all-on-target');
    expect(vs.map((v) => v.steps)).toEqual([['final/cmp1/edit']]);
  });

  it('reports a service left stopped', () => {
    const { b, ctx } = livePlan();
    b.add('final/ctl1/stop', 'ctl1', { kind: 'stop-services', services: ['neutron-server'] }, [
      'final/ctl1/restart',
    ]);
    const vs = ofInvariant(check(b, ctx), 'release.all-on-target');
    expect(vs.map((v) => v.steps)).toEqual([['final/ctl1/stop']]);
  });

  it('accepts decommissioned services and untouched spare services', () => {
    const { b, ctx } = parallelPlan();
    expect(ofInvariant(check(b, ctx), 'release.all-on-target')).toEqual([]);
  });
});

describe('release.upgrade-while-stopped', () => {
  it('reports an upgrade to a new release of a running service', () => {
    const { b, ctx } = livePlan();
    b.remove('compute/cmp1/stop');
    const vs = ofInvariant(check(b, ctx), 'release.upgrade-while-stopped');
    expect(vs.map((v) => v.steps)).toEqual([['compute/cmp1/upgrade']]);
  });
});
