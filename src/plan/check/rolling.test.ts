import { describe, expect, it } from 'vitest';
import { livePlan, parallelPlan } from '../../../test/support/check-fixtures.js';
import { disable, enable, start, stop } from '../../../test/support/plan-builder.js';
import { check, fired, ofInvariant } from '../../../test/support/violations.js';

describe('rolling.max-parallel', () => {
  it('reports computes that may be out together beyond the limit', () => {
    const { b, ctx } = livePlan();
    b.setAfter('compute/cmp2/disable', ['neutron/ctl1/start', 'pin/cmp1/restart', 'pin/cmp2/restart']);
    b.setAfter('final/ctl1/unpin', ['compute/cmp1/enable', 'compute/cmp2/enable']);
    b.setAfter('final/cmp1/unpin', ['compute/cmp1/enable', 'compute/cmp2/enable']);
    b.setAfter('final/cmp2/unpin', ['compute/cmp1/enable', 'compute/cmp2/enable']);
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['rolling.max-parallel']);
    const [v] = ofInvariant(res, 'rolling.max-parallel');
    expect(v!.steps).toEqual(['compute/cmp1/disable', 'compute/cmp2/disable']);
    expect(v!.message).toContain('may be out of service at the same time');
  });

  it('accepts the same plan when the policy allows two computes', () => {
    const { b, ctx } = livePlan();
    b.setAfter('compute/cmp2/disable', ['neutron/ctl1/start', 'pin/cmp1/restart', 'pin/cmp2/restart']);
    for (const s of ['final/ctl1/unpin', 'final/cmp1/unpin', 'final/cmp2/unpin']) {
      b.setAfter(s, ['compute/cmp1/enable', 'compute/cmp2/enable']);
    }
    b.policy = { ...b.policy, max_parallel_computes: 2 };
    expect(check(b, ctx).violations).toEqual([]);
  });

  it('counts a compute never re-enabled as out for good', () => {
    const { b, ctx } = parallelPlan();
    b.remove('move/cmp1/enable');
    expect(ofInvariant(check(b, ctx), 'rolling.max-parallel')).toHaveLength(1);
  });
});

describe('rolling.disable-before-stop', () => {
  it('reports a stop that may precede the drain', () => {
    const { b, ctx } = livePlan();
    b.setAfter('compute/cmp1/stop', ['compute/cmp1/disable']);
    const vs = ofInvariant(check(b, ctx), 'rolling.disable-before-stop');
    expect(vs.map((v) => v.steps)).toEqual([['compute/cmp1/stop']]);
    expect(vs[0]!.message).toContain('drained');
  });

  it('does not require a drain when the policy drains nothing', () => {
    const { b, ctx } = livePlan();
    b.policy = { ...b.policy, drain: 'none' };
    b.remove('compute/cmp1/drain');
    expect(ofInvariant(check(b, ctx), 'rolling.disable-before-stop')).toEqual([]);
  });

  it('reports a stop and a drain with no disable before them', () => {
    const { b, ctx } = parallelPlan();
    b.remove('move/cmp2/disable');
    const vs = ofInvariant(check(b, ctx), 'rolling.disable-before-stop');
    expect(vs.map((v) => v.steps)).toEqual([['move/cmp2/stop'], ['move/cmp2/drain']]);
  });
});

