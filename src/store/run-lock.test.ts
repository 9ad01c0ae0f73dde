import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireRunLock } from './run-lock.js';

const dir = mkdtempSync(join(tmpdir(), 'stackhop-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('acquireRunLock', () => {
  it('takes over a lock whose pid now belongs to another program', () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      mkdirSync(join(dir, 'locks'), { recursive: true });
      writeFileSync(join(dir, 'locks', 'r9.lock'), `${other.pid}\n`);
      const lock = acquireRunLock(dir, 'r9');
      lock.release();
      expect(other.exitCode).toBeNull();
    } finally {
      other.kill();
    }
  });

  it('refuses a run another live process holds, and takes over once that process is gone', async () => {
    // A real second stackhop process holds the lock: its pid is in the file, as acquireRunLock writes it.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'stackhop'], {
      stdio: 'ignore',
    });
    mkdirSync(join(dir, 'locks'), { recursive: true });
    writeFileSync(join(dir, 'locks', 'r1.lock'), `${child.pid}\n`);
    expect(() => acquireRunLock(dir, 'r1')).toThrow(`run r1 is being driven by process ${child.pid}`);
    const gone = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await gone;
    const lock = acquireRunLock(dir, 'r1');
    lock.release();
    // Released: free for the next one.
    acquireRunLock(dir, 'r1').release();
  });
});
