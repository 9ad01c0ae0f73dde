// How long a step takes on the twin: the planner's own estimate (estimateAction: catalog defaults and
// the inventory's facts) times a small deterministic jitter, except where the twin knows better — a
// drain from the instances actually on the host, a database sync from whether its pre-sync fix ran.

import { estimateAction, secondsPerLiveMigration } from '../../plan/step-estimate.js';
import type { Action, ActionOf } from '../../plan/types.js';
import type { Cloud } from './cloud.js';
import { draw } from './random.js';
import type { TwinContext } from './state.js';

/** Durations vary by ±10 % around the estimate, drawn from (seed, step id, attempt). */
export const JITTER = 0.1;
/** A step refused before it does anything (an error reply, a failed precondition) fails this fast. */
export const REFUSAL_S = 10;

export function jitter(seed: number, stepId: string, attempt: number): number {
  return 1 - JITTER + 2 * JITTER * draw(seed, `duration:${stepId}:${attempt}`);
}

export function estimateSeconds(ctx: TwinContext, action: Action): number {
  return estimateAction(action, {
    catalog: ctx.catalog,
    pack: ctx.pack,
    facts: ctx.facts,
    knownRows: ctx.inventory.facts.db_rows,
  });
}

/**
 * The sync's estimate assumes the pre-sync fix that empties a table (keystone's token flush) ran; when
 * it did not, the migration walks those rows too.
 */
export function dbSyncSeconds(cloud: Cloud, action: ActionOf<'db-sync'>): number {
  const ctx = cloud.ctx;
  let s = estimateSeconds(ctx, action);
  if (action.from_head === 'empty') return s;
  const def = ctx.pack.dbSync.find((d) => d.project === action.project);
  const fixes = cloud.dbs.get(action.database)?.fixes;
  for (const p of ctx.pack.preSync) {
    if (p.project !== action.project || p.empties === undefined || fixes?.has(p.fix) === true) continue;
    const heavy = def?.heavy.find((h) => h.table === p.empties);
    if (heavy !== undefined) s += ctx.facts.rows(heavy.table) * heavy.s_per_row;
  }
  return Math.round(s);
}

export function liveMigrationSeconds(ctx: TwinContext): number {
  return secondsPerLiveMigration(ctx.catalog, ctx.facts);
}

export function redeploySeconds(ctx: TwinContext): number {
  return ctx.catalog.durations.redeploy_per_instance_s;
}
