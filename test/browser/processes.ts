// Child processes of the browser tests: `stackhop rehearse --pace` and `stackhop serve`, each started
// through tsx as a user would (`npm run stackhop -- …`) in a process group of its own, so a test can end
// the group (tsx and the node process it runs) and check that nothing is left.

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './rehearsals.js';

export interface Cli {
  readonly proc: ChildProcess;
  /** Everything it printed so far, standard output and error. */
  readonly output: () => string;
  /** Resolves with the exit code (or signal) once it has exited. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** Ends the process group: SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  readonly stop: (graceMs?: number) => Promise<void>;
  /** Whether any process of its group is still alive. */
  readonly groupAlive: () => boolean;
}

/** Process groups started here and not yet seen to end: killed if the test process exits first. */
const groups = new Set<number>();
process.on('exit', () => {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** `stackhop ARGS…` through tsx, in the repository, in a new process group. */
export function startCli(args: readonly string[]): Cli {
  const proc = spawn(
    join(REPO, 'node_modules', '.bin', 'tsx'),
    [join(REPO, 'src', 'cli', 'run.ts'), ...args],
    {
      cwd: REPO,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    },
  );
  let text = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => {
    text += d;
  });
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => {
    text += d;
  });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  const pgid = proc.pid;
  if (pgid !== undefined) groups.add(pgid);
  const groupAlive = () => {
    if (pgid === undefined) return false;
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const signalGroup = (signal: NodeJS.Signals) => {
    if (pgid === undefined) return;
    try {
      process.kill(-pgid, signal);
    } catch {
      // already gone
    }
  };
  const stop = async (graceMs = 5000) => {
    if (!groupAlive()) {
      if (pgid !== undefined) groups.delete(pgid);
      return;
    }
    signalGroup('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (groupAlive() && Date.now() < deadline) await sleep(50);
    if (groupAlive()) signalGroup('SIGKILL');
    while (groupAlive() && Date.now() < deadline + 5000) await sleep(50);
    if (pgid !== undefined && !groupAlive()) groups.delete(pgid);
  };
  return { proc, output: () => text, exited, stop, groupAlive };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export interface Served {
  cli: Cli;
  /** `http://127.0.0.1:PORT/`, as printed. */
  url: string;
  token: string;
}

/** `stackhop serve [RUN] --state DIR --port 0 --bind 127.0.0.1`, once it has printed its URL and token. */
export async function startServe(state: string, run?: string): Promise<Served> {
  const cli = startCli([
    'serve',
    ...(run === undefined ? [] : [run]),
    '--state',
    state,
    '--port',
    '0',
    '--bind',
    '127.0.0.1',
  ]);
  try {
    const printed = await until(
      'serve to print its URL and token',
      async () => {
        const out = cli.output();
        const url = /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/)\s*$/m.exec(out)?.[1];
        const token = /^token: ([0-9a-f]+)\s*$/m.exec(out)?.[1];
        if (url !== undefined && token !== undefined) return { url, token };
        if (cli.proc.exitCode !== null) throw new Error(`serve exited (${cli.proc.exitCode}):\n${out}`);
        return undefined;
      },
      30_000,
    );
    return { cli, ...printed };
  } catch (err) {
    await cli.stop();
    throw err;
  }
}
