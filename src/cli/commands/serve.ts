// `stackhop serve [RUN]`: the dashboard of the runs in a state directory, live while a run goes on.
// Prints its address and the token its buttons need, then serves until interrupted. Loopback only
// unless told otherwise, with a warning then: anyone who can reach the port can read the run.

import { isIP } from 'node:net';
import { EXIT_BAD_INPUT, StackhopError } from '../../errors.js';
import { startDashboard } from '../../serve/server.js';
import { newToken } from '../../serve/token.js';
import { isRunId } from '../../store/run-id.js';
import type { CommandResult } from '../result.js';
import { openJournalForReading } from './status.js';

export interface ServeCommandOptions {
  state: string;
  port: number;
  bind: string;
  /** Where the address, the token and the warnings go (standard output / error by default). */
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Resolves when the server must stop (SIGINT or SIGTERM by default). */
  until?: Promise<void>;
}

export const DEFAULT_PORT = 8470;

export function isLoopback(address: string): boolean {
  return address === '::1' || address === 'localhost' || /^127\./.test(address);
}

export async function serveCommand(
  runId: string | undefined,
  o: ServeCommandOptions,
): Promise<CommandResult> {
  if (runId !== undefined && !isRunId(runId)) {
    throw new StackhopError('ERR_USAGE', `RUN: "${runId}" is not a run id (like r20261125-171503-4f2a)`, {
      exitCode: EXIT_BAD_INPUT,
    });
  }
  if (o.bind !== 'localhost' && isIP(o.bind) === 0) {
    throw new StackhopError('ERR_USAGE', `--bind: "${o.bind}" is not an IP address`, {
      exitCode: EXIT_BAD_INPUT,
    });
  }
  const out = o.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = o.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const journal = openJournalForReading(o.state);
  try {
    if (runId !== undefined && (await journal.loadRun(runId)) === undefined) {
      throw new StackhopError('ERR_NO_RUN', `no run ${runId} in ${o.state}`, { exitCode: EXIT_BAD_INPUT });
    }
    const token = newToken();
    const dashboard = await startDashboard({
      journal,
      state: o.state,
      token,
      port: o.port,
      bind: o.bind === 'localhost' ? '127.0.0.1' : o.bind,
      ...(runId === undefined ? {} : { run: runId }),
    }).catch((e: NodeJS.ErrnoException) => {
      throw new StackhopError('ERR_LISTEN', `cannot listen on ${o.bind}:${o.port}: ${e.code ?? e.message}`, {
        exitCode: EXIT_BAD_INPUT,
        hint: 'pick another --port (0 takes any free one)',
      });
    });
    if (!isLoopback(o.bind)) {
      err(
        `warning: the dashboard listens on ${o.bind}, not only on this machine: anyone who reaches it can read the run (its hosts, steps and errors); pausing and aborting still need the token`,
      );
    }
    out(`dashboard: ${dashboard.url}`);
    out(`token: ${token}`);
    await (o.until ?? untilSignalled());
    await dashboard.close();
    return { stdout: '', stderr: '', exitCode: 0 };
  } finally {
    await journal.close();
  }
}

function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
