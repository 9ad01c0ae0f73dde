import { describe, expect, it } from 'vitest';
import { livePlan, parallelPlan } from '../../../test/support/check-fixtures.js';
import { backupDb } from '../../../test/support/plan-builder.js';
import { check, fired, ofInvariant } from '../../../test/support/violations.js';
import type { Action, ConfigEdit } from '../types.js';
import { underPath } from './backup.js';

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

describe('backup.config-first: the backup covers every edited file', () => {
  const edit = (
    file: string,
    ops: ConfigEdit['ops'] = [{ op: 'set', section: 'DEFAULT', key: 'k', value: { literal: 'v' } }],
  ): Action => ({
    kind: 'edit-config',
    project: 'nova',
    edits: [{ id: 'test', file, format: 'ini', ops }],
  });
  const withEdit = (paths: readonly string[], file = '/etc/nova/nova.conf', ops?: ConfigEdit['ops']) => {
    const { b, ctx } = livePlan();
    b.patch('pre/cmp1/backup-config', { action: { kind: 'backup-config', paths } });
    b.add('pin/cmp1/edit', 'cmp1', edit(file, ops), ['pin/cmp1/pin']);
    b.setAfter('pin/cmp1/restart', ['pin/cmp1/edit']);
    return { b, ctx };
  };

  it('accepts an edit under a backed-up directory', () => {
    const { b, ctx } = withEdit(['/etc/neutron', '/etc/nova/']);
    expect(check(b, ctx).violations).toEqual([]);
  });

  it('reports an edited file no preceding backup copies', () => {
    const { b, ctx } = withEdit(['/etc/neutron']);
    const res = check(b, ctx);
    expect(fired(res)).toEqual(['backup.config-first']);
    const vs = ofInvariant(res, 'backup.config-first');
    expect(vs.map((v) => v.steps)).toEqual([['pin/cmp1/edit', 'pre/cmp1/backup-config']]);
    expect(vs[0]!.message).toContain('/etc/nova/nova.conf');
  });

  it('matches paths at a / boundary only', () => {
    const { b, ctx } = withEdit(['/etc/nov']);
    expect(ofInvariant(check(b, ctx), 'backup.config-first')).toHaveLength(1);
  });

  it('counts only backups that precede the edit', () => {
    const { b, ctx } = withEdit(['/etc/neutron']);
    b.add('late/cmp1/backup-nova', 'cmp1', { kind: 'backup-config', paths: ['/etc/nova'] }, [
      'final/cmp1/restart',
    ]);
    expect(ofInvariant(check(b, ctx), 'backup.config-first').map((v) => v.steps[0])).toEqual([
      'pin/cmp1/edit',
    ]);
  });

  it('checks the file a symlink op creates', () => {
    const { b, ctx } = withEdit(['/etc/nova'], '/etc/neutron/plugin.ini', [
      { op: 'symlink', target: '/etc/neutron/plugins/ml2/ml2_conf.ini' },
    ]);
    expect(ofInvariant(check(b, ctx), 'backup.config-first').map((v) => v.message)).toEqual([
      expect.stringContaining('/etc/neutron/plugin.ini'),
    ]);
  });

  it('exempts spare hosts', () => {
    const { b, ctx } = parallelPlan();
    b.patch('pre/new1/backup-config', { action: { kind: 'backup-config', paths: ['/srv'] } });
    b.add('new/new1/edit', 'new1', edit('/etc/nova/nova.conf'), ['new/new1/upgrade']);
    b.setAfter('new/new1/db-sync', ['new/new1/edit', 'pre/@cloud/backup-db']);
    expect(check(b, ctx).violations).toEqual([]);
  });

  it('decides the / boundary', () => {
    expect(underPath('/etc/nova/nova.conf', '/etc/nova')).toBe(true);
    expect(underPath('/etc/nova/nova.conf', '/etc/nova/')).toBe(true);
    expect(underPath('/etc/nova', '/etc/nova')).toBe(true);
    expect(underPath('/etc/novaX/a', '/etc/nova')).toBe(false);
    expect(underPath('/etc/nova/nova.conf', '/')).toBe(true);
  });
});
