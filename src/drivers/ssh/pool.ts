// The SSH executor: one connection per host (opened on first use, reopened after a drop), a global
// cap on commands in flight, root rights through `sudo -n` for non-root users, atomic file writes.

import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { type ExecOptions, type ExecResult, type KnownHostsSource, SshConnection } from './connection.js';
import { RemoteError } from './errors.js';
import type { RemoteExecutor, WriteOptions } from './executor.js';
import { KnownHostsIndex, loadKnownHosts } from './known-hosts.js';
import { Semaphore } from './semaphore.js';
import { quote, shellCommand } from './shell-quote.js';
import type { SshOptions, SshTarget } from './target.js';

/** sudo -n's words when it would have to ask (sudo 1.8 and later). */
const SUDO_NEEDS_PASSWORD = /sudo: (a password is required|a terminal is required|no tty present)/;
/** RHEL/CentOS 6's default `Defaults requiretty`. */
const SUDO_REQUIRES_TTY = /sorry, you must have a tty to run sudo/;

export interface SshPoolOptions extends SshOptions {
  /** Commands in flight across all hosts. */
  maxInFlight: number;
}

export class SshPool implements RemoteExecutor {
  readonly #connections = new Map<string, Promise<SshConnection>>();
  readonly #inFlight: Semaphore;
  readonly #knownHosts: KnownHostsSource;
  #closed = false;

  constructor(
    readonly targets: (host: string) => SshTarget,
    readonly options: SshPoolOptions,
  ) {
    this.#inFlight = new Semaphore(options.maxInFlight);
    let cache: Promise<KnownHostsIndex> | undefined;
    this.#knownHosts = {
      index: () => {
        cache ??= loadKnownHosts(options.knownHostsPath).then((entries) => new KnownHostsIndex(entries));
        return cache;
      },
      invalidate: () => {
        cache = undefined;
      },
    };
  }

  /** The connection to a host, opened once; concurrent callers share the same attempt. */
  async connection(host: string): Promise<SshConnection> {
    if (this.#closed) throw new Error('the SSH pool is closed');
    const existing = this.#connections.get(host);
    if (existing !== undefined) {
      const conn = await existing.catch(() => undefined);
      if (conn !== undefined && !conn.closed) return conn;
      if (this.#connections.get(host) === existing) this.#connections.delete(host);
      else return this.connection(host);
    }
    const opening = SshConnection.open(this.targets(host), this.options, this.#knownHosts);
    this.#connections.set(host, opening);
    try {
      return await opening;
    } catch (err) {
      if (this.#connections.get(host) === opening) this.#connections.delete(host);
      throw err;
    }
  }

  #asRoot(host: string, command: string): string {
    return this.targets(host).user === 'root' ? command : `sudo -n -- sh -c ${quote(command)}`;
  }

  async exec(host: string, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.#inFlight.use(async () => {
      const conn = await this.connection(host);
      // sshd ignores a closed channel and a signal request alike: a command we give up on (timeout,
      // abort) would run on. The login shell leads the command's process group (sshd calls setsid),
      // so its pid, kept in a file, lets a second channel kill the whole group.
      const pidFile = `/tmp/.stackhop-exec-${randomBytes(8).toString('hex')}.pid`;
      const wrapped = `echo $$ > ${pidFile}; ( ${this.#asRoot(host, command)}\n); rc=$?; rm -f ${pidFile}; exit $rc`;
      try {
        const result = await conn.exec(wrapped, opts);
        this.#checkSudo(host, command, result);
        return result;
      } catch (err) {
        if (err instanceof RemoteError && (err.code === 'timeout' || err.code === 'aborted')) {
          await this.#killGroup(host, pidFile);
          throw new RemoteError(err.code, host, err.message.replace(`${host}: `, ''), { command });
        }
        if (err instanceof RemoteError)
          throw new RemoteError(err.code, host, err.message.replace(`${host}: `, ''), {
            command,
            cause: err.detail.cause,
          });
        throw err;
      }
    }, opts.signal);
  }

  async #killGroup(host: string, pidFile: string): Promise<void> {
    const kill = `if test -s ${pidFile}; then kill -KILL -- -"$(cat ${pidFile})" 2>/dev/null; rm -f ${pidFile}; fi`;
    try {
      const conn = await this.connection(host);
      await conn.exec(this.#asRoot(host, kill), { timeoutMs: 10_000 });
    } catch {
      // The host is gone or the connection dropped: the command died with its session, or cannot be reached.
    }
  }

  /** The same command, but as the SSH user (no sudo): for checks of the login itself. */
  async execAsUser(host: string, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.#inFlight.use(async () => (await this.connection(host)).exec(command, opts), opts.signal);
  }

  #checkSudo(host: string, command: string, result: ExecResult): void {
    if (this.targets(host).user === 'root' || result.code === 0) return;
    if (SUDO_NEEDS_PASSWORD.test(result.stderr)) {
      throw new RemoteError(
        'sudo-password',
        host,
        `sudo asks ${this.targets(host).user} for a password; stackhop never types one. ` +
          'Give that user NOPASSWD sudo, or connect as root.',
        { command },
      );
    }
    if (SUDO_REQUIRES_TTY.test(result.stderr)) {
      const user = this.targets(host).user;
      throw new RemoteError(
        'sudo-password',
        host,
        `sudo requires a terminal for ${user} (RHEL/CentOS 6 sets "Defaults requiretty"); ` +
          `add "Defaults:${user} !requiretty" to a file in /etc/sudoers.d/, or connect as root.`,
        { command },
      );
    }
  }

  async readFile(host: string, path: string, signal?: AbortSignal): Promise<string | undefined> {
    if (this.targets(host).user !== 'root') {
      const r = await this.exec(
        host,
        `if test -e ${quote(path)}; then cat -- ${quote(path)}; else exit 44; fi`,
        {
          ...(signal !== undefined ? { signal } : {}),
        },
      );
      if (r.code === 44) return undefined;
      if (r.code !== 0) throw new RemoteError('sftp', host, `cannot read ${path}: ${r.stderr.trim()}`);
      return r.stdout;
    }
    return this.#inFlight.use(async () => {
      const conn = await this.connection(host);
      return conn.withSftp(
        (sftp) =>
          new Promise<string | undefined>((resolve, reject) => {
            sftp.readFile(path, (err, data) => {
              if (err === undefined || err === null) resolve(data.toString('utf8'));
              else if (isNoSuchFile(err)) resolve(undefined);
              else
                reject(new RemoteError('sftp', host, `cannot read ${path}: ${err.message}`, { cause: err }));
            });
          }),
        signal,
      );
    }, signal);
  }

  async writeFile(host: string, path: string, text: string, opts: WriteOptions = {}): Promise<void> {
    const mode = opts.mode ?? 0o644;
    const suffix = randomBytes(6).toString('hex');
    if (this.targets(host).user === 'root') {
      await this.#inFlight.use(async () => {
        const conn = await this.connection(host);
        await conn.withSftp((sftp) => writeAtomic(sftp, host, path, text, mode, suffix), opts.signal);
      }, opts.signal);
      return;
    }
    // A non-root user cannot create files beside the target: upload to its own temp file, then let
    // root copy it beside the target (keeping the old file's mode and owner) and rename it over.
    const upload = `/tmp/.stackhop-${suffix}`;
    await this.#inFlight.use(async () => {
      const conn = await this.connection(host);
      await conn.withSftp((sftp) => sftpWrite(sftp, host, upload, text, 0o600), opts.signal);
    }, opts.signal);
    const tmp = `${path}.stackhop-${suffix}`;
    const script = [
      'set -e',
      `cat -- ${quote(upload)} > ${quote(tmp)}`,
      `if test -e ${quote(path)}; then chmod --reference=${quote(path)} ${quote(tmp)}; chown --reference=${quote(path)} ${quote(tmp)}; else chmod ${mode.toString(8)} ${quote(tmp)}; fi`,
      `mv -f -- ${quote(tmp)} ${quote(path)}`,
    ].join('; ');
    try {
      const r = await this.exec(host, script, opts.signal !== undefined ? { signal: opts.signal } : {});
      if (r.code !== 0)
        throw new RemoteError('sftp', host, `cannot replace ${path}: ${r.stderr.trim()}`, {
          command: script,
        });
    } finally {
      await this.execAsUser(host, shellCommand(['rm', '-f', '--', upload])).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.close()));
  }
}

