// Per-step duration estimates from the inventory's facts and the catalog's defaults.
// No source gives Havana→Icehouse timings (facts §9), so every number here is an assumption that a
// rehearsal or a measured run should replace; the defaults are documented in docs/estimates.md.

import type { Catalog, UpgradePack } from '../catalog/types.js';
import type { Facts } from '../inventory/types.js';
import type { Action } from './types.js';

/** Facts with every default applied: what estimates and the twin read. */
export interface ResolvedFacts {
  instances: number;
  instance_ram_mb: number;
  migration_bandwidth_mbps: number;
  drain_wait_s: number;
  rows: (table: string) => number;
}

/** Documented defaults for facts the inventory does not give. */
export const FACT_DEFAULTS = {
  /** A mid-size compute runs about 20 instances. */
  instances_per_compute: 20,
  instance_ram_mb: 4096,
  /** 10 GbE shared with tenant traffic: assume 1 Gbit/s available to one migration. */
  migration_bandwidth_mbps: 1000,
  /** Waiting for workloads to end by themselves: half a working day per compute. */
  drain_wait_s: 4 * 3600,
  /** Soft-deleted rows pile up: nova.instances holds about twice the live instances. */
  nova_instance_rows_per_instance: 2,
  /** Keystone before Havana never purged expired tokens; a modest cloud holds ~100k. */
  keystone_token_rows: 100_000,
  heat_event_rows: 10_000,
  /** Rows in a database the facts say nothing about (for dump size). */
  rows_per_database: 50_000,
} as const;

export function resolveFacts(facts: Facts, computes: number): ResolvedFacts {
  const instances = facts.instances ?? FACT_DEFAULTS.instances_per_compute * Math.max(computes, 1);
  const defaults: Record<string, number> = {
    'nova.instances': instances * FACT_DEFAULTS.nova_instance_rows_per_instance,
    'keystone.token': FACT_DEFAULTS.keystone_token_rows,
    'heat.event': FACT_DEFAULTS.heat_event_rows,
  };
  return {
    instances,
    instance_ram_mb: facts.instance_ram_mb ?? FACT_DEFAULTS.instance_ram_mb,
    migration_bandwidth_mbps: facts.migration_bandwidth_mbps ?? FACT_DEFAULTS.migration_bandwidth_mbps,
    drain_wait_s: facts.drain_wait_s ?? FACT_DEFAULTS.drain_wait_s,
    rows: (table) => facts.db_rows[table] ?? defaults[table] ?? 0,
  };
}

/** Rows of one database: the facts' tables of it, or a default when none is given. */
function databaseRows(facts: ResolvedFacts, known: Readonly<Record<string, number>>, db: string): number {
  const tables = Object.keys(known).filter((t) => t.startsWith(`${db}.`));
  if (tables.length === 0) return FACT_DEFAULTS.rows_per_database + facts.rows(`${db}.instances`);
  return tables.reduce((sum, t) => sum + (known[t] ?? 0), 0);
}

export function secondsPerLiveMigration(catalog: Catalog, facts: ResolvedFacts): number {
  const transfer = (facts.instance_ram_mb * 8) / facts.migration_bandwidth_mbps;
  return catalog.durations.migration_overhead_s + transfer;
}

export function estimateAction(
  action: Action,
  env: {
    catalog: Catalog;
    pack: UpgradePack;
    facts: ResolvedFacts;
    knownRows: Readonly<Record<string, number>>;
  },
): number {
  const d = env.catalog.durations;
  switch (action.kind) {
    case 'backup-database': {
      const rows = action.databases.reduce((sum, db) => sum + databaseRows(env.facts, env.knownRows, db), 0);
      return Math.round(d.dump_fixed_s + (rows * d.dump_bytes_per_row) / d.dump_bytes_per_s);
    }
    case 'db-sync': {
      const def = env.pack.dbSync.find((s) => s.project === action.project);
      if (def === undefined) return 60;
      // A fresh schema (parallel-compute's new database) has no rows to migrate.
      if (action.from_head === 'empty') return def.fixed_s;
      // A table a pre-sync fix empties first (keystone's expired tokens) has few rows left to migrate.
      const emptied = new Set(
        env.pack.preSync.filter((p) => p.project === action.project).map((p) => p.empties),
      );
      const heavy = def.heavy.reduce(
        (sum, h) => sum + (emptied.has(h.table) ? 0 : env.facts.rows(h.table) * h.s_per_row),
        0,
      );
      return Math.round(def.fixed_s + heavy);
    }
    case 'pre-sync': {
      const def = env.pack.preSync.find((p) => p.project === action.project && p.fix === action.fix);
      if (def === undefined) return 30;
      const table = def.cost.table;
      const perRow = table === undefined ? 0 : env.facts.rows(table) * (def.cost.s_per_row ?? 0);
      return Math.round(def.cost.fixed_s + perRow);
    }
    case 'drain-compute':
      if (action.mode === 'wait') return env.facts.drain_wait_s;
      if (action.mode === 'cold-migrate') return Math.round(action.instances * d.redeploy_per_instance_s);
      return Math.round(action.instances * secondsPerLiveMigration(env.catalog, env.facts));
    case 'upgrade-packages':
      return action.full === true ? d['upgrade-packages-full'] : d['upgrade-packages'];
    // Rollback: a restore reads the dump back about as fast as it was written; a downgrade is an install.
    case 'restore-database':
      return d.dump_fixed_s * Math.max(1, action.databases.length);
    case 'downgrade-packages':
      return d['upgrade-packages-full'];
    case 'restore-config':
      return d['backup-config'];
    case 'backup-config':
    case 'switch-repository':
    case 'stop-services':
    case 'start-services':
    case 'restart-services':
    case 'edit-config':
    case 'set-rpc-pin':
    case 'clear-rpc-pin':
    case 'disable-compute':
    case 'enable-compute':
    case 'wait-services':
    case 'verify':
    case 'gate':
    case 'register-endpoint':
    case 'retarget-compute':
    case 'decommission':
      return d[action.kind];
  }
}
