// The SSH executor against real OpenSSH sshd hosts on loopback (test/fleet): host keys, sudo,
// timeouts, dropped connections, unreachable hosts, jump hosts, SFTP writes, channel limits.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteError } from '../src/drivers/ssh/errors.js';
import { SshPool } from '../src/drivers/ssh/pool.js';
import { DEFAULT_SSH_OPTIONS, type SshTarget } from '../src/drivers/ssh/target.js';
import { FLEET_USERS, type Fleet, startFleet } from './fleet/fleet.js';

const HOSTS = ['s1', 's2', 's3', 's4'];
let fleet: Fleet;
let dir: string;

function targets(user = 'root', overrides: Partial<SshTarget> = {}) {
  return (name: string): SshTarget => {
    const h = fleet.host(name);
    return {
      name,
      address: h.address,
      port: h.port,
      user,
      identityFiles: [fleet.clientKeyPath],
      ...overrides,
    };
  };
}

function pool(
  o: {
    user?: string;
    knownHosts?: string;
    acceptNew?: boolean;
    channels?: number;
    target?: Partial<SshTarget>;
  } = {},
) {
  return new SshPool(targets(o.user, o.target), {
    ...DEFAULT_SSH_OPTIONS,
    connectTimeoutMs: 5000,
    knownHostsPath: o.knownHosts ?? fleet.knownHostsPath,
    acceptNewHostKeys: o.acceptNew ?? false,
    channelsPerHost: o.channels ?? 8,
    maxInFlight: 64,
  });
}

