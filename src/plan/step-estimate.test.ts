import { describe, expect, it } from 'vitest';
import { CATALOG, findPack } from '../catalog/index.js';
import { estimateAction, resolveFacts, secondsPerLiveMigration } from './step-estimate.js';

const pack = findPack(CATALOG, 'havana', 'icehouse')!;

function env(
  rows: Record<string, number>,
  facts: Parameters<typeof resolveFacts>[0] = { db_rows: rows, versions: {} },
) {
  return { catalog: CATALOG, pack, facts: resolveFacts(facts, 10), knownRows: rows };
}

describe('estimateAction', () => {
  it('grows the nova sync with the instances table (migration 231 rewrites every row)', () => {
    const sync = {
      kind: 'db-sync',
      project: 'nova',
      database: 'nova',
      from_head: '216',
      to_head: '233',
    } as const;
    const small = estimateAction(sync, env({ 'nova.instances': 1_000 }));
    const large = estimateAction(sync, env({ 'nova.instances': 1_000_000 }));
    expect(large).toBeGreaterThan(small);
  });

  it('does not count the keystone tokens that token_flush removes before the sync', () => {
    const sync = {
      kind: 'db-sync',
      project: 'keystone',
      database: 'keystone',
      from_head: '034',
      to_head: '044',
    } as const;
    expect(estimateAction(sync, env({ 'keystone.token': 5_000_000 }))).toBe(
      estimateAction(sync, env({ 'keystone.token': 10 })),
    );
    const flush = { kind: 'pre-sync', project: 'keystone', fix: 'token-flush' } as const;
    expect(estimateAction(flush, env({ 'keystone.token': 5_000_000 }))).toBeGreaterThan(
      estimateAction(flush, env({ 'keystone.token': 10 })),
    );
  });

  it('costs a fresh schema its fixed part only', () => {
    const fresh = {
      kind: 'db-sync',
      project: 'nova',
      database: 'nova_icehouse',
      from_head: 'empty',
      to_head: '233',
    } as const;
    expect(estimateAction(fresh, env({ 'nova.instances': 1_000_000 }))).toBe(
      pack.dbSync.find((d) => d.project === 'nova')!.fixed_s,
    );
  });

  it('drains by live migration at instances × (overhead + RAM / bandwidth)', () => {
    const facts = { instance_ram_mb: 8192, migration_bandwidth_mbps: 1000, db_rows: {}, versions: {} };
    const e = env({}, facts);
    const per = secondsPerLiveMigration(CATALOG, e.facts);
    expect(per).toBeCloseTo(CATALOG.durations.migration_overhead_s + (8192 * 8) / 1000);
    expect(estimateAction({ kind: 'drain-compute', mode: 'live-migrate', instances: 10 }, e)).toBe(
      Math.round(10 * per),
    );
    expect(
      estimateAction(
        { kind: 'drain-compute', mode: 'wait', instances: 10 },
        env({}, { ...facts, drain_wait_s: 600 }),
      ),
    ).toBe(600);
  });
});
