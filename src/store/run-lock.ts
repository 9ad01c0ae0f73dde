// One process drives a run at a time: a lock file per run under the state directory, holding the
// owner's pid. A lock whose process is gone (killed, crashed) is stale and taken over, so a crash never
// blocks `resume`; a live owner makes a second `resume` refuse instead of running every step twice.

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StackhopError } from '../errors.js';

export interface RunLock {
  release(): void;
}

export function acquireRunLock(stateDir: string, runId: string): RunLock {
  const dir = join(stateDir, 'locks');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${runId}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && lockOwnerAlive(owner)) {
        throw new StackhopError('ERR_RUN_ACTIVE', `run ${runId} is being driven by process ${owner}`, {
          hint: `wait for it, or stop it (kill -INT ${owner} pauses it) and resume then`,
        });
      }
      rmSync(file, { force: true });
    }
  }
  throw new StackhopError('ERR_RUN_ACTIVE', `run ${runId}: another process took its lock meanwhile`);
}

/** The live stackhop process holding a run's lock, if any (a reused pid is not it). */
export function runLockOwner(stateDir: string, runId: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(stateDir, 'locks', `${runId}.lock`), 'utf8'), 10);
    return Number.isInteger(pid) && lockOwnerAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a lock's pid is still a stackhop process. A pid reused by another program after a crash
 * (the lock file outlives its owner) does not hold the run. Without /proc, a live pid is trusted.
 */
export function lockOwnerAlive(pid: number): boolean {
  if (!alive(pid)) return false;
  try {
    return /stackhop|cli\/run\.[jt]s/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT' || !existsSync('/proc/self');
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
