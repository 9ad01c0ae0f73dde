// Proves the SSH test fleet with ssh2 directly (no project code): real sshd, real sudo, real SFTP, and the
// shims' contract as test/fleet/README.md states it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMachineMariadb } from '../support/machine-mariadb.js';
import { type Fleet, fleetAvailable, type HostSeed, startFleet } from './fleet.js';

const { Client } = ssh2;
type Client = InstanceType<typeof Client>;
type SFTPWrapper = ssh2.SFTPWrapper;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PROJECT = path.resolve(HERE, '../..');

// ---------- a tiny known_hosts check ----------
/** The host key blobs that a known_hosts file lists for `[address]:port`. */
function knownKeys(file: string, address: string, port: number): Buffer[] {
  const want = port === 22 ? address : `[${address}]:${port}`;
  const keys: Buffer[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [names, , b64] = line.trim().split(/\s+/);
    if (!names || names.startsWith('#') || b64 === undefined) continue;
    if (names.split(',').includes(want)) keys.push(Buffer.from(b64, 'base64'));
  }
  return keys;
}

interface ConnectOpts {
  user?: string;
  /** Key blobs accepted for the host; default: the fleet's known_hosts entry. */
  accept?: (key: Buffer) => boolean;
}
function connect(fleet: Fleet, name: string, o: ConnectOpts = {}): Promise<Client> {
  const h = fleet.host(name);
  const accept =
    o.accept ??
    ((key: Buffer) => knownKeys(fleet.knownHostsPath, h.address, h.port).some((k) => k.equals(key)));
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.once('ready', () => resolve(c));
    c.once('error', reject);
    c.connect({
      host: h.address,
      port: h.port,
      username: o.user ?? 'root',
      privateKey: readFileSync(fleet.clientKeyPath),
      hostVerifier: (key: Buffer) => accept(key),
      readyTimeout: 10_000,
    });
  });
}

interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}
function run(c: Client, cmd: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    c.exec(cmd, (err, stream) => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      stream.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      stream.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      stream.on('close', (code: number | null) => resolve({ code, stdout, stderr }));
    });
  });
}
const sftpOf = (c: Client) =>
  new Promise<SFTPWrapper>((resolve, reject) => c.sftp((e, s) => (e ? reject(e) : resolve(s))));
const cb =
  <T>(resolve: (v: T) => void, reject: (e: Error) => void) =>
  (e: Error | null | undefined, v?: T) =>
    e ? reject(e) : resolve(v as T);

/** A dpkg-query -W format (dpkg's `${Field}` syntax, not a JS template). */
const dpkgFields = (...fields: string[]) => fields.map((f) => `$\{${f}}`).join(' ');

const VERSIONS = {
  havana: { apt: '1:2013.2.3-0ubuntu1~cloud0', yum: '2013.2.3-1.el6' },
  icehouse: { apt: '1:2014.1.5-0ubuntu1~cloud0', yum: '2014.1.5-1.el6' },
};
const HEADS = {
  havana: { nova: '216', keystone: '34', neutron: 'havana' },
  icehouse: { nova: '233', keystone: '44', neutron: 'icehouse' },
};

// The fleet's machine requirements are installed by scripts/fleet-deps.mjs (run by the test command): a
// missing one fails here rather than skipping the suite.
if (!fleetAvailable())
  throw new Error('the SSH test fleet needs root, sshd and sudo: run node scripts/fleet-deps.mjs');
const HOSTS = ['ctl1', 'ctl2', 'net1', 'cmp1', 'cmp2', 'cmp3', 'cmp4', 'cmp5'];

