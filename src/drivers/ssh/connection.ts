// One SSH connection to one host: verified host key, keepalive, multiplexed channels under a cap,
// commands with timeouts and cancellation, SFTP. The pool (pool.ts) owns connections and reconnects.

import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import type { ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import ssh2 from 'ssh2';
import { RemoteError } from './errors.js';
import {
  appendKnownHost,
  hostKeyName,
  type KnownHostsIndex,
  knownKeyTypes,
  verifyHostKey,
} from './known-hosts.js';
import { Semaphore } from './semaphore.js';
import type { SshOptions, SshTarget } from './target.js';

const { Client } = ssh2;
type SshClient = InstanceType<typeof Client>;

export interface ExecOptions {
  /** Kill the command and fail after this long. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Each complete line of output as it arrives (the journal's stream). */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Text written to the command's stdin, then closed. */
  stdin?: string;
}

export interface ExecResult {
  /** The exit status; a command killed by a signal reports 128 + n like a shell. */
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Output kept in memory per stream; the journal keeps its own, smaller, bound. */
const CAPTURE_LIMIT = 4 * 1024 * 1024;

const SIGNAL_CODES: Readonly<Record<string, number>> = { HUP: 1, INT: 2, KILL: 9, TERM: 15, PIPE: 13 };

/** known_hosts writes from concurrent first connections are serialised so none is lost. */
let knownHostsWrites: Promise<void> = Promise.resolve();

export interface KnownHostsSource {
  index(): Promise<KnownHostsIndex>;
  /** Forget the cached file after we appended to it. */
  invalidate(): void;
}

export class SshConnection {
  readonly #client: SshClient;
  readonly #channels: Semaphore;
  #sftp: Promise<SFTPWrapper> | undefined;
  #closed = false;
  #closeReason: unknown;
  readonly #onClose = new Set<(err: unknown) => void>();

  private constructor(
    readonly target: SshTarget,
    client: SshClient,
    channels: number,
    /** The jump connection this one tunnels through; closed with it. */
    readonly via: SshConnection | undefined,
  ) {
    this.#client = client;
    this.#channels = new Semaphore(channels);
    const markClosed = (err?: unknown) => {
      if (this.#closed) return;
      this.#closed = true;
      this.#closeReason = err;
      // A reconnect opens a new tunnel: the old jump connection must not linger.
      this.via?.close();
      for (const f of this.#onClose) f(err);
    };
    client.on('close', () => markClosed());
    client.on('error', (err) => markClosed(err));
    client.on('end', () => markClosed());
  }

  get closed(): boolean {
    return this.#closed;
  }

  static async open(
    target: SshTarget,
    options: SshOptions,
    knownHosts: KnownHostsSource,
  ): Promise<SshConnection> {
    const via =
      target.jump === undefined ? undefined : await SshConnection.open(target.jump, options, knownHosts);
    try {
      const sock = via === undefined ? undefined : await via.#forward(target);
      const client = await connect(target, options, knownHosts, sock);
      return new SshConnection(target, client, options.channelsPerHost, via);
    } catch (err) {
      via?.close();
      throw err;
    }
  }

  #forward(to: SshTarget): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      this.#client.forwardOut('127.0.0.1', 0, to.address, to.port, (err, stream) => {
        if (err !== undefined && err !== null) {
          reject(
            new RemoteError(
              'unreachable',
              to.name,
              `cannot reach ${to.address}:${to.port} through ${this.target.name}: ${err.message}`,
              { cause: err },
            ),
          );
        } else {
          resolve(stream);
        }
      });
    });
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.#closed) throw this.#lost(command);
    const release = await this.#channels.acquire(opts.signal);
    try {
      return await this.#execOnChannel(command, opts);
    } finally {
      release();
    }
  }

  #execOnChannel(command: string, opts: ExecOptions): Promise<ExecResult> {
    const host = this.target.name;
    const started = performance.now();
    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false;
      let channel: ClientChannel | undefined;
      let timer: NodeJS.Timeout | undefined;
      const finish = (err: unknown, result?: ExecResult) => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        this.#onClose.delete(onConnectionClose);
        if (err === undefined && result !== undefined) resolve(result);
        else reject(err);
      };
      const kill = () => {
        // sshd delivers the signal to the command where it supports the request (OpenSSH ≥ 7.9); the
        // close makes sure the channel is freed either way.
        try {
          channel?.signal('KILL');
        } catch {
          // the channel may already be gone
        }
        channel?.close();
      };
      const onAbort = () => {
        kill();
        finish(new RemoteError('aborted', host, 'command aborted', { command, cause: opts.signal?.reason }));
      };
      const onConnectionClose = () => finish(this.#lost(command));
      if (opts.signal?.aborted === true) {
        onAbort();
        return;
      }
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.#onClose.add(onConnectionClose);
      if (opts.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          kill();
          finish(
            new RemoteError('timeout', host, `command timed out after ${formatMs(opts.timeoutMs ?? 0)}`, {
              command,
            }),
          );
        }, opts.timeoutMs);
      }
      this.#client.exec(command, (err, stream) => {
        if (err !== undefined && err !== null) {
          finish(
            new RemoteError('connection-lost', host, `cannot open a channel: ${err.message}`, {
              command,
              cause: err,
            }),
          );
          return;
        }
        channel = stream;
        if (settled) {
          kill();
          return;
        }
        const out = new Capture('stdout', opts.onLine);
        const errOut = new Capture('stderr', opts.onLine);
        let exit: number | undefined;
        stream.on('data', (d: Buffer) => out.push(d));
        stream.stderr.on('data', (d: Buffer) => errOut.push(d));
        stream.on('exit', (code: number | null, signalName?: string) => {
          exit = code ?? 128 + (SIGNAL_CODES[signalName ?? ''] ?? 0);
        });
        stream.on('close', () => {
          out.flush();
          errOut.flush();
          if (exit === undefined) {
            finish(this.#lost(command));
            return;
          }
          finish(undefined, {
            code: exit,
            stdout: out.text(),
            stderr: errOut.text(),
            durationMs: performance.now() - started,
          });
        });
        if (opts.stdin !== undefined) stream.end(opts.stdin);
        else stream.end();
      });
    });
  }

  #lost(command: string): RemoteError {
    const why = this.#closeReason instanceof Error ? `: ${this.#closeReason.message}` : '';
    return new RemoteError('connection-lost', this.target.name, `connection lost${why}`, { command });
  }

  sftp(): Promise<SFTPWrapper> {
    if (this.#sftp === undefined) {
      this.#sftp = new Promise<SFTPWrapper>((resolve, reject) => {
        this.#client.sftp((err, sftp) => {
          if (err !== undefined && err !== null) {
            this.#sftp = undefined;
            reject(
              new RemoteError('sftp', this.target.name, `cannot start SFTP: ${err.message}`, { cause: err }),
            );
          } else {
            sftp.on('close', () => {
              this.#sftp = undefined;
            });
            resolve(sftp);
          }
        });
      });
    }
    return this.#sftp;
  }

  /** Runs SFTP work under the channel cap (the SFTP session holds one channel while in use). */
  withSftp<T>(work: (sftp: SFTPWrapper) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.#closed) return Promise.reject(this.#lost('sftp'));
    return this.#channels.use(async () => work(await this.sftp()), signal);
  }

  close(): void {
    this.#closed = true;
    this.#client.end();
    this.via?.close();
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** Collects one stream, bounded, and cuts it into lines for the live view. */
class Capture {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  #truncated = false;
  #partial = '';

  constructor(
    readonly stream: 'stdout' | 'stderr',
    readonly onLine: ExecOptions['onLine'],
  ) {}

  push(chunk: Buffer): void {
    if (this.#size < CAPTURE_LIMIT) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
    } else {
      this.#truncated = true;
    }
    if (this.onLine === undefined) return;
    const text = this.#partial + chunk.toString('utf8');
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(this.stream, line.replace(/\r$/, ''));
  }

  flush(): void {
    if (this.#partial !== '' && this.onLine !== undefined) this.onLine(this.stream, this.#partial);
    this.#partial = '';
  }

  text(): string {
    const s = Buffer.concat(this.#chunks).toString('utf8');
    return this.#truncated ? `${s}\n[output truncated at ${CAPTURE_LIMIT} bytes]` : s;
  }
}

async function readKeys(target: SshTarget): Promise<Buffer | undefined> {
  for (const file of target.identityFiles) {
    try {
      return await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new RemoteError(
          'auth',
          target.name,
          `cannot read identity file ${file}: ${(err as Error).message}`,
        );
      }
    }
  }
  return undefined;
}

async function connect(
  target: SshTarget,
  options: SshOptions,
  knownHosts: KnownHostsSource,
  sock: Duplex | undefined,
): Promise<SshClient> {
  const names = [
    ...new Set([hostKeyName(target.address, target.port), hostKeyName(target.name, target.port)]),
  ];
  // Only the entries that apply to this host, looked up once.
  const entries = (await knownHosts.index()).entriesFor(names);
  const preferred = knownKeyTypes(entries, names);
  const privateKey = await readKeys(target);
  let refusal: RemoteError | undefined;
  let accepted: Buffer | undefined;

  const config: ConnectConfig = {
    host: target.address,
    port: target.port,
    username: target.user,
    readyTimeout: options.connectTimeoutMs,
    keepaliveInterval: options.keepaliveIntervalMs,
    keepaliveCountMax: options.keepaliveCountMax,
    ...(sock !== undefined ? { sock } : {}),
    ...(privateKey !== undefined ? { privateKey } : {}),
    ...(options.agentSocket !== undefined ? { agent: options.agentSocket } : {}),
    // Offer the key types we already know for this host first, so a host with several keys shows the
    // one we can check (what OpenSSH does with HostKeyAlgorithms).
    ...(preferred.length > 0
      ? {
          algorithms: {
            serverHostKey: {
              prepend: preferred as ssh2.ServerHostKeyAlgorithm[],
              append: [],
              remove: [],
            },
          },
        }
      : {}),
    hostVerifier: (key: Buffer) => {
      const verdict = verifyHostKey(entries, names, key);
      if (verdict === 'match') return true;
      if (verdict === 'unknown' && options.acceptNewHostKeys) {
        accepted = key;
        return true;
      }
      refusal = hostKeyRefusal(target, verdict, options.knownHostsPath);
      return false;
    },
  };

  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error & { level?: string; code?: string }) => {
      client.removeListener('ready', onReady);
      client.end();
      reject(refusal ?? connectError(target, err));
    };
    const onReady = () => {
      client.removeListener('error', onError);
      resolve();
    };
    client.once('ready', onReady);
    client.once('error', onError);
    client.connect(config);
  });
  // Errors after the handshake close the connection (the pool reconnects); they must have a listener.
  client.on('error', () => undefined);
  if (accepted !== undefined) {
    const key = accepted;
    // One failed write must not fail every later one: the chain goes on from a settled promise.
    const write = knownHostsWrites
      .catch(() => undefined)
      .then(() => appendKnownHost(options.knownHostsPath, names.join(','), key))
      .finally(() => knownHosts.invalidate());
    knownHostsWrites = write.catch(() => undefined);
    try {
      await write;
    } catch (err) {
      client.end();
      throw new RemoteError(
        'host-key-unknown',
        target.name,
        `cannot record the host key in ${options.knownHostsPath}: ${(err as Error).message}`,
      );
    }
  }
  return client;
}

