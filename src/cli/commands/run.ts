// `stackhop run FILE --scenario S`: the upgrade on the real cloud. Pre-flight first, then the plan's
// summary and a confirmation (unless --yes), then the engine over SSH and the OpenStack APIs, with a
// durable, redacted journal and measured API downtime.

import { createInterface } from 'node:readline/promises';
import { CATALOG } from '../../catalog/index.js';
import type { ScenarioId } from '../../catalog/types.js';
import { SshPool } from '../../drivers/ssh/pool.js';
import { loadSshConfig } from '../../drivers/ssh/ssh-config.js';
import { DEFAULT_SSH_OPTIONS } from '../../drivers/ssh/target.js';
import { defaultKnownHosts, sshTargets } from '../../drivers/ssh/targets.js';
import { EXIT_BAD_INPUT, StackhopError } from '../../errors.js';
import { parseInventory } from '../../inventory/load.js';
import type { CanaryStep, Inventory } from '../../inventory/types.js';
import type { Plan, Step } from '../../plan/types.js';
import { openRunCloud } from '../../run/open-cloud.js';
import { type RealRunResult, startRealRun } from '../../run/real-run.js';
import { Redactor } from '../../security/redactor.js';
import { newRunId } from '../../store/run-id.js';
import { acquireRunLock } from '../../store/run-lock.js';
import { openSqliteJournal } from '../../store/sqlite-journal.js';
import { interruptible } from '../interrupt.js';
import { commandProgress } from '../progress.js';
import type { CommandResult } from '../result.js';
import { readInventoryText } from './rehearse.js';
import { realRunOutput } from './run-summary.js';

export interface RunOptions {
  scenario: ScenarioId;
  yes: boolean;
  parallel?: number;
  state: string;
  json: boolean;
  quiet: boolean;
  knownHosts?: string;
  acceptNewHostKeys: boolean;
  /** Approve every gate without asking (unattended runs that still want gates journaled). */
  approveGates: boolean;
  connectTimeoutMs?: number;
  progress?: (line: string) => void;
  /** Where --json's event lines go (standard output by default). */
  events?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Interval of the driver's polls and of the API probes (tests shorten it). */
  pollMs?: number;
  /** Longest any step may run, drains included (`--step-timeout`). */
  stepTimeoutMs?: number;
  /** Replaces the inventory's policy.canary ramp (`--canary 1,5,20%`). */
  canary?: readonly CanaryStep[];
}

export interface SshSetup {
  knownHosts?: string;
  acceptNewHostKeys: boolean;
  connectTimeoutMs?: number;
  parallel?: number;
  env: NodeJS.ProcessEnv;
}

export async function buildPool(inventory: Inventory, o: SshSetup): Promise<SshPool> {
  const config = await loadSshConfig();
  const agent = o.env.SSH_AUTH_SOCK;
  return new SshPool(sshTargets(inventory, config), {
    ...DEFAULT_SSH_OPTIONS,
    knownHostsPath: o.knownHosts ?? defaultKnownHosts(inventory),
    acceptNewHostKeys: o.acceptNewHostKeys,
    ...(o.connectTimeoutMs !== undefined ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
    ...(agent !== undefined && agent !== '' ? { agentSocket: agent } : {}),
    maxInFlight: Math.max(8, (o.parallel ?? 32) * 2),
  });
}

export function planSummary(plan: Plan): string {
  const hosts = new Set(plan.steps.map((s) => s.host));
  const lines = [
    `${plan.cloud}: ${plan.from} → ${plan.to}, scenario ${plan.scenario}`,
    `${plan.steps.length} steps on ${hosts.size} hosts in ${plan.phases.length} phases, estimated ${Math.round(plan.estimate.duration_s / 60)} min`,
  ];
  const outages = Object.entries(plan.estimate.outages).filter(([, s]) => s > 0);
  if (outages.length > 0) {
    lines.push(
      `planned API downtime: ${outages.map(([api, s]) => `${api} ${Math.round(s / 60)} min`).join(', ')}`,
    );
  }
  for (const w of plan.warnings ?? []) lines.push(`warning: ${w.text}`);
  return lines.join('\n');
}

/** An answer from the terminal; Ctrl-C or end of input at the prompt is no answer (a refusal). */
async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } catch {
    return '';
  } finally {
    rl.close();
  }
}

export function gateApprover(o: { approveGates: boolean }): (step: Step) => Promise<string | undefined> {
  return async (step) => {
    if (o.approveGates) return 'approved by --approve-gates';
    if (!process.stdin.isTTY) return undefined;
    const prompt = step.action.kind === 'gate' ? step.action.prompt : step.id;
    const answer = await ask(`${prompt} [yes to continue, anything else pauses] `);
    return answer === 'yes' ? `${process.env.USER ?? 'operator'} at the terminal` : undefined;
  };
}

export async function runCommand(file: string, opts: RunOptions): Promise<CommandResult> {
  const env = opts.env ?? process.env;
  if (!opts.yes && !process.stdin.isTTY) {
    throw new StackhopError(
      'ERR_USAGE',
      'refusing to change a cloud without confirmation: pass --yes when there is no terminal',
      {
        exitCode: EXIT_BAD_INPUT,
      },
    );
  }
  const text = await readInventoryText(file);
  const parsed = parseInventory(text, file, CATALOG);
  const inventory: Inventory =
    opts.canary === undefined ? parsed : { ...parsed, policy: { ...parsed.policy, canary: opts.canary } };
  const redactor = Redactor.fromEnv(env);
  const write = opts.progress ?? ((line: string) => process.stderr.write(`${redactor.redact(line)}\n`));
  const pool = await buildPool(inventory, { ...opts, env });
  const cloud = await openRunCloud(inventory, env, redactor, { pollMs: opts.pollMs });
  const journal = openSqliteJournal(opts.state, { durability: 'power' });
  const runId = newRunId(new Date(), Math.random);
  const lock = acquireRunLock(opts.state, runId);
  const interrupt = interruptible(write);
  const progress = commandProgress({
    json: opts.json,
    quiet: opts.quiet,
    write: opts.progress === undefined ? undefined : (l) => opts.progress?.(redactor.redact(l)),
    events: opts.events,
    redact: (t) => redactor.redact(t),
  });
  let result: RealRunResult;
  try {
    result = await startRealRun({
      inventory,
      inventoryText: text,
      catalog: CATALOG,
      scenario: opts.scenario,
      journal,
      runId,
      pool,
      cloud: cloud?.api,
      redactor,
      env,
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      ...(opts.stepTimeoutMs !== undefined ? { stepTimeoutMs: () => opts.stepTimeoutMs ?? 0 } : {}),
      ...(opts.parallel !== undefined ? { parallelism: opts.parallel } : {}),
      approveGate: gateApprover(opts),
      cancel: interrupt.beforeStart,
      listeners: (p) => [
        ...progress.listeners(p),
        ...(cloud?.listener !== undefined ? [cloud.listener] : []),
      ],
      control: (engine) => {
        interrupt.control(engine);
        cloud?.startProbes();
      },
      confirm: async (plan) => {
        if (opts.yes) return true;
        write(planSummary(plan));
        return (await ask('Type "yes" to start the upgrade: ')) === 'yes';
      },
    });
  } finally {
    progress.close();
    interrupt.release();
    lock.release();
    await cloud?.stopProbes(journal, runId);
    await Promise.all([pool.close(), cloud?.api.close()]);
    await journal.close();
  }
  return realRunOutput(result, {
    json: opts.json,
    state: opts.state,
    redactor,
    measured: cloud?.downtime(),
    what: 'plan',
  });
}
