// The baseline of bench/ssh.bench.ts: ssh2 used directly, with nothing of SshPool's (no pid-file
// prologue, no semaphores, no stat/chown/chmod/fsync around the SFTP write). It still checks every
// host key against known_hosts, so the comparison with SshPool is fair.

import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import ssh2 from 'ssh2';

const { Client } = ssh2;
export type BareClient = InstanceType<typeof Client>;

export interface BareTarget {
  address: string;
  port: number;
  user: string;
}

export interface BareResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Plain `[addr]:port keytype base64` lines (what the fleet writes) → the key blobs known per name. */
export async function loadPlainKnownHosts(file: string): Promise<Map<string, Buffer[]>> {
  const known = new Map<string, Buffer[]>();
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    const [names, , key] = line.trim().split(/\s+/);
    if (names === undefined || key === undefined || names.startsWith('#') || names.startsWith('@')) continue;
    for (const name of names.split(',')) {
      const list = known.get(name) ?? [];
      list.push(Buffer.from(key, 'base64'));
      known.set(name, list);
    }
  }
  return known;
}

export function bareConnect(
  target: BareTarget,
  privateKey: Buffer,
  known: ReadonlyMap<string, readonly Buffer[]>,
): Promise<BareClient> {
  const name = target.port === 22 ? target.address : `[${target.address}]:${target.port}`;
  const client = new Client();
  return new Promise((resolve, reject) => {
    client.once('ready', () => {
      client.removeListener('error', reject);
      // A connection lost later (the fleet stopped under us) closes its channels; the round then fails
      // its checks instead of crashing on an unhandled 'error' event.
      client.on('error', () => undefined);
      resolve(client);
    });
    client.once('error', reject);
    client.connect({
      host: target.address,
      port: target.port,
      username: target.user,
      privateKey,
      readyTimeout: 15_000,
      hostVerifier: (key: Buffer) => known.get(name)?.some((k) => k.equals(key)) ?? false,
    });
  });
}

export function bareExec(client: BareClient, command: string): Promise<BareResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err !== undefined && err !== null) {
        reject(err);
        return;
      }
      const out: Buffer[] = [];
      const errOut: Buffer[] = [];
      let code = -1;
      stream.on('data', (d: Buffer) => out.push(d));
      stream.stderr.on('data', (d: Buffer) => errOut.push(d));
      stream.on('exit', (c: number | null) => {
        code = c ?? -1;
      });
      stream.on('close', () =>
        resolve({
          code,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(errOut).toString('utf8'),
        }),
      );
      stream.end();
    });
  });
}

export function bareSftp(client: BareClient): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    client.sftp((err, sftp) => (err !== undefined && err !== null ? reject(err) : resolve(sftp)));
  });
}

/** Write beside the target, then posix-rename over it (what an atomic write needs at the least). */
export function bareWriteFile(sftp: SFTPWrapper, path: string, text: string, suffix: string): Promise<void> {
  const tmp = posix.join(posix.dirname(path), `.${posix.basename(path)}.bench-${suffix}`);
  return new Promise((resolve, reject) => {
    sftp.writeFile(tmp, text, { mode: 0o644 }, (err) => {
      if (err !== undefined && err !== null) {
        reject(err);
        return;
      }
      sftp.ext_openssh_rename(tmp, path, (e) => (e !== undefined && e !== null ? reject(e) : resolve()));
    });
  });
}
