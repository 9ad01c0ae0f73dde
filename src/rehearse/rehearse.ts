// A rehearsal: the real engine driving the twin on a virtual clock, with the same journal as a real
// run. Used by `stackhop rehearse`, `resume` of a rehearsal, and `compare` (in memory, four at once).

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Catalog, ScenarioId } from '../catalog/types.js';
import {
  type Fault,
  openTwinStore,
  parseFault,
  TWIN_STORE_FILE,
  Twin,
  type TwinOptions as TwinDriverOptions,
  type TwinMetrics,
  type TwinStore,
} from '../drivers/sim/index.js';
import type { ComputeStatus } from '../engine/driver.js';
import { Engine, type EngineListener, type RunOutcome } from '../engine/engine.js';
import type { EngineEvent } from '../engine/events.js';
import { computeHosts } from '../engine/host-classes.js';
import type { Journal, RunHeader, StoredRun } from '../engine/journal.js';
import { restoredHosts } from '../engine/restored-hosts.js';
import { VirtualClock } from '../engine/virtual-clock.js';
import { EXIT_BAD_INPUT, EXIT_FAILED, StackhopError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { checkPlan } from '../plan/check/index.js';
import type { CheckResult } from '../plan/check/types.js';
import { checkContextFor } from '../plan/check-context.js';
import { planUpgrade } from '../plan/planners/index.js';
import type { Plan } from '../plan/types.js';
import { canonicalPlan } from '../store/plan-hash.js';

/** Virtual time of a rehearsal's first instant (a fixed date keeps rehearsals reproducible). */
export const REHEARSAL_EPOCH = Date.UTC(2026, 0, 1);

export interface RehearsalRequest {
  inventory: Inventory;
  /** The inventory file's text, kept in the journal so `resume` rebuilds the same twin. */
  inventoryText: string;
  catalog: Catalog;
  scenario: ScenarioId;
  seed: number;
  faults?: readonly string[];
  /** A plan to rehearse instead of the planner's (e.g. one edited by hand). */
  plan?: Plan;
  /** Rehearse even if the checker rejects the plan, to see how it breaks. */
  rehearseRejected?: boolean;
  journal: Journal;
  runId: string;
  /** Keep the twin's state in this directory, so a killed rehearsal can resume. */
  twinDir?: string;
  parallelism?: number;
  /** Who listens to the run's events, given the plan being rehearsed. */
  listeners?: (plan: Plan) => readonly EngineListener[];
  /** Called with the engine before it runs (the CLI wires Ctrl-C to pause and abort). */
  control?: (engine: Engine) => void;
  createdWall?: string;
  /** Virtual milliseconds per real millisecond; as fast as possible when absent. */
  pace?: number;
}

export interface Rehearsal {
  runId: string;
  plan: Plan;
  check: CheckResult;
  outcome: RunOutcome;
  metrics: TwinMetrics;
  fingerprint: string;
  /** Every compute's service as the Nova API shows it at the end. */
  computes: ReadonlyMap<string, ComputeStatus>;
}

/** What the journal keeps about a rehearsal to rebuild its twin on resume. */
interface TwinOptions {
  seed: number;
  faults: readonly string[];
  inventory_file: string;
  inventory_text: string;
  /** Where the twin's store was (absolute); a resume finds it from its own --state and the run id. */
  twin_dir: string | null;
  rehearse_rejected: boolean;
  parallelism: number | null;
}

export async function rehearse(req: RehearsalRequest): Promise<Rehearsal> {
  const plan = req.plan ?? planUpgrade(req.inventory, req.catalog, req.scenario);
  const check = checkPlan(plan, checkContextFor(req.inventory, req.catalog, plan.scenario));
  const faults = (req.faults ?? []).map((f) => parseFault(f));
  const options: TwinOptions = {
    seed: req.seed,
    faults: req.faults ?? [],
    inventory_file: req.inventory.file,
    inventory_text: req.inventoryText,
    twin_dir: req.twinDir === undefined ? null : resolve(req.twinDir),
    rehearse_rejected: req.rehearseRejected === true,
    parallelism: req.parallelism ?? null,
  };
  const canonical = canonicalPlan(plan);
  const header: RunHeader = {
    id: req.runId,
    created_at: REHEARSAL_EPOCH,
    created_wall: req.createdWall ?? new Date().toISOString(),
    cloud: plan.cloud,
    scenario: plan.scenario,
    plan_hash: canonical.hash,
    driver: 'twin',
    options: { ...options },
  };
  // Refuse before anything is journaled: a rejected plan leaves no run behind.
  if (!check.ok && req.rehearseRejected !== true) throw planRejected(check);
  faults.forEach((f, i) => {
    checkFaultMatches(plan, f, req.faults?.[i] ?? '');
  });
  await req.journal.createRun(header, plan, canonical.json);
  return await runOnTwin(req, plan, check, faults, undefined, header);
}

export interface ResumeRequest {
  stored: StoredRun;
  inventory: Inventory;
  catalog: Catalog;
  journal: Journal;
  listeners?: (plan: Plan) => readonly EngineListener[];
  control?: (engine: Engine) => void;
  /** The twin's store of this run under the state directory used now. */
  twinDir?: string;
  /** The operator "fixed" the injected faults: the rest of the rehearsal runs without them. */
  clearFaults?: boolean;
}

/** Continues a journaled rehearsal: same plan, same twin (from its store), same seed and faults. */
export async function resumeRehearsal(req: ResumeRequest): Promise<Rehearsal> {
  const o = req.stored.header.options as unknown as TwinOptions;
  const twinDir = o.twin_dir === null ? undefined : (req.twinDir ?? o.twin_dir);
  if (twinDir !== undefined && req.stored.steps.size > 0 && !existsSync(join(twinDir, TWIN_STORE_FILE))) {
    // A fresh twin would be a different cloud: refuse rather than continue on it.
    throw new StackhopError(
      'ERR_NO_TWIN',
      `run ${req.stored.header.id}: its twin (${join(twinDir, TWIN_STORE_FILE)}) is missing, so the rehearsal cannot go on`,
      { exitCode: EXIT_BAD_INPUT, hint: 'resume with the --state directory the rehearsal was started with' },
    );
  }
  const faults = req.clearFaults === true ? [] : o.faults;
  const plan = req.stored.plan;
  const check = checkPlan(plan, checkContextFor(req.inventory, req.catalog, plan.scenario));
  return await runOnTwin(
    {
      inventory: req.inventory,
      inventoryText: o.inventory_text,
      catalog: req.catalog,
      scenario: plan.scenario,
      seed: o.seed,
      faults,
      rehearseRejected: o.rehearse_rejected,
      journal: req.journal,
      runId: req.stored.header.id,
      ...(twinDir === undefined ? {} : { twinDir }),
      ...(o.parallelism === null || o.parallelism === undefined ? {} : { parallelism: o.parallelism }),
      ...(req.listeners === undefined ? {} : { listeners: req.listeners }),
      ...(req.control === undefined ? {} : { control: req.control }),
    },
    plan,
    check,
    faults.map((f) => parseFault(f)),
    req.stored,
    req.stored.header,
  );
}

async function runOnTwin(
  req: RehearsalRequest,
  plan: Plan,
  check: CheckResult,
  faults: readonly Fault[],
  resumeFrom: StoredRun | undefined,
  header: RunHeader,
): Promise<Rehearsal> {
  const opened = req.twinDir === undefined ? undefined : openTwinStore(join(req.twinDir));
  const lastTwinTime = opened?.lastTime ?? REHEARSAL_EPOCH;
  const lastJournalTime =
    resumeFrom === undefined
      ? REHEARSAL_EPOCH
      : await lastEventTime(req.journal, header.id, resumeFrom.events);
  const clock = new VirtualClock(Math.max(lastTwinTime, lastJournalTime, REHEARSAL_EPOCH));
  const watchedFrom = clock.now();
  const twin = newTwinOrRelease(opened?.store, {
    inventory: req.inventory,
    catalog: req.catalog,
    scenario: plan.scenario,
    seed: req.seed,
    clock,
    faults,
  });
  try {
    const engine = new Engine({
      runId: req.runId,
      plan,
      check,
      rehearseRejected: req.rehearseRejected === true,
      driver: twin,
      clock,
      journal: req.journal,
      approveGate: async () => 'rehearsal (gates approve themselves on the twin)',
      ...(req.parallelism === undefined ? {} : { parallelism: req.parallelism }),
      ...(resumeFrom === undefined
        ? {}
        : { resumeFrom, restoredHosts: await restoredHosts(req.journal, req.runId) }),
    });
    for (const l of req.listeners?.(plan) ?? []) engine.on(l);
    req.control?.(engine);
    const outcome = await clock.run(() => engine.run(), {
      ...(req.pace === undefined ? {} : { pace: req.pace }),
      idle: () => engine.waitingForOperator,
    });
    await req.journal.append(req.runId, twinDowntime(twin, watchedFrom, clock.now()));
    const computes = new Map<string, ComputeStatus>();
    const envOf = new Map<string, Plan['steps'][number]['env']>();
    for (const s of plan.steps) if (s.action.kind === 'enable-compute') envOf.set(s.host, s.env);
    for (const host of [...computeHosts(plan)].sort()) {
      const st = await twin.computeStatus(host, envOf.get(host));
      if (st !== undefined) computes.set(host, st);
    }
    return {
      runId: req.runId,
      plan,
      check,
      outcome,
      metrics: twin.metrics(),
      fingerprint: twin.fingerprint(),
      computes,
    };
  } finally {
    await twin.close();
  }
}

/** A twin on the store, or the store released if the twin refuses it (it holds the twin's lock). */
function newTwinOrRelease(store: TwinStore | undefined, opts: Omit<TwinDriverOptions, 'store'>): Twin {
  try {
    return new Twin({ ...opts, ...(store === undefined ? {} : { store }) });
  } catch (err) {
    store?.close();
    throw err;
  }
}

/**
 * The twin's own measure of each API's downtime over this process's part of the rehearsal, journaled
 * like a real run's probes so that one report reads both (a resumed rehearsal adds its own span).
 */
function twinDowntime(twin: Twin, from: number, to: number): EngineEvent[] {
  const events: EngineEvent[] = [];
  for (const [api, windows] of twin.apiDownWindows()) {
    const intervals = windows
      .map((w) => ({ start: Math.max(w.start, from), end: Math.min(w.end, to) }))
      .filter((w) => w.end > w.start);
    const down = intervals.reduce((s, w) => s + (w.end - w.start), 0);
    events.push({
      type: 'api-downtime',
      at: to,
      api,
      url: `twin:${api}`,
      watched_s: Math.round((to - from) / 1000),
      down_s: Math.round(down / 1000),
      intervals,
    });
  }
  return events;
}

/** A fault that matches no step would rehearse nothing: the operator would believe a failure was tried. */
function checkFaultMatches(plan: Plan, f: Fault, text: string): void {
  const onHost = plan.steps.filter((s) => f.host === '*' || s.host === f.host);
  if (onHost.length === 0) {
    throw new StackhopError('ERR_USAGE', `--inject ${text}: no step of the plan runs on ${f.host}`, {
      exitCode: EXIT_BAD_INPUT,
    });
  }
  const name = (id: string) => id.slice(id.lastIndexOf('/') + 1);
  if (!onHost.some((s) => s.action.kind === f.action || name(s.id) === f.action)) {
    const kinds = [...new Set(onHost.map((s) => s.action.kind))].sort();
    throw new StackhopError(
      'ERR_USAGE',
      `--inject ${text}: no step on ${f.host} matches ${f.action} (its steps: ${kinds.join(', ')})`,
      { exitCode: EXIT_BAD_INPUT },
    );
  }
}

function planRejected(check: CheckResult): StackhopError {
  const first = check.violations[0];
  return new StackhopError(
    'ERR_PLAN_REJECTED',
    `the plan breaks ${check.violations.length} invariant(s) and will not be run` +
      (first === undefined ? '' : `: ${first.invariant}: ${first.message}`),
    { exitCode: EXIT_FAILED, hint: 'add --rehearse-rejected to rehearse it anyway and see how it breaks' },
  );
}

/** The journal's last instant (the run is already loaded: only its last event is read). */
async function lastEventTime(journal: Journal, runId: string, events: number): Promise<number> {
  const tail = await journal.events(runId, Math.max(0, events - 1), 1);
  return tail[0]?.at ?? REHEARSAL_EPOCH;
}
