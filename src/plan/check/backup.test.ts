import { describe, expect, it } from 'vitest';
import { livePlan } from '../../../test/support/check-fixtures.js';
import { backupDb } from '../../../test/support/plan-builder.js';
import { check, ofInvariant } from '../../../test/support/violations.js';
import type { Action } from '../types.js';

describe('backup.database-first', () => {
  it('reports a synced database no backup dumps', () => {
    const { b, ctx } = livePlan();
    b.patch('pre/@cloud/backup-db', { action: backupDb('nova') });
    const vs = ofInvariant(check(b, ctx), 'backup.database-first');
    expect(vs.map((v) => v.steps)).toEqual([['neutron/ctl1/db-sync']]);
  });

  it('reports a sync or pre-sync that may run before the backup', () => {
    const { b, ctx } = livePlan();
    const presync: Action = { kind: 'pre-sync', project: 'neutron', fix: 'utf8-conversion' };
    b.add('neutron/ctl1/utf8', 'ctl1', presync, ['pre/ctl1/backup-config']);
    b.setAfter('neutron/ctl1/db-sync', ['neutron/ctl1/upgrade', 'neutron/ctl1/utf8']);
    const vs = ofInvariant(check(b, ctx), 'backup.database-first');
    expect(vs.map((v) => v.steps)).toEqual([['neutron/ctl1/utf8', 'pre/@cloud/backup-db']]);
  });
});

describe('backup.config-first', () => {
  it('reports a host changed without any config backup', () => {
    const { b, ctx } = livePlan();
    b.remove('pre/cmp2/backup-config');
    const vs = ofInvariant(check(b, ctx), 'backup.config-first');
    expect(vs.map((v) => v.steps)).toEqual([['pin/cmp2/pin']]);
  });

  it('reports a change that may run before the host backup', () => {
    const { b, ctx } = livePlan();
    b.setAfter('pin/cmp1/pin', ['pre/@cloud/min-version']);
    const vs = ofInvariant(check(b, ctx), 'backup.config-first');
    // Later cmp1 changes were ordered after the backup only through the pin.
    expect(vs.map((v) => v.steps[0])).toEqual(['pin/cmp1/pin', 'compute/cmp1/upgrade', 'final/cmp1/unpin']);
    expect(vs[0]!.steps).toEqual(['pin/cmp1/pin', 'pre/cmp1/backup-config']);
  });
});
