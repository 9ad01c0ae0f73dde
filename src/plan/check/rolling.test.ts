import { describe, expect, it } from 'vitest';
import { livePlan, parallelPlan } from '../../../test/support/check-fixtures.js';
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