describe('SSH test fleet', () => {
  let dir: string;
  let fleet: Fleet;
  const clients: Client[] = [];
  const open = async (name: string, o?: ConnectOpts) => {
    const c = await connect(fleet, name, o);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stackhop-fleet-'));
    const t = performance.now();
    // Not the defaults (127.0.1.1:2422): other test files' fleets may use those at the same time.
    fleet = await startFleet({ dir, hosts: HOSTS, port: 2422, firstAddress: '127.0.9.1' });
    console.log(`startFleet(${HOSTS.length} hosts): ${(performance.now() - t).toFixed(0)} ms`);
  });
  afterAll(async () => {
    for (const c of clients) c.end();
    await fleet?.stop();
    await fleet?.stop(); // idempotent
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves 8 hosts as root, each with its own host key, hostname and /etc/nova', async () => {
    expect(fleet.hosts.map((h) => h.address)).toEqual(HOSTS.map((_, i) => `127.0.9.${i + 1}`));
    await Promise.all(HOSTS.map((n) => fleet.write(n, '/etc/nova/nova.conf', `[DEFAULT]\nhost = ${n}\n`)));
    const seen = await Promise.all(
      HOSTS.map(async (n) => {
        const c = await open(n);
        return (await run(c, 'hostname; ls -A /etc/nova; cat /etc/nova/nova.conf; id -un')).stdout;
      }),
    );
    seen.forEach((out, i) => {
      expect(out).toBe(`${HOSTS[i]}\nnova.conf\n[DEFAULT]\nhost = ${HOSTS[i]}\nroot\n`);
    });
    expect(new Set(HOSTS.map((n) => fleet.hostKey(n))).size).toBe(HOSTS.length);
    // The machine's own /etc/nova is untouched.
    expect(
      existsSync('/etc/nova/nova.conf') &&
        readFileSync('/etc/nova/nova.conf', 'utf8').includes('host = ctl1'),
    ).toBe(false);
  });

  it('puts the shims first in PATH for root and for sudo', async () => {
    const c = await open('ctl1');
    expect((await run(c, 'command -v service su apt-get')).stdout).toBe(
      '/usr/local/sbin/service\n/usr/local/sbin/su\n/usr/local/sbin/apt-get\n',
    );
    const s = await open('ctl1', { user: fleet.users.sudoer });
    expect((await run(s, 'sudo -n sh -c "command -v dpkg-query"')).stdout).toBe(
      '/usr/local/sbin/dpkg-query\n',
    );
  });

  it('service: state round trip, messages and exit codes, recorded calls', async () => {
    await fleet.seed('cmp1', { services: { 'nova-compute': 'running', 'neutron-ovs-agent': 'stopped' } });
    const c = await open('cmp1');
    const r = async (cmd: string) => run(c, cmd);
    expect(await r('service nova-compute status')).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^nova-compute start\/running, process \d+\n$/),
    });
    expect(await r('service nova-compute stop')).toMatchObject({ code: 0 });
    expect(await fleet.read('cmp1', '/var/lib/stackhop-fake/services/nova-compute')).toBe('stopped\n');
    expect(await r('service nova-compute stop')).toMatchObject({
      code: 1,
      stderr: 'stop: Unknown instance: \n',
    });
    expect(await r('service nova-compute status')).toMatchObject({
      code: 3,
      stdout: 'nova-compute stop/waiting\n',
    });
    expect(await r('service nova-compute start')).toMatchObject({ code: 0 });
    expect(await r('service nova-compute start')).toMatchObject({
      code: 1,
      stderr: 'start: Job is already running: nova-compute\n',
    });
    expect(await r('service neutron-ovs-agent restart')).toMatchObject({ code: 0 });
    expect(await fleet.read('cmp1', '/var/lib/stackhop-fake/services/neutron-ovs-agent')).toBe('running\n');
    expect(await r('service nova-api start')).toMatchObject({
      code: 1,
      stderr: 'nova-api: unrecognized service\n',
    });
    const calls = await fleet.calls('cmp1');
    expect(calls.map((x) => [x.argv.join(' '), x.exit, x.user])).toEqual([
      ['service nova-compute status', 0, 'root'],
      ['service nova-compute stop', 0, 'root'],
      ['service nova-compute stop', 1, 'root'],
      ['service nova-compute status', 3, 'root'],
      ['service nova-compute start', 0, 'root'],
      ['service nova-compute start', 1, 'root'],
      ['service neutron-ovs-agent restart', 0, 'root'],
      ['service nova-api start', 1, 'root'],
    ]);
    expect(calls.every((x) => x.t > Date.now() - 120_000)).toBe(true);
  });

  const aptSeed: HostSeed = {
    packages: { 'nova-common': VERSIONS.havana.apt, 'nova-compute': VERSIONS.havana.apt },
    versions: VERSIONS,
    repo: 'havana',
    heads: HEADS,
    projectPackage: { nova: 'nova-common', neutron: 'nova-common' },
    schema: { nova: '216', neutron: 'havana' },
  };

  it('apt: add-apt-repository, apt-get update, install --only-upgrade, dpkg-query', async () => {
    await fleet.seed('cmp2', aptSeed);
    const c = await open('cmp2');
    expect((await run(c, 'add-apt-repository -y cloud-archive:icehouse')).code).toBe(0);
    expect(await fleet.read('cmp2', '/etc/apt/sources.list.d/cloudarchive-icehouse.list')).toContain(
      'icehouse',
    );
    // Before the update, the available release is still havana: nothing to upgrade.
    const upgrade =
      'apt-get -y -q -o Dpkg::Options::=--force-confold install --only-upgrade nova-common nova-api';
    expect((await run(c, upgrade)).code).toBe(0);
    expect(await fleet.read('cmp2', '/var/lib/stackhop-fake/packages/nova-common')).toBe(
      `${VERSIONS.havana.apt}\n`,
    );
    expect((await run(c, 'apt-get update')).code).toBe(0);
    expect((await run(c, upgrade)).code).toBe(0);
    const q = await run(
      c,
      `dpkg-query -W -f='${dpkgFields('Package', 'Version', 'db:Status-Abbrev')}\\n' nova-common nova-api`,
    );
    expect(q).toEqual({
      code: 1,
      stdout: `nova-common ${VERSIONS.icehouse.apt} ii \n`,
      stderr: 'dpkg-query: no packages found matching nova-api\n',
    });
    // nova-compute was not named; dist-upgrade takes it too.
    expect((await run(c, `dpkg-query -W -f='${dpkgFields('Version')}' nova-compute`)).stdout).toBe(
      VERSIONS.havana.apt,
    );
    expect((await run(c, 'DEBIAN_FRONTEND=noninteractive apt-get -y dist-upgrade')).code).toBe(0);
    expect((await run(c, `dpkg-query -W -f='${dpkgFields('Version')}' nova-compute`)).stdout).toBe(
      VERSIONS.icehouse.apt,
    );
    // Removing the repository and updating falls back to the seeded release.
    await run(c, 'add-apt-repository -y --remove cloud-archive:icehouse && apt-get update');
    expect(await fleet.read('cmp2', '/etc/apt/sources.list.d/cloudarchive-icehouse.list')).toBeUndefined();
    expect(await fleet.read('cmp2', '/var/lib/stackhop-fake/available')).toBe('havana\n');
  });

  it('yum and rpm: rdo-release switch, upgrade, rpm -q', async () => {
    await fleet.seed('cmp3', {
      packages: {
        'openstack-nova-common': VERSIONS.havana.yum,
        'openstack-nova-compute': VERSIONS.havana.yum,
      },
      versions: VERSIONS,
      repo: 'havana',
    });
    const c = await open('cmp3');
    const qf = "rpm -q --qf '%{NAME} %{VERSION} %{RELEASE}\\n' openstack-nova-common openstack-nova-api";
    expect(await run(c, qf)).toEqual({
      code: 1,
      stdout: 'openstack-nova-common 2013.2.3 1.el6\npackage openstack-nova-api is not installed\n',
      stderr: '',
    });
    expect((await run(c, 'yum -y -q erase rdo-release-havana')).code).toBe(0);
    expect(await fleet.read('cmp3', '/var/lib/stackhop-fake/repo')).toBeUndefined();
    const url =
      'https://repos.fedorapeople.org/repos/openstack/openstack-icehouse/rdo-release-icehouse-4.noarch.rpm';
    expect((await run(c, `yum -y install ${url} && yum makecache`)).code).toBe(0);
    expect(await fleet.read('cmp3', '/etc/yum.repos.d/rdo-release.repo')).toContain('[openstack-icehouse]');
    expect((await run(c, 'yum -y upgrade openstack-nova-common')).code).toBe(0);
    expect((await run(c, "rpm -q --qf '%{VERSION}-%{RELEASE}' openstack-nova-compute")).stdout).toBe(
      VERSIONS.havana.yum,
    );
    expect((await run(c, 'yum -y -q update')).code).toBe(0);
    expect((await run(c, 'rpm -q openstack-nova-compute openstack-nova-common')).stdout).toBe(
      'openstack-nova-compute-2014.1.5-1.el6.noarch\nopenstack-nova-common-2014.1.5-1.el6.noarch\n',
    );
  });

  it('su runs the command as the current user, records the target and passes the exit code', async () => {
    await fleet.seed('cmp4', {});
    const c = await open('cmp4');
    expect(await run(c, 'su -s /bin/sh -c \'id -un; echo "$0"; exit 7\' nova')).toEqual({
      code: 7,
      stdout: 'root\n/bin/sh\n',
      stderr: '',
    });
    expect(await fleet.calls('cmp4')).toMatchObject([
      {
        argv: ['su', '-s', '/bin/sh', '-c', 'id -un; echo "$0"; exit 7', 'nova'],
        user: 'root',
        as: 'nova',
        exit: 7,
      },
    ]);
  });

  it('schema tools: db sync moves the schema to the installed release head', async () => {
    await fleet.seed('cmp2', {
      ...aptSeed,
      projectPackage: { nova: 'nova-common', neutron: 'nova-common', keystone: 'nova-common' },
    });
    const c = await open('cmp2');
    expect((await run(c, 'nova-manage db version')).stdout).toBe('216\n');
    expect((await run(c, 'su -s /bin/sh -c "nova-manage db sync" nova')).code).toBe(0);
    expect((await run(c, 'nova-manage db version')).stdout).toBe('216\n');
    await run(c, 'add-apt-repository -y cloud-archive:icehouse && apt-get update && apt-get -y dist-upgrade');
    expect((await run(c, 'su -s /bin/sh -c "nova-manage db sync" nova')).code).toBe(0);
    expect((await run(c, 'nova-manage db version')).stdout).toBe('233\n');
    expect(await fleet.read('cmp2', '/var/lib/stackhop-fake/schema/nova')).toBe('233\n');
    const ndm =
      'neutron-db-manage --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugin.ini';
    expect((await run(c, `${ndm} current`)).stdout).toBe('havana\n');
    expect((await run(c, `${ndm} upgrade head`)).code).toBe(0);
    expect((await run(c, `${ndm} current`)).stdout).toBe('icehouse (head)\n');
    expect((await run(c, 'keystone-manage db_sync && keystone-manage db_version')).stdout).toBe('44\n');
    // A project whose package is not seeded fails loudly; unknown argv succeeds and is recorded.
    expect((await run(c, 'cinder-manage db sync')).code).toBe(1);
    expect((await run(c, 'neutron-db-manage --config-file x migrate_to_ml2 openvswitch mysql://')).code).toBe(
      0,
    );
    const calls = await fleet.calls('cmp2');
    expect(calls.filter((x) => x.argv[0] === 'nova-manage').map((x) => x.argv.slice(1).join(' '))).toEqual([
      'db version',
      'db sync',
      'db version',
      'db sync',
      'db version',
    ]);
  });

  it('fault injection: exit + stderr, once, and sleep', async () => {
    await fleet.seed('cmp5', { services: { 'nova-compute': 'running' } });
    const c = await open('cmp5');
    await fleet.setFault('cmp5', {
      command: 'service',
      match: 'nova-compute stop',
      exit: 5,
      stderr: 'stop: boom',
      once: true,
    });
    expect(await run(c, 'service nova-compute status')).toMatchObject({ code: 0 });
    expect(await run(c, 'service nova-compute stop')).toEqual({
      code: 5,
      stdout: '',
      stderr: 'stop: boom\n',
    });
    expect(await fleet.read('cmp5', '/var/lib/stackhop-fake/fault.json')).toBeUndefined();
    expect(await fleet.read('cmp5', '/var/lib/stackhop-fake/services/nova-compute')).toBe('running\n');
    expect(await run(c, 'service nova-compute stop')).toMatchObject({ code: 0 });
    await fleet.setFault('cmp5', { command: 'service', match: 'status', sleepSeconds: 1 });
    const t = Date.now();
    expect(await run(c, 'service nova-compute status')).toMatchObject({ code: 3 });
    expect(Date.now() - t).toBeGreaterThanOrEqual(1000);
    await fleet.setFault('cmp5', undefined);
    const calls = await fleet.calls('cmp5');
    expect(calls.map((x) => [x.argv.slice(1).join(' '), x.exit, x.fault ?? false])).toEqual([
      ['nova-compute status', 0, false],
      ['nova-compute stop', 5, true],
      ['nova-compute stop', 0, false],
      ['nova-compute status', 3, true],
    ]);
  });

  it('sudo: NOPASSWD for the sudoer, a password for needsPassword, none for plain', async () => {
    await fleet.seed('ctl2', { services: { 'nova-api': 'running' } });
    const sudoer = await open('ctl2', { user: fleet.users.sudoer });
    expect(await run(sudoer, 'id -un && sudo -n true')).toMatchObject({
      code: 0,
      stdout: `${fleet.users.sudoer}\n`,
    });
    expect(await run(sudoer, 'service nova-api stop')).toMatchObject({ code: 1 }); // not root
    expect(await run(sudoer, 'sudo -n service nova-api stop')).toMatchObject({ code: 0 });
    expect((await fleet.calls('ctl2')).map((x) => [x.user, x.exit])).toEqual([
      [fleet.users.sudoer, 1],
      ['root', 0],
    ]);
    const pw = await open('ctl2', { user: fleet.users.needsPassword });
    const denied = await run(pw, 'sudo -n true');
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('a password is required');
    expect(await run(pw, `echo '${fleet.sudoPassword}' | sudo -S -p '' id -un`)).toMatchObject({
      code: 0,
      stdout: 'root\n',
    });
    const plain = await open('ctl2', { user: fleet.users.plain });
    expect((await run(plain, 'sudo -n true')).code).not.toBe(0);
  });

  it('reaches the machine MariaDB on 127.0.0.1:3306 from a host', async () => {
    await ensureMachineMariadb();
    expect(await accepts('127.0.0.1', 3306)).toBe(true);
    const c = await open('net1');
    expect(await run(c, "mysql --protocol=tcp -h 127.0.0.1 -u root -N -e 'SELECT 40+2'")).toMatchObject({
      code: 0,
      stdout: '42\n',
    });
  });

  it('SFTP: write, read and rename inside /etc/nova', async () => {
    const c = await open('net1');
    const sftp = await sftpOf(c);
    await new Promise<void>((res, rej) =>
      sftp.writeFile('/etc/nova/nova.conf.new', '[DEFAULT]\ndebug = True\n', cb(res, rej)),
    );
    await new Promise<void>((res, rej) =>
      sftp.rename('/etc/nova/nova.conf.new', '/etc/nova/api-paste.ini', cb(res, rej)),
    );
    const back = await new Promise<Buffer>((res, rej) =>
      sftp.readFile('/etc/nova/api-paste.ini', cb(res, rej)),
    );
    expect(back.toString()).toBe('[DEFAULT]\ndebug = True\n');
    const names = await new Promise<ssh2.FileEntryWithStats[]>((res, rej) =>
      sftp.readdir('/etc/nova', cb(res, rej)),
    );
    expect(names.map((e) => e.filename).sort()).toEqual(['api-paste.ini', 'nova.conf']);
    expect(await fleet.read('net1', '/etc/nova/api-paste.ini')).toBe('[DEFAULT]\ndebug = True\n');
    expect(await fleet.read('net1', '/etc/nova/nova.conf.new')).toBeUndefined();
    expect(await fleet.read('ctl1', '/etc/nova/api-paste.ini')).toBeUndefined();
    // OpenSSH's atomic rename over an existing file.
    await new Promise<void>((res, rej) =>
      sftp.writeFile('/etc/nova/nova.conf.tmp', 'replaced\n', cb(res, rej)),
    );
    await new Promise<void>((res, rej) =>
      sftp.ext_openssh_rename('/etc/nova/nova.conf.tmp', '/etc/nova/nova.conf', cb(res, rej)),
    );
    expect(await fleet.read('net1', '/etc/nova/nova.conf')).toBe('replaced\n');
    sftp.end();
  });

  it('dropConnections kills a running session; the host keeps listening', async () => {
    const c = await connect(fleet, 'cmp3');
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.on('error', () => undefined);
    const pid = await new Promise<number>((resolve, reject) => {
      c.exec('echo $$; exec sleep 30', (err, stream) => {
        if (err) return reject(err);
        stream.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      });
    });
    expect(existsSync(`/proc/${pid}`)).toBe(true);
    const t = Date.now();
    await fleet.dropConnections('cmp3');
    await closed;
    expect(Date.now() - t).toBeLessThan(5000);
    expect(gone(pid)).toBe(true);
    const again = await open('cmp3');
    expect((await run(again, 'hostname')).stdout).toBe('cmp3\n');
  });

  it('stopHost refuses connections; startHost brings the host back with the same key', async () => {
    await fleet.stopHost('cmp4');
    await expect(connect(fleet, 'cmp4')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await fleet.startHost('cmp4');
    const c = await open('cmp4');
    expect((await run(c, 'hostname')).stdout).toBe('cmp4\n');
  });

  it('rotateHostKey changes the key so the known_hosts entry no longer matches', async () => {
    const before = fleet.hostKey('cmp5');
    await fleet.rotateHostKey('cmp5');
    const after = fleet.hostKey('cmp5');
    expect(after).not.toBe(before);
    await expect(connect(fleet, 'cmp5')).rejects.toThrow(/verification failed/i);
    const blob = Buffer.from(after.split(' ')[1]!, 'base64');
    const c = await open('cmp5', { accept: (key) => key.equals(blob) });
    expect((await run(c, 'hostname')).stdout).toBe('cmp5\n');
  });
});

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Whether a process has exited (a zombie waiting for the machine's init counts as exited). */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return true;
  }
}

