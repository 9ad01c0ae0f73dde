import { describe, expect, it } from 'vitest';
import { parallelPlan } from '../../../test/support/check-fixtures.js';
import { drain, verify } from '../../../test/support/plan-builder.js';
import { check, fired, ofInvariant } from '../../../test/support/violations.js';

describe('parallel.new-env-first', () => {
  it('reports a missing endpoint registration', () => {
    const { b, ctx } = parallelPlan();
    b.remove('new/@cloud/register');
    const vs = ofInvariant(check(b, ctx), 'parallel.new-env-first');
    expect(vs.map((v) => v.steps)).toEqual([['move/cmp1/drain']]);
    expect(vs[0]!.message).toContain('register-endpoint');
  });

  it('reports a drain that may run before the new environment is verified', () => {
    const { b, ctx } = parallelPlan();
    b.add('new/@cloud/smoke', '@cloud', verify({ check: 'smoke-boot', env: 'new' }), ['new/@cloud/register']);
    b.patch('new/@cloud/verify', {
      action: verify({ check: 'capacity', env: 'new', instances: 1, ram_mb: 1 }),
    });
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['parallel.new-env-first']);
    expect(ofInvariant(res, 'parallel.new-env-first').map((v) => v.steps)).toEqual([
      ['new/@cloud/smoke', 'move/cmp1/drain'],
    ]);
  });
});

describe('parallel.capacity-checked', () => {
  it('reports drains that move workloads with no capacity check before them', () => {
    const { b, ctx } = parallelPlan();
    b.patch('new/@cloud/verify', { action: verify({ check: 'services-up', env: 'new' }) });
    for (const h of ['cmp1', 'cmp2']) b.patch(`move/${h}/drain`, { action: drain('cold-migrate') });
    const vs = ofInvariant(check(b, ctx), 'parallel.capacity-checked');
    expect(vs.map((v) => v.steps)).toEqual([['move/cmp1/drain'], ['move/cmp2/drain']]);
  });

  it('needs no capacity check before drains that wait for workloads to end', () => {
    const { b, ctx } = parallelPlan();
    b.patch('new/@cloud/verify', { action: verify({ check: 'services-up', env: 'new' }) });
    for (const h of ['cmp1', 'cmp2']) b.patch(`move/${h}/drain`, { action: drain('wait') });
    expect(ofInvariant(check(b, ctx), 'parallel.capacity-checked')).toEqual([]);
  });
});

describe('parallel.keep-one-enabled', () => {
  it('reports draining the last enabled old compute while the old scheduler still runs', () => {
    const { b, ctx } = parallelPlan();
    b.setAfter('move/cmp2/disable', ['move/cmp1/enable', 'pre/cmp2/backup-config']);
    b.setAfter('old/ctl1/decommission', ['move/cmp2/enable']);
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['parallel.keep-one-enabled']);
    expect(ofInvariant(res, 'parallel.keep-one-enabled').map((v) => v.steps)).toEqual([['move/cmp2/drain']]);
  });
});

describe('parallel.retarget-when-empty', () => {
  it('reports a compute emptied by live migration', () => {
    const { b, ctx } = parallelPlan();
    b.patch('move/cmp1/drain', { action: drain('live-migrate') });
    const vs = ofInvariant(check(b, ctx), 'parallel.retarget-when-empty');
    expect(vs.map((v) => v.steps)).toEqual([['move/cmp1/retarget', 'move/cmp1/drain']]);
  });

  it('reports a retarget that may precede the drain', () => {
    const { b, ctx } = parallelPlan();
    b.setAfter('move/cmp1/stop', ['move/cmp1/disable']);
    b.setAfter('move/cmp1/enable', ['move/cmp1/start', 'move/cmp1/drain']);
    const vs = ofInvariant(check(b, ctx), 'parallel.retarget-when-empty');
    expect(vs.map((v) => v.steps)).toEqual([['move/cmp1/retarget']]);
  });
});