function hostKeyRefusal(
  target: SshTarget,
  verdict: 'unknown' | 'changed' | 'revoked',
  file: string,
): RemoteError {
  const where = `${target.address}:${target.port}`;
  if (verdict === 'changed') {
    return new RemoteError(
      'host-key-changed',
      target.name,
      `REFUSED: the host key of ${where} differs from the one in ${file}. Someone may be intercepting the ` +
        'connection, or the host was reinstalled; check it out of band, then remove the old entry (ssh-keygen -R).',
    );
  }
  if (verdict === 'revoked') {
    return new RemoteError(
      'host-key-revoked',
      target.name,
      `REFUSED: the host key of ${where} is marked @revoked in ${file}`,
    );
  }
  return new RemoteError(
    'host-key-unknown',
    target.name,
    `the host key of ${where} is not in ${file}; add it (ssh-keyscan, checked out of band) or pass --accept-new-host-keys`,
  );
}

function connectError(target: SshTarget, err: Error & { level?: string; code?: string }): RemoteError {
  const where = `${target.user}@${target.address}:${target.port}`;
  if (err.level === 'client-authentication') {
    return new RemoteError('auth', target.name, `authentication failed for ${where} (no key accepted)`, {
      cause: err,
    });
  }
  if (err.level === 'client-timeout' || /Timed out/i.test(err.message)) {
    return new RemoteError(
      'unreachable',
      target.name,
      `no SSH handshake from ${where} within the connect timeout`,
      { cause: err },
    );
  }
  const code = err.code !== undefined ? ` (${err.code})` : '';
  return new RemoteError('unreachable', target.name, `cannot connect to ${where}${code}: ${err.message}`, {
    cause: err,
  });
}
