// A MariaDB server of the test's own (Debian's mariadbd on a private datadir, socket and loopback
// port): the fleet's "database host" dumps and restores the catalog's databases (keystone, nova, …)
// there, never on the machine's shared server.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PrivateMariadb {
  port: number;
  socket: string;
  /** Runs SQL as root; resolves with stdout (tab-separated, no headers). */
  sql(statements: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startPrivateMariadb(dir: string, port: number): Promise<PrivateMariadb> {
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  mkdirSync(data, { recursive: true });
  await run('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${data}`,
    '--user=root',
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ]);
  const child: ChildProcess = spawn(
    '/usr/sbin/mariadbd',
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${path.join(dir, 'mysqld.pid')}`,
      '--user=root',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=16M',
      // Several test files start a server at once: native AIO contexts can run out (io_setup EAGAIN).
      '--innodb-use-native-aio=0',
      `--log-error=${path.join(dir, 'mysqld.err')}`,
      '--skip-name-resolve',
    ],
    { stdio: 'ignore' },
  );
  const sql = async (statements: string) =>
    (await run('mariadb', ['--no-defaults', `--socket=${socket}`, '-uroot', '-N', '-B', '-e', statements]))
      .stdout;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await sql('SELECT 1');
      break;
    } catch (err) {
      if (Date.now() > deadline || child.exitCode !== null) {
        const errLog = path.join(dir, 'mysqld.err');
        const log = existsSync(errLog) ? readFileSync(errLog, 'utf8') : '';
        throw new Error(
          `private mariadbd did not start: ${String(err)}\n${log.split('\n').slice(-15).join('\n')}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  // Reachable over TCP as root without a password, like the machine's server.
  await sql(
    "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  return {
    port,
    socket,
    sql,
    stop: async () => {
      process.off('exit', onExit);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