async function rejection(p: Promise<unknown>): Promise<RemoteError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RemoteError) return err;
    throw err;
  }
  throw new Error('expected a RemoteError');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'stackhop-ssh-'));
  fleet = await startFleet({ dir, hosts: HOSTS, firstAddress: '127.0.11.1' });
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('SSH executor on real sshd hosts', () => {
  it('runs commands as root with exit codes, stdout, stderr and streamed lines', async () => {
    const p = pool();
    try {
      const lines: string[] = [];
      const r = await p.exec('s1', 'echo one; echo two >&2; hostname; exit 3', {
        onLine: (s, l) => lines.push(`${s}:${l}`),
      });
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('one\ns1\n');
      expect(r.stderr).toBe('two\n');
      expect(lines).toEqual(expect.arrayContaining(['stdout:one', 'stderr:two', 'stdout:s1']));
      expect(r.durationMs).toBeGreaterThan(0);
    } finally {
      await p.close();
    }
  });

  it('multiplexes many commands over one connection under the channel cap', async () => {
    const p = pool({ channels: 4 });
    try {
      const rs = await Promise.all(Array.from({ length: 24 }, (_, i) => p.exec('s2', `echo ${i}`)));
      expect(rs.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 24 }, (_, i) => String(i)));
    } finally {
      await p.close();
    }
  });

  it('refuses a host missing from known_hosts, and records it only with the explicit flag', async () => {
    const empty = path.join(dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    const strict = pool({ knownHosts: empty });
    const err = await rejection(strict.exec('s1', 'true'));
    expect(err.code).toBe('host-key-unknown');
    expect(err.message).toMatch(/--accept-new-host-keys/);
    await strict.close();

    const accepting = pool({ knownHosts: empty, acceptNew: true });
    expect((await accepting.exec('s1', 'echo ok')).stdout).toBe('ok\n');
    await accepting.close();
    expect(readFileSync(empty, 'utf8')).toContain(
      `[${fleet.host('s1').address}]:${fleet.host('s1').port},[s1]:${fleet.host('s1').port} ssh-ed25519 `,
    );

    const again = pool({ knownHosts: empty });
    expect((await again.exec('s1', 'echo ok')).code).toBe(0);
    await again.close();
  });

  it('always refuses a changed host key, even when accepting new ones', async () => {
    const saved = path.join(dir, 'saved_known_hosts');
    writeFileSync(saved, readFileSync(fleet.knownHostsPath));
    await fleet.rotateHostKey('s4');
    try {
      const p = pool({ knownHosts: saved, acceptNew: true });
      const err = await rejection(p.exec('s4', 'true'));
      expect(err.code).toBe('host-key-changed');
      expect(err.message).toMatch(/REFUSED/);
      expect(err.permanent).toBe(true);
      await p.close();
      expect(readFileSync(saved, 'utf8')).toBe(readFileSync(saved, 'utf8'));
    } finally {
      // The fleet's own known_hosts follows the rotation.
    }
  });

  it('gets root through sudo -n for a non-root user, including atomic file writes', async () => {
    const p = pool({ user: FLEET_USERS.sudoer });
    try {
      expect((await p.exec('s1', 'id -u')).stdout.trim()).toBe('0');
      expect((await p.execAsUser('s1', 'id -un')).stdout.trim()).toBe(FLEET_USERS.sudoer);
      await fleet.write('s1', '/etc/nova/nova.conf', '[DEFAULT]\nverbose=True\n');
      await p.exec('s1', 'chmod 640 /etc/nova/nova.conf');
      await p.writeFile('s1', '/etc/nova/nova.conf', '[DEFAULT]\nverbose=False\n');
      expect(await p.readFile('s1', '/etc/nova/nova.conf')).toBe('[DEFAULT]\nverbose=False\n');
      expect((await p.exec('s1', 'stat -c %a /etc/nova/nova.conf')).stdout.trim()).toBe('640');
      expect(await p.readFile('s1', '/etc/nova/absent.conf')).toBeUndefined();
    } finally {
      await p.close();
    }
  });

  it('a sudo that wants a password is a clear, permanent error and never a hang', async () => {
    const p = pool({ user: FLEET_USERS.needsPassword });
    try {
      const started = Date.now();
      const err = await rejection(p.exec('s2', 'true'));
      expect(err.code).toBe('sudo-password');
      expect(err.message).toMatch(/NOPASSWD/);
      expect(err.permanent).toBe(true);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await p.close();
    }
  });

  it('root writes go through SFTP with a temp file and a rename, keeping mode and owner', async () => {
    const p = pool();
    try {
      await fleet.write('s3', '/etc/nova/api-paste.ini', 'old\n');
      await p.exec('s3', 'chmod 600 /etc/nova/api-paste.ini && chown 1:1 /etc/nova/api-paste.ini');
      await p.writeFile('s3', '/etc/nova/api-paste.ini', 'new\n');
      expect(await fleet.read('s3', '/etc/nova/api-paste.ini')).toBe('new\n');
      expect((await p.exec('s3', 'stat -c "%a %u %g" /etc/nova/api-paste.ini')).stdout.trim()).toBe(
        '600 1 1',
      );
      expect((await p.exec('s3', 'ls -a /etc/nova | grep -c stackhop || true')).stdout.trim()).toBe('0');
      await p.writeFile('s3', '/etc/nova/brand-new.conf', 'x\n', { mode: 0o640 });
      expect((await p.exec('s3', 'stat -c %a /etc/nova/brand-new.conf')).stdout.trim()).toBe('640');
    } finally {
      await p.close();
    }
  });

  it('a command past its timeout is killed and fails as a timeout', async () => {
    const p = pool();
    try {
      const started = Date.now();
      const err = await rejection(p.exec('s1', 'sleep 31.25', { timeoutMs: 500 }));
      expect(err.code).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(5000);
      // sshd delivers the KILL: nothing of the command is left running on the host.
      await new Promise((r) => setTimeout(r, 300));
      expect((await p.exec('s1', 'ps -eo args | grep -c "^sleep 31.25$" || true')).stdout.trim()).toBe('0');
      // The connection stays usable for the next command.
      expect((await p.exec('s1', 'echo after')).stdout).toBe('after\n');
    } finally {
      await p.close();
    }
  });

  it('an abort signal cancels a running command', async () => {
    const p = pool();
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('operator abort')), 300);
      const err = await rejection(p.exec('s2', 'sleep 30', { signal: ac.signal }));
      expect(err.code).toBe('aborted');
    } finally {
      await p.close();
    }
  });

  it('a connection dropped mid-command fails that command, and the next one reconnects', async () => {
    const p = pool();
    try {
      expect((await p.exec('s3', 'true')).code).toBe(0);
      const running = rejection(p.exec('s3', 'sleep 30'));
      await new Promise((r) => setTimeout(r, 400));
      await fleet.dropConnections('s3');
      const err = await running;
      expect(err.code).toBe('connection-lost');
      expect((await p.exec('s3', 'echo back')).stdout).toBe('back\n');
    } finally {
      await p.close();
    }
  });

  it('an unreachable host fails fast with the address in the message', async () => {
    await fleet.stopHost('s2');
    const p = pool();
    try {
      const err = await rejection(p.exec('s2', 'true'));
      expect(err.code).toBe('unreachable');
      expect(err.message).toContain(fleet.host('s2').address);
    } finally {
      await p.close();
      await fleet.startHost('s2');
    }
  });

  it('reaches a host through a jump host (ProxyJump)', async () => {
    const jump: SshTarget = {
      name: 's1',
      address: fleet.host('s1').address,
      port: fleet.host('s1').port,
      user: 'root',
      identityFiles: [fleet.clientKeyPath],
    };
    const p = pool({ target: { jump } });
    try {
      const r = await p.exec('s3', 'hostname');
      expect(r.stdout.trim()).toBe('s3');
    } finally {
      await p.close();
    }
  });
});
