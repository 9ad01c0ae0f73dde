// Running `stackhop run` in-process against a FleetCloud, and reading back what its journal holds.

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { ScenarioId } from '../../src/catalog/types.js';
import { runCommand } from '../../src/cli/commands/run.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { openSqliteJournal } from '../../src/store/sqlite-journal.js';
import type { FleetCloud } from './fleet-cloud.js';

export async function runOn(
  cloud: FleetCloud,
  scenario: ScenarioId,
  state: string,
  extra: Partial<Parameters<typeof runCommand>[1]> = {},
) {
  const lines: string[] = [];
  const r = await runCommand(cloud.inventoryFile, {
    scenario,
    yes: true,
    state,
    json: false,
    quiet: false,
    acceptNewHostKeys: false,
    approveGates: true,
    env: cloud.env,
    pollMs: 100,
    progress: (l) => lines.push(l),
    events: () => undefined,
    ...extra,
  });
  return { ...r, lines };
}

export async function journalEvents(state: string): Promise<{ runId: string; events: EngineEvent[] }> {
  const journal = openSqliteJournal(state, { durability: 'process' });
  try {
    const runs = await journal.listRuns();
    const runId = runs[0]?.id;
    if (runId === undefined) throw new Error('no run in the journal');
    return { runId, events: await journal.events(runId) };
  } finally {
    await journal.close();
  }
}

/**
 * Waits until a shim call is running on one fleet host (a faulted call sleeping), told apart from the
 * same call on other hosts, or in other test files, by the SSH_CONNECTION its session carries.
 */
export async function waitForShim(
  cloud: FleetCloud,
  host: string,
  args: string,
  timeoutMs = 60_000,
): Promise<void> {
  const address = ` ${cloud.fleet.host(host).address} `;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        if (!cmd.includes(`shim.mjs ${args}`)) continue;
        const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        if (env.some((v) => v.startsWith('SSH_CONNECTION=') && `${v} `.includes(address))) return;
      } catch {
        // the process ended meanwhile
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no \`${args}\` shim call started on ${host} within ${timeoutMs} ms`);
}

/** The plan the journal's first run was started with. */
export async function journalPlan(state: string) {
  const journal = openSqliteJournal(state, { durability: 'process' });
  try {
    const runId = (await journal.listRuns())[0]?.id;
    const stored = runId === undefined ? undefined : await journal.loadRun(runId);
    if (stored === undefined) throw new Error('no run in the journal');
    return stored.plan;
  } finally {
    await journal.close();
  }
}

/** The runs a state directory's journal holds. */
export async function journalRuns(state: string) {
  const journal = openSqliteJournal(state, { durability: 'process' });
  try {
    return await journal.listRuns();
  } finally {
    await journal.close();
  }
}

/** `stackhop run …` as a child process (to kill or signal it), with its standard error collected. */
export function spawnStackhop(args: readonly string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, stderr: () => stderr };
}