function isNoSuchFile(err: Error & { code?: unknown }): boolean {
  return err.code === 2 || err.code === 'ENOENT';
}

function sftpCall<T>(
  host: string,
  what: string,
  fn: (cb: (err: Error | null | undefined, v?: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn((err, v) => {
      if (err === undefined || err === null) resolve(v as T);
      else reject(new RemoteError('sftp', host, `${what}: ${err.message}`, { cause: err }));
    });
  });
}

async function sftpWrite(
  sftp: SFTPWrapper,
  host: string,
  path: string,
  text: string,
  mode: number,
): Promise<void> {
  const handle = await sftpCall<Buffer>(host, `cannot create ${path}`, (cb) =>
    sftp.open(path, 'w', { mode }, cb),
  );
  try {
    const data = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < data.length) {
      const n = Math.min(32 * 1024, data.length - offset);
      await sftpCall<void>(host, `cannot write ${path}`, (cb) =>
        sftp.write(handle, data, offset, n, offset, (e) => cb(e)),
      );
      offset += n;
    }
    // Durable before the rename makes it visible: otherwise a power cut could leave an empty config.
    await sftpCall<void>(host, `cannot fsync ${path}`, (cb) =>
      sftp.ext_openssh_fsync(handle, (e) => cb(e)),
    ).catch(() => undefined);
  } finally {
    await sftpCall<void>(host, `cannot close ${path}`, (cb) => sftp.close(handle, (e) => cb(e)));
  }
}

async function writeAtomic(
  sftp: SFTPWrapper,
  host: string,
  path: string,
  text: string,
  mode: number,
  suffix: string,
): Promise<void> {
  const tmp = posix.join(posix.dirname(path), `.${posix.basename(path)}.stackhop-${suffix}`);
  const old = await sftpCall<{ mode: number; uid: number; gid: number }>(host, `cannot stat ${path}`, (cb) =>
    sftp.stat(path, cb),
  ).catch((err: RemoteError) => {
    if (isNoSuchFile(err.detail.cause as Error)) return undefined;
    throw err;
  });
  await sftpWrite(sftp, host, tmp, text, old === undefined ? mode : old.mode & 0o7777);
  try {
    if (old !== undefined) {
      await sftpCall<void>(host, `cannot chown ${tmp}`, (cb) =>
        sftp.chown(tmp, old.uid, old.gid, (e) => cb(e)),
      );
      await sftpCall<void>(host, `cannot chmod ${tmp}`, (cb) =>
        sftp.chmod(tmp, old.mode & 0o7777, (e) => cb(e)),
      );
    }
    // posix-rename replaces the target in one step; plain SFTP rename refuses an existing target.
    await sftpCall<void>(host, `cannot rename ${tmp} to ${path}`, (cb) =>
      sftp.ext_openssh_rename(tmp, path, (e) => cb(e)),
    );
  } catch (err) {
    await sftpCall<void>(host, 'cleanup', (cb) => sftp.unlink(tmp, (e) => cb(e))).catch(() => undefined);
    throw err;
  }
}
