import { describe, expect, it } from 'vitest';
import { ctxOf, host, livePlan, parallelPlan } from '../../../test/support/check-fixtures.js';
import { PlanBuilder, start, stop } from '../../../test/support/plan-builder.js';
import { check, fired, ofInvariant } from '../../../test/support/violations.js';

describe('baseline fixtures', () => {
  it('the live-compute plan satisfies every invariant', () => {
    const { b, ctx } = livePlan();
    expect(check(b, ctx).violations).toEqual([]);
  });

  it('the parallel-compute plan satisfies every invariant', () => {
    const { b, ctx } = parallelPlan();
    expect(check(b, ctx).violations).toEqual([]);
  });
});

describe('dag.valid', () => {
  it('reports duplicate ids, unknown dependencies and cycles, and stops there', () => {
    const { b, ctx } = livePlan();
    b.add('nova/ctl1/stop', 'ctl1', stop('nova-api'));
    b.setAfter('pre/ctl1/backup-config', ['pre/@cloud/min-version', 'nova/ctl1/nope']);
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['dag.valid']);
    expect(ofInvariant(res, 'dag.valid').map((v) => v.steps)).toEqual([
      ['nova/ctl1/stop'],
      ['pre/ctl1/backup-config'],
    ]);
  });

  it('names the steps of a cycle', () => {
    const { b, ctx } = livePlan();
    b.setAfter('nova/ctl1/stop', ['nova/ctl1/start']);
    const [v] = ofInvariant(check(b, ctx), 'dag.valid');
    expect([...v!.steps].sort()).toEqual(
      ['nova/ctl1/db-sync', 'nova/ctl1/pin', 'nova/ctl1/start', 'nova/ctl1/stop', 'nova/ctl1/upgrade'].sort(),
    );
  });

  it('reports unknown hosts, undeclared phases and unknown services', () => {
    const b = new PlanBuilder('all-at-once');
    b.add('a/ghost/stop', 'ghost', stop('keystone'))
      .add('b/ctl1/start', 'ctl1', start('keystone'))
      .add('a/ctl1/start', 'ctl1', start('frobnicator'));
    b.phases = ['a'];
    const res = check(b, ctxOf([host('ctl1', [])]));
    expect(ofInvariant(res, 'dag.valid').map((v) => v.steps)).toEqual([
      ['a/ghost/stop'],
      ['b/ctl1/start'],
      ['a/ctl1/start'],
    ]);
  });
});

describe('dag.service-steps-ordered', () => {
  it('reports two unordered steps acting on one service', () => {
    const { b, ctx } = livePlan();
    b.setAfter('nova/ctl1/pin', ['nova/ctl1/stop']);
    b.setAfter('nova/ctl1/db-sync', ['nova/ctl1/pin', 'nova/ctl1/upgrade']);
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['dag.service-steps-ordered']);
    const vs = ofInvariant(res, 'dag.service-steps-ordered');
    // One per controller service (the edit applies to all of them).
    expect(vs).toHaveLength(3);
    expect([...vs[0]!.steps].sort()).toEqual(['nova/ctl1/pin', 'nova/ctl1/upgrade']);
  });
});
