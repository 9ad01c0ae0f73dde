import { describe, expect, it } from 'vitest';
import { CONTROLLER, livePlan, parallelPlan } from '../../../test/support/check-fixtures.js';
import { start } from '../../../test/support/plan-builder.js';
import { check, ofInvariant } from '../../../test/support/violations.js';

describe('compute.reenabled', () => {
  it('reports a disabled compute never re-enabled', () => {
    const { b, ctx } = livePlan();
    b.remove('compute/cmp2/enable');
    const vs = ofInvariant(check(b, ctx), 'compute.reenabled');
    expect(vs.map((v) => v.steps)).toEqual([['compute/cmp2/disable']]);
  });
});

describe('nova.conductor-before-computes', () => {
  it('reports a compute that may start on new code before the conductor', () => {
    const { b, ctx } = livePlan();
    b.setAfter('compute/cmp1/disable', ['pin/cmp1/restart', 'pin/cmp2/restart']);
    b.setAfter('final/ctl1/unpin', ['compute/cmp1/enable', 'compute/cmp2/enable', 'nova/ctl1/start']);
    const vs = ofInvariant(check(b, ctx), 'nova.conductor-before-computes');
    expect(vs.map((v) => v.steps)).toEqual([['nova/ctl1/start', 'compute/cmp1/start']]);
  });

  it('reports conductor and compute started by the same step', () => {
    const { b, ctx } = parallelPlan();
    b.remove('new/new1/start-compute');
    b.patch('new/new1/start-controllers', { action: start(...CONTROLLER, 'nova-compute') });
    const vs = ofInvariant(check(b, ctx), 'nova.conductor-before-computes');
    expect(vs.map((v) => v.steps)).toEqual([['new/new1/start-controllers', 'new/new1/start-controllers']]);
  });

  it('reports computes on new code in an environment with no upgraded conductor', () => {
    const { b, ctx } = parallelPlan();
    b.patch('new/new1/start-controllers', { action: start('nova-api', 'nova-scheduler') });
    const vs = ofInvariant(check(b, ctx), 'nova.conductor-before-computes');
    expect(vs.map((v) => v.steps)).toEqual([['move/cmp1/start']]);
  });
});