/** Command lines of live processes of the fleet in `dir` (sshd listeners only with `listeners`). */
function fleetSshds(dir: string, listeners = false): string[] {
  const res: string[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || gone(Number(e))) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(`${dir}/sshd/`) && (!listeners || cmd.includes('[listener]'))) res.push(cmd);
    } catch {
      // gone
    }
  }
  return res;
}

describe('SSH test fleet lifecycle', () => {
  let dir: string;
  let owner: ChildProcess | undefined;
  afterAll(() => {
    if (owner?.exitCode === null) owner.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('50 hosts: a killed owner leaves nothing behind, the next start cleans up, stop() leaves nothing', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stackhop-fleet-'));
    const hosts = Array.from({ length: 50 }, (_, i) => `h${String(i + 1).padStart(2, '0')}`);
    const opts = { dir, hosts, port: 2422, firstAddress: '127.0.10.1' };
    // A test process that starts a fleet and is killed (SIGKILL: no exit handler runs).
    const script = path.join(dir, 'owner.mts');
    writeFileSync(
      script,
      `import { startFleet } from ${JSON.stringify(path.join(HERE, 'fleet.ts'))};\n` +
        `await startFleet(${JSON.stringify(opts)});\nconsole.log('ready');\nsetInterval(() => {}, 1000);\n`,
    );
    owner = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: PROJECT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const child = owner;
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`owner exited early (${code})`)));
    });
    expect(fleetSshds(dir, true)).toHaveLength(50);
    owner.kill('SIGKILL');
    const end = Date.now() + 5000;
    while (fleetSshds(dir).length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(fleetSshds(dir)).toEqual([]);
    // A survivor the parent-death signal missed (here: started by hand, detached) holds h01's address.
    const survivor = spawn(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        '--',
        '/usr/sbin/sshd',
        '-D',
        '-e',
        '-f',
        `${dir}/sshd/h01/sshd_config`,
      ],
      { detached: true, stdio: 'ignore' },
    );
    survivor.unref();
    while (!(await accepts('127.0.10.1', 2422))) await new Promise((r) => setTimeout(r, 10));
    expect(fleetSshds(dir, true)).toHaveLength(1);

    const t = performance.now();
    const fleet = await startFleet(opts);
    console.log(`startFleet(50 hosts): ${(performance.now() - t).toFixed(0)} ms`);
    try {
      const names = await Promise.all(
        hosts.map(async (h) => {
          const c = await connect(fleet, h);
          try {
            return (await run(c, 'hostname')).stdout.trim();
          } finally {
            c.end();
          }
        }),
      );
      expect(names).toEqual(hosts);
    } finally {
      await fleet.stop();
    }
    expect(fleetSshds(dir)).toEqual([]);
    await fleet.stop();
  });
});