describe('rolling.disable-before-stop: still disabled and drained when it stops', () => {
  it('accepts a stop after a second disable and a drain that follows it', () => {
    const { b, ctx } = livePlan();
    b.add('compute/cmp1/enable-early', 'cmp1', enable(), ['compute/cmp1/disable'])
      .add('compute/cmp1/disable-again', 'cmp1', disable(), ['compute/cmp1/enable-early'])
      .setAfter('compute/cmp1/drain', ['compute/cmp1/disable-again']);
    expect(check(b, ctx).violations).toEqual([]);
  });

  it('reports a stop after an enable that follows the disable', () => {
    const { b, ctx } = livePlan();
    b.add('compute/cmp1/enable-early', 'cmp1', enable(), ['compute/cmp1/drain']);
    b.setAfter('compute/cmp1/stop', ['compute/cmp1/enable-early']);
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['rolling.disable-before-stop']);
    const vs = ofInvariant(res, 'rolling.disable-before-stop');
    expect(vs.map((v) => v.steps)).toEqual([
      ['compute/cmp1/stop', 'compute/cmp1/enable-early', 'compute/cmp1/disable'],
    ]);
    expect(vs[0]!.message).toContain('enables it again');
  });

  it('reports a stop an enable may precede (concurrent, not ordered after the stop)', () => {
    const { b, ctx } = livePlan();
    b.add('compute/cmp1/enable-early', 'cmp1', enable(), ['compute/cmp1/drain']);
    b.setAfter('compute/cmp1/enable', ['compute/cmp1/start', 'compute/cmp1/enable-early']);
    expect(ofInvariant(check(b, ctx), 'rolling.disable-before-stop').map((v) => v.steps[1])).toEqual([
      'compute/cmp1/enable-early',
    ]);
  });

  it('reports a drain from an earlier disable window, not the one the stop is in', () => {
    const { b, ctx } = livePlan();
    b.add('compute/cmp1/enable-early', 'cmp1', enable(), ['compute/cmp1/drain'])
      .add('compute/cmp1/disable-again', 'cmp1', disable(), ['compute/cmp1/enable-early'])
      .setAfter('compute/cmp1/stop', ['compute/cmp1/disable-again']);
    const vs = ofInvariant(check(b, ctx), 'rolling.disable-before-stop');
    expect(vs.map((v) => v.steps)).toEqual([['compute/cmp1/stop']]);
    expect(vs[0]!.message).toContain('drained');
  });
});

describe('rolling.max-parallel: stops outside a disable window count', () => {
  // new1's nova-compute (new environment, so no disable is required) is stopped and started again.
  const bounce = (after: string) => {
    const { b, ctx } = parallelPlan();
    b.add('final/new1/stop', 'new1', stop('nova-compute'), [after]).add(
      'final/new1/start',
      'new1',
      start('nova-compute'),
      ['final/new1/stop'],
    );
    return { b, ctx };
  };

  it('accepts a stop window ordered after every other compute is back', () => {
    const { b, ctx } = bounce('move/cmp2/enable');
    expect(check(b, ctx).violations).toEqual([]);
  });

  it('reports a stop window that may overlap another compute being out', () => {
    const { b, ctx } = bounce('new/@cloud/verify');
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['rolling.max-parallel']);
    // The cover's chains at the moment it overflows: cmp1's window was followed by cmp2's.
    expect(ofInvariant(res, 'rolling.max-parallel')[0]!.steps).toEqual([
      'move/cmp2/disable',
      'final/new1/stop',
    ]);
  });

  it('reports every compute stopped at once outside its disable window', () => {
    const { b, ctx } = livePlan();
    b.policy = { ...b.policy, drain: 'none' };
    for (const h of ['cmp1', 'cmp2']) {
      b.add(`final/${h}/stop`, h, stop('nova-compute'), [`final/${h}/unpin`]);
      b.patch(`final/${h}/restart`, { action: start('nova-compute') });
      b.setAfter(`final/${h}/restart`, [`final/${h}/stop`]);
    }
    // The stops also break disable-before-stop; max-parallel must see them on its own.
    expect(ofInvariant(check(b, ctx), 'rolling.max-parallel')).toHaveLength(1);
  });

  it('does not count restarts: the fixture restarts both computes at once in its final phase', () => {
    const { b, ctx } = livePlan();
    expect(b.get('final/cmp1/restart').after).toEqual(['final/cmp1/unpin']);
    expect(check(b, ctx).violations).toEqual([]);
  });
});
