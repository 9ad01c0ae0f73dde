// A real run: the engine driving real hosts (SSH) and the cloud's APIs, journaled durably and
// redacted. Used by `stackhop run` and by `resume` of a real run; the CLI builds the SSH pool and the
// API session, tests build them against their own loopback fleet.

import { familyOf } from '../catalog/index.js';
import type { Catalog, ConfigLookup, ScenarioId } from '../catalog/types.js';
import { valuesNeeded } from '../drivers/config/index.js';
import { credentialsFromEnv } from '../drivers/db/mysql-credentials.js';
import type { CloudApi } from '../drivers/real/cloud-api.js';
import type { RealContext, RealHost } from '../drivers/real/real-context.js';
import { RealDriver } from '../drivers/real/real-driver.js';
import type { SshPool } from '../drivers/ssh/pool.js';
import { type Clock, realClock } from '../engine/clock.js';
import { Engine, type EngineListener, type RunOutcome } from '../engine/engine.js';
import type { Journal, RunHeader, StoredRun } from '../engine/journal.js';
import { restoredHosts } from '../engine/restored-hosts.js';
import { EXIT_FAILED, StackhopError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { checkPlan } from '../plan/check/index.js';
import type { CheckResult } from '../plan/check/types.js';
import { checkContextFor } from '../plan/check-context.js';
import { planUpgrade } from '../plan/planners/index.js';
import { checkRollbackPlan, rollbackPlan } from '../plan/rollback-plan.js';
import type { Plan, Step } from '../plan/types.js';
import { resolveUpgrade } from '../plan/upgrade-pair.js';
import { redactingJournal } from '../security/redacting-journal.js';
import type { Redactor } from '../security/redactor.js';
import { canonicalPlan } from '../store/plan-hash.js';
import { applyPlanFacts } from './parallel-deployment.js';
import { type PreflightProblem, preflight } from './preflight.js';
import { primeSecrets } from './prime-secrets.js';

/** What the journal keeps about a real run to rebuild its driver on resume (no secret, ever). */
export interface RealRunOptions {
  inventory_file: string;
  inventory_text: string;
  parallelism: number | null;
  known_hosts: string;
  accept_new_host_keys: boolean;
  /** Config values looked up in the cloud at the start (none is a secret). */
  lookups: Readonly<Record<string, string>>;
  /** This run rolls back that one (its plan was built from that run's journal). */
  rollback_of?: string;
}

export interface RealRunRequest {
  inventory: Inventory;
  inventoryText: string;
  catalog: Catalog;
  scenario: ScenarioId;
  /** The durable journal (the run wraps it with redaction). */
  journal: Journal;
  runId: string;
  pool: SshPool;
  cloud: CloudApi | undefined;
  redactor: Redactor;
  parallelism?: number;
  /** A gate's approval: who approved, or undefined to pause the run there. */
  approveGate?: (step: Step) => Promise<string | undefined>;
  listeners?: (plan: Plan) => readonly EngineListener[];
  control?: (engine: Engine) => void;
  /** Asked once the pre-flight passed and before anything changes; false cancels the run. */
  confirm?: (plan: Plan) => Promise<boolean>;
  clock?: Clock;
  /** Interval of the driver's polls (service state, migrations). */
  pollMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Skip the pre-flight (resume: it ran before the run began). */
  skipPreflight?: boolean;
  /** How long a step may run (default: the engine's, from its estimate). */
  stepTimeoutMs?: (step: Step) => number;
  /** Aborted (a signal) before the engine starts: the run is not started, nothing is changed. */
  cancel?: AbortSignal;
}

export interface RealRunResult {
  runId: string;
  plan: Plan;
  check: CheckResult;
  /** Undefined when the run never started (pre-flight failed or the operator declined). */
  outcome?: RunOutcome;
  preflight: readonly PreflightProblem[];
  declined?: boolean;
  /** A signal arrived before the run started. */
  cancelled?: boolean;
}

export function realContext(
  req: Pick<
    RealRunRequest,
    'inventory' | 'catalog' | 'pool' | 'cloud' | 'redactor' | 'runId' | 'pollMs' | 'clock' | 'env'
  >,
): RealContext {
  const { inventory, catalog } = req;
  const { pack, from, to } = resolveUpgrade(inventory, catalog);
  const profile = catalog.distros[inventory.distro];
  const hosts = new Map<string, RealHost>();
  for (const h of [...inventory.hosts, ...inventory.spare_hosts]) {
    hosts.set(h.name, { name: h.name, services: h.services, spare: h.spare });
  }
  const dbHost = inventory.database.host;
  const addresses = new Map<string, string>();
  for (const h of [...inventory.hosts, ...inventory.spare_hosts])
    if (h.address !== undefined) addresses.set(h.name, h.address);
  return {
    exec: req.pool,
    cloud: req.cloud,
    profile,
    family: familyOf(inventory.distro),
    from,
    to,
    pack,
    runId: req.runId,
    dbHost,
    dbCredentials: credentialsFromEnv(req.env ?? process.env),
    hosts,
    addresses,
    redactor: req.redactor,
    clock: req.clock ?? realClock,
    pollMs: req.pollMs ?? 2000,
    lookups: new Map(),
    retired: new Map(),
    fanOut: 32,
  };
}

function refuse(check: CheckResult): StackhopError {
  const first = check.violations[0];
  return new StackhopError(
    'ERR_PLAN_REJECTED',
    `the plan breaks ${check.violations.length} invariant(s) and will not be run` +
      (first === undefined ? '' : `: ${first.invariant}: ${first.message}`),
    { exitCode: EXIT_FAILED, hint: 'run `stackhop plan` to see every violation' },
  );
}

export async function startRealRun(req: RealRunRequest): Promise<RealRunResult> {
  const plan = planUpgrade(req.inventory, req.catalog, req.scenario);
  const check = checkPlan(plan, checkContextFor(req.inventory, req.catalog, plan.scenario));
  if (!check.ok) throw refuse(check);
  for (const s of req.cloud?.secrets() ?? []) req.redactor.add(s);
  const rc = realContext(req);
  applyPlanFacts(rc, plan);
  const cancelled = { runId: req.runId, plan, check, preflight: [], cancelled: true };
  // A function, not a condition TypeScript would narrow: the signal changes while we await.
  const cancelledNow = () => req.cancel?.aborted === true;
  if (req.skipPreflight !== true) {
    const problems = await preflight(
      rc,
      req.pool,
      plan,
      req.inventory.distro,
      (h) => req.pool.targets(h).user,
    );
    if (cancelledNow()) return cancelled;
    if (problems.length > 0) return { runId: req.runId, plan, check, preflight: problems };
  }
  if (cancelledNow()) return cancelled;
  await primeSecrets(rc);
  const lookupProblem = await resolveLookups(rc, plan);
  if (lookupProblem !== undefined) return { runId: req.runId, plan, check, preflight: [lookupProblem] };
  if (cancelledNow()) return cancelled;
  if (req.confirm !== undefined && !(await req.confirm(plan))) {
    return { runId: req.runId, plan, check, preflight: [], declined: true };
  }
  if (cancelledNow()) return cancelled;
  const journal = await createRealRun(req, plan, { lookups: Object.fromEntries(rc.lookups) });
  const outcome = await drive(req, rc, plan, check, journal, undefined);
  return { runId: req.runId, plan, check, outcome, preflight: [] };
}

export interface ResumeRealRequest extends Omit<RealRunRequest, 'scenario' | 'confirm' | 'skipPreflight'> {
  stored: StoredRun;
}

export async function resumeRealRun(req: ResumeRealRequest): Promise<RealRunResult> {
  const plan = req.stored.plan;
  const rollbackOf = (req.stored.header.options as Partial<RealRunOptions>).rollback_of;
  const check =
    rollbackOf === undefined
      ? checkPlan(plan, checkContextFor(req.inventory, req.catalog, plan.scenario))
      : checkRollbackPlan(plan, req.inventory, req.catalog);
  if (!check.ok) throw refuse(check);
  for (const s of req.cloud?.secrets() ?? []) req.redactor.add(s);
  const rc = realContext(req);
  applyPlanFacts(rc, plan);
  // The new deployment was registered before the crash: checks go on looking at it.
  const registered = plan.steps.find(
    (s) => s.action.kind === 'register-endpoint' && s.action.service === 'compute',
  );
  if (
    rc.parallel !== undefined &&
    registered !== undefined &&
    req.stored.steps.get(registered.id)?.status === 'succeeded'
  ) {
    rc.parallel.active = true;
  }
  const stored = (req.stored.header.options as Partial<RealRunOptions>).lookups ?? {};
  for (const [k, v] of Object.entries(stored)) rc.lookups.set(k, v);
  await primeSecrets(rc);
  const journal = redactingJournal(req.journal, req.redactor);
  const outcome = await drive(req, rc, plan, check, journal, req.stored);
  return { runId: req.runId, plan, check, outcome, preflight: [] };
}

/** Journals a new real run (what a resume needs, never a secret); the journal, redacting, to drive it. */
async function createRealRun(
  req: Pick<
    RealRunRequest,
    'inventory' | 'inventoryText' | 'parallelism' | 'pool' | 'clock' | 'journal' | 'redactor' | 'runId'
  >,
  plan: Plan,
  extra: Pick<RealRunOptions, 'lookups' | 'rollback_of'>,
): Promise<Journal> {
  const options: RealRunOptions = {
    inventory_file: req.inventory.file,
    inventory_text: req.inventoryText,
    parallelism: req.parallelism ?? null,
    known_hosts: req.pool.options.knownHostsPath,
    accept_new_host_keys: req.pool.options.acceptNewHostKeys,
    ...extra,
  };
  const clock = req.clock ?? realClock;
  const canonical = canonicalPlan(plan);
  const header: RunHeader = {
    id: req.runId,
    created_at: clock.now(),
    created_wall: new Date().toISOString(),
    cloud: plan.cloud,
    scenario: plan.scenario,
    plan_hash: canonical.hash,
    driver: 'real',
    options: { ...options },
  };
  const journal = redactingJournal(req.journal, req.redactor);
  await journal.createRun(header, plan, canonical.json);
  return journal;
}

/** Resolves every lookup the plan's config edits need, now, while the APIs answer. */
async function resolveLookups(rc: RealContext, plan: Plan): Promise<PreflightProblem | undefined> {
  const names = new Set<ConfigLookup>();
  for (const s of plan.steps) {
    if (s.action.kind !== 'edit-config') continue;
    for (const e of s.action.edits) {
      // The new deployment's values come from the plan and the hosts, not from the cloud.
      for (const v of valuesNeeded(e.ops))
        if ('lookup' in v && !v.lookup.startsWith('parallel-')) names.add(v.lookup);
    }
  }
  if (names.size === 0) return undefined;
  if (rc.cloud === undefined) {
    return {
      host: '@cloud',
      check: 'lookups',
      message: `config edits need ${[...names].join(', ')} from the OpenStack APIs, and no credentials were found`,
    };
  }
  for (const n of names) {
    try {
      rc.lookups.set(n, await rc.cloud.lookup(n));
    } catch (err) {
      return {
        host: '@cloud',
        check: 'lookups',
        message: `cannot look up ${n}: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  }
  return undefined;
}

async function drive(
  req: Omit<RealRunRequest, 'scenario'>,
  rc: RealContext,
  plan: Plan,
  check: CheckResult,
  journal: Journal,
  resumeFrom: StoredRun | undefined,
): Promise<RunOutcome> {
  const driver = new RealDriver(rc);
  const engine = new Engine({
    runId: req.runId,
    plan,
    check,
    driver,
    clock: rc.clock,
    journal,
    ...(req.approveGate !== undefined ? { approveGate: req.approveGate } : {}),
    ...(req.parallelism !== undefined ? { parallelism: req.parallelism } : {}),
    ...(req.stepTimeoutMs !== undefined ? { stepTimeoutMs: req.stepTimeoutMs } : {}),
    ...(resumeFrom === undefined
      ? {}
      : { resumeFrom, restoredHosts: await restoredHosts(journal, req.runId) }),
  });
  for (const l of req.listeners?.(plan) ?? []) engine.on(l);
  req.control?.(engine);
  return engine.run();
}

export interface RollbackRequest
  extends Omit<RealRunRequest, 'scenario' | 'inventoryText' | 'skipPreflight'> {
  /** The run to roll back, as its journal holds it. */
  target: StoredRun;
  inventoryText: string;
}

/** Rolls a run back: a new real run whose plan comes from the target run's journal. */
export async function startRollback(req: RollbackRequest): Promise<RealRunResult> {
  const plan = rollbackPlan(
    { id: req.target.header.id, plan: req.target.plan, steps: req.target.steps },
    req.inventory,
    req.catalog,
  );
  const check = checkRollbackPlan(plan, req.inventory, req.catalog);
  if (!check.ok) throw refuse(check);
  for (const s of req.cloud?.secrets() ?? []) req.redactor.add(s);
  const rc = realContext(req);
  const problems = (
    await preflight(rc, req.pool, plan, req.inventory.distro, (h) => req.pool.targets(h).user)
  ).filter(
    // The hosts are expected to be part-way between the releases: the release check does not apply.
    (p) => p.check !== 'release' && p.check !== 'free-disk',
  );
  if (problems.length > 0) return { runId: req.runId, plan, check, preflight: problems };
  await primeSecrets(rc);
  if (req.confirm !== undefined && !(await req.confirm(plan))) {
    return { runId: req.runId, plan, check, preflight: [], declined: true };
  }
  const journal = await createRealRun(req, plan, { lookups: {}, rollback_of: req.target.header.id });
  const outcome = await drive(req, rc, plan, check, journal, undefined);
  return { runId: req.runId, plan, check, outcome, preflight: [] };
}
