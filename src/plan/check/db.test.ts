import { describe, expect, it } from 'vitest';
import { livePlan, parallelPlan } from '../../../test/support/check-fixtures.js';
import { dbSync } from '../../../test/support/plan-builder.js';
import { check, fired, ofInvariant } from '../../../test/support/violations.js';
import type { Action } from '../types.js';

const presync: Action = { kind: 'pre-sync', project: 'neutron', fix: 'utf8-conversion' };

describe('db.stopped-during-sync', () => {
  it('reports a DB-using service left running during the sync', () => {
    const { b, ctx } = livePlan();
    b.patch('nova/ctl1/stop', {
      action: { kind: 'stop-services', services: ['nova-api', 'nova-scheduler'] },
    });
    const vs = ofInvariant(check(b, ctx), 'db.stopped-during-sync');
    expect(vs.map((v) => v.steps)).toEqual([['nova/ctl1/db-sync', 'nova/ctl1/pin']]);
    expect(vs[0]!.message).toContain('nova-conductor on ctl1');
  });

  it('reports a start that may run while the sync runs', () => {
    const { b, ctx } = livePlan();
    b.setAfter('neutron/ctl1/start', ['neutron/ctl1/upgrade']);
    b.setAfter('pin/cmp1/restart', ['pin/cmp1/pin', 'neutron/ctl1/db-sync']);
    const vs = ofInvariant(check(b, ctx), 'db.stopped-during-sync');
    expect(vs.map((v) => v.steps)).toEqual([['neutron/ctl1/db-sync', 'neutron/ctl1/start']]);
  });

  it('does not require services without DB access to stop', () => {
    const { b, ctx } = livePlan();
    // nova-compute keeps running through the nova sync in the live scenario.
    expect(ofInvariant(check(b, ctx), 'db.stopped-during-sync')).toEqual([]);
  });
});

describe('db.sync-before-new-code', () => {
  it('reports a start on the new release that may precede the sync', () => {
    const { b, ctx } = livePlan();
    b.setAfter('neutron/ctl1/start', ['neutron/ctl1/upgrade']);
    b.setAfter('pin/cmp1/restart', ['pin/cmp1/pin', 'neutron/ctl1/db-sync']);
    const vs = ofInvariant(check(b, ctx), 'db.sync-before-new-code');
    expect(vs.map((v) => v.steps)).toEqual([['neutron/ctl1/start', 'neutron/ctl1/db-sync']]);
  });

  it('reports a project started on new code in an environment without its sync', () => {
    const { b, ctx } = parallelPlan();
    b.remove('new/new1/db-sync');
    const vs = ofInvariant(check(b, ctx), 'db.sync-before-new-code');
    expect(vs.map((v) => v.steps[0])).toEqual([
      'move/cmp1/start',
      'move/cmp2/start',
      'new/new1/start-controllers',
      'new/new1/start-controllers',
      'new/new1/start-controllers',
      'new/new1/start-compute',
    ]);
    expect(vs[0]!.message).toContain('no nova db-sync');
  });
});

describe('db.presync-before-sync', () => {
  it('accepts a pre-sync ordered before the sync', () => {
    const { b, ctx } = livePlan();
    b.add('neutron/ctl1/utf8', 'ctl1', presync, ['neutron/ctl1/stop']);
    b.setAfter('neutron/ctl1/db-sync', ['neutron/ctl1/upgrade', 'neutron/ctl1/utf8']);
    expect(check(b, ctx).violations).toEqual([]);
  });

  it('reports a pre-sync not ordered before the sync', () => {
    const { b, ctx } = livePlan();
    b.add('neutron/ctl1/utf8', 'ctl1', presync, ['neutron/ctl1/stop']);
    const vs = ofInvariant(check(b, ctx), 'db.presync-before-sync');
    expect(vs.map((v) => v.steps)).toEqual([['neutron/ctl1/utf8', 'neutron/ctl1/db-sync']]);
  });
});

describe('db.stopped-during-sync on offline pre-syncs', () => {
  // The UTF-8 conversion placed before neutron-server stops, yet before the sync.
  const early = () => {
    const { b, ctx } = livePlan();
    b.add('neutron/ctl1/utf8', 'ctl1', presync, ['nova/ctl1/start']);
    b.setAfter('neutron/ctl1/stop', ['nova/ctl1/start']);
    b.setAfter('neutron/ctl1/db-sync', ['neutron/ctl1/upgrade', 'neutron/ctl1/utf8']);
    return { b, ctx };
  };

  it('reports an offline pre-sync that may run while a DB-using service runs', () => {
    const { b, ctx } = early();
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['db.stopped-during-sync']);
    const vs = ofInvariant(res, 'db.stopped-during-sync');
    expect(vs.map((v) => v.steps)).toEqual([['neutron/ctl1/utf8']]);
    expect(vs[0]!.message).toContain('neutron-server on ctl1');
  });

  it('reports a start that may run while an offline pre-sync runs', () => {
    const { b, ctx } = livePlan();
    b.add('neutron/ctl1/utf8', 'ctl1', presync, ['neutron/ctl1/stop']);
    b.setAfter('neutron/ctl1/db-sync', ['neutron/ctl1/upgrade', 'neutron/ctl1/utf8']);
    b.setAfter('neutron/ctl1/start', ['neutron/ctl1/upgrade']);
    const vs = ofInvariant(check(b, ctx), 'db.stopped-during-sync');
    expect(vs.map((v) => v.steps)).toEqual([
      ['neutron/ctl1/db-sync', 'neutron/ctl1/start'],
      ['neutron/ctl1/utf8', 'neutron/ctl1/start'],
    ]);
  });

  it('accepts the same placement for a fix the catalog marks online', () => {
    const { b, ctx } = early();
    const online = {
      ...ctx,
      pack: { ...ctx.pack, preSync: ctx.pack.preSync.map((d) => ({ ...d, online: true })) },
    };
    expect(check(b, online).violations).toEqual([]);
  });

  it('treats a fix the pack does not list as offline', () => {
    const { b, ctx } = early();
    const unknown = { ...ctx, pack: { ...ctx.pack, preSync: [] } };
    expect(fired(check(b, unknown))).toEqual(['db.stopped-during-sync']);
  });
});

describe('db.single-sync', () => {
  const twice = () => {
    const { b, ctx } = livePlan();
    b.add('nova/ctl1/db-sync-again', 'ctl1', dbSync('nova'), ['nova/ctl1/pin']);
    b.setAfter('nova/ctl1/start', ['nova/ctl1/db-sync', 'nova/ctl1/db-sync-again']);
    return { b, ctx };
  };

  it('accepts two syncs of one project that are ordered', () => {
    const { b, ctx } = twice();
    b.setAfter('nova/ctl1/db-sync-again', ['nova/ctl1/db-sync']);
    expect(check(b, ctx).violations).toEqual([]);
  });

  it('reports two syncs of one project and environment that may run at once', () => {
    const { b, ctx } = twice();
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['db.single-sync']);
    expect(ofInvariant(res, 'db.single-sync').map((v) => v.steps)).toEqual([
      ['nova/ctl1/db-sync', 'nova/ctl1/db-sync-again'],
    ]);
  });

  it('allows concurrent syncs of different projects', () => {
    const { b, ctx } = livePlan();
    b.setAfter('neutron/ctl1/stop', ['nova/ctl1/stop']);
    b.setAfter('neutron/ctl1/start', ['neutron/ctl1/db-sync', 'nova/ctl1/start']);
    expect(ofInvariant(check(b, ctx), 'db.single-sync')).toEqual([]);
  });
});
