// A test fleet of fake OpenStack hosts behind a real OpenSSH sshd on loopback (see README.md beside this
// file). Each host is one `sshd -D -e -f CONFIG` on its own loopback address, inside its own mount and UTS
// namespace where the host's folders are bind-mounted over /etc/nova, /var/lib/stackhop-fake, … and the
// shims over /usr/local/sbin. Everything the SSH driver does is real (transport, quoting, SFTP, sudo,
// timeouts, dropped connections); only the OpenStack-side programs are shims (./shims/).
//
// Needs root and the machine's sshd and sudo: run `node scripts/fleet-deps.mjs` first.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  closeSync,
  existsSync,
  constants as fsConstants,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
} from 'node:fs';
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';

// ---------- public types ----------
export interface FleetHost {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** The host's folder on the machine: `${root}/etc/nova` is what the host sees as /etc/nova. */
  readonly root: string;
}

export interface FleetUsers {
  readonly root: 'root';
  /** May run anything with `sudo` and no password. */
  readonly sudoer: string;
  /** May run anything with `sudo`, but sudo asks for a password (Fleet.sudoPassword). */
  readonly needsPassword: string;
  /** No sudo at all. */
  readonly plain: string;
}

export type ServiceState = 'running' | 'stopped';

export interface HostSeed {
  /** Unit name → state (services/UNIT). A unit not listed is `unrecognized`. */
  readonly services?: Readonly<Record<string, ServiceState>>;
  /** Installed packages: name → version. */
  readonly packages?: Readonly<Record<string, string>>;
  /** Release → the version every package gets on it; releases in ascending order. */
  readonly versions?: Readonly<Record<string, { readonly apt: string; readonly yum: string }>>;
  /** The enabled release repository (apt's fallback when no cloudarchive-*.list exists; yum's rdo-release). */
  readonly repo?: string;
  /** Release → project → schema head. */
  readonly heads?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Project → the package whose installed release decides the project's schema head. */
  readonly projectPackage?: Readonly<Record<string, string>>;
  /** Project → current schema head. */
  readonly schema?: Readonly<Record<string, string>>;
  /** Extra files of the host's view, e.g. { '/etc/nova/nova.conf': '…' } (other files are left alone). */
  readonly files?: Readonly<Record<string, string>>;
}

export interface ShimCall {
  /** Epoch ms when the call started. */
  readonly t: number;
  /** The command's name followed by its arguments, e.g. ['service', 'nova-compute', 'stop']. */
  readonly argv: readonly string[];
  /** Effective user that ran the shim (`id -un`). */
  readonly user: string;
  readonly exit: number;
  /** `su` only: the user named on its command line. */
  readonly as?: string;
  /** True when an injected fault matched this call. */
  readonly fault?: boolean;
}

export interface ShimFault {
  /** Shim name, e.g. 'service'. */
  readonly command: string;
  /** Substring of the call's argv (command name included) joined by spaces. */
  readonly match: string;
  /** Exit with this code (after printing `stderr`) instead of acting. */
  readonly exit?: number;
  readonly stderr?: string;
  /** Sleep first (then act, or exit when `exit` is given). */
  readonly sleepSeconds?: number;
  /** Remove the fault once it fired. */
  readonly once?: boolean;
}

export interface FleetOptions {
  /** The fleet's folder (keys, configs, host folders); must be reachable (o+x) by every path component. */
  readonly dir: string;
  readonly hosts: readonly string[];
  /** Port every host listens on (each on its own address); default 2422. */
  readonly port?: number;
  /** First host's address; the next hosts take the following addresses. Default 127.0.1.1. */
  readonly firstAddress?: string;
  /**
   * The folder bind-mounted over /usr/local/sbin instead of the fake shims: the Zed lab puts only a
   * `service` there, so apt-get, su and the *-manage tools are the real ones.
   */
  readonly shimsDir?: string;
  /**
   * The folders each host has of its own (default HOST_DIRS). The lab keeps the machine's apt sources:
   * its hosts run the real apt-get, whose package lists are the machine's.
   */
  readonly hostDirs?: readonly string[];
  /** Further bind mounts per host (source on the machine → path in the host), mounted last. */
  readonly binds?: (host: string) => readonly { source: string; target: string }[];
}

export interface Fleet {
  readonly hosts: readonly FleetHost[];
  host(name: string): FleetHost;
  /** ed25519 private key (OpenSSH format, no passphrase) accepted for every user. */
  readonly clientKeyPath: string;
  /** OpenSSH known_hosts: `[addr]:port ssh-ed25519 …` for each host, as started. */
  readonly knownHostsPath: string;
  readonly users: FleetUsers;
  /** The password of users.needsPassword (for `sudo -S`). */
  readonly sudoPassword: string;
  /** The host's current public host key line (`ssh-ed25519 AAAA…`). */
  hostKey(name: string): string;
  /** Reset the host's fake state (/var/lib/stackhop-fake: state, calls, fault) and write it anew. */
  seed(name: string, state: HostSeed): Promise<void>;
  /** A file of the host's view, e.g. '/etc/nova/nova.conf'; undefined when missing. */
  read(name: string, hostPath: string): Promise<string | undefined>;
  write(name: string, hostPath: string, text: string): Promise<void>;
  /** What the shims recorded, ordered by start time. */
  calls(name: string): Promise<readonly ShimCall[]>;
  setFault(name: string, fault: ShimFault | undefined): Promise<void>;
  /** Kill every process of the host's live SSH sessions; the host keeps listening. */
  dropConnections(name: string): Promise<void>;
  stopHost(name: string): Promise<void>;
  startHost(name: string): Promise<void>;
  /** New host key and restart: the known_hosts entry no longer matches. */
  rotateHostKey(name: string): Promise<void>;
  /** Kill everything this fleet started. Idempotent. */
  stop(): Promise<void>;
}

// ---------- constants ----------
export const FLEET_USERS: FleetUsers = {
  root: 'root',
  sudoer: 'stackhop-sudoer',
  needsPassword: 'stackhop-needpw',
  plain: 'stackhop-plain',
};
export const FLEET_SUDO_PASSWORD = 'stackhop-fleet-pw';

/**
 * Files of each host's own, bind-mounted over the machine's: its name in /etc/hosts, and the distro it
 * claims to run (/etc/os-release, Ubuntu 12.04 unless seeded otherwise), which the pre-flight reads.
 */
export const HOST_FILES = ['/etc/hosts', '/etc/os-release'];

export const UBUNTU_1204_OS_RELEASE = [
  'NAME="Ubuntu"',
  'VERSION="12.04.5 LTS, Precise Pangolin"',
  'ID=ubuntu',
  'ID_LIKE=debian',
  'PRETTY_NAME="Ubuntu precise (12.04.5 LTS)"',
  'VERSION_ID="12.04"',
  '',
].join('\n');

/** Folders of each host's own (bind-mounted over the real paths inside the host's namespace). */
export const HOST_DIRS = [
  '/etc/nova',
  '/etc/keystone',
  '/etc/glance',
  '/etc/neutron',
  '/etc/cinder',
  '/etc/heat',
  '/etc/ceilometer',
  '/etc/openstack-dashboard',
  '/etc/apt/sources.list.d',
  '/etc/yum.repos.d',
  '/var/backups/stackhop',
  '/var/lib/stackhop-fake',
  // root's home: the machine's holds its own dotfiles (and a .bashrc that bash would source for every
  // ssh command); a fake host's is its own and starts empty.
  '/root',
] as const;
const FAKE = '/var/lib/stackhop-fake';
const SHIM_MOUNT = '/usr/local/sbin';
const SSHD = '/usr/sbin/sshd';
const SESSION_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const SHIMS_SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), 'shims');
const MARKER = 'stackhop-fleet.json';
const DEFAULT_PORT = 2422;
const READY_TIMEOUT_MS = 20_000;

// ---------- /proc helpers ----------
function allPids(): number[] {
  const res: number[] = [];
  for (const e of readdirSync('/proc')) if (/^\d+$/.test(e)) res.push(Number(e));
  return res;
}
function mntNs(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}
function exe(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}
function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}
/** Start time (clock ticks since boot) of a live process, or undefined. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
function alive(pid: number): boolean {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s[s.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}
function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
/** SIGKILL every process in mount namespace `ns`, except `keep`. The machine's own namespace is refused. */
function killNamespace(ns: string, keep?: number): number[] {
  if (ns === mntNs(process.pid) || ns === mntNs(1))
    throw new Error(`refusing to kill the machine's namespace ${ns}`);
  const killed: number[] = [];
  // Two passes: a process that forked while the first pass ran is caught by the second.
  for (let pass = 0; pass < 2; pass++) {
    for (const pid of allPids()) {
      if (pid === keep || mntNs(pid) !== ns) continue;
      kill(pid);
      killed.push(pid);
    }
  }
  return killed;
}
async function waitGone(pids: readonly number[], ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (pids.some(alive)) {
    if (Date.now() > end) throw new Error(`processes still alive: ${pids.filter(alive).join(' ')}`);
    await sleep(5);
  }
}
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------- addresses and keys ----------
function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255))
    throw new Error(`bad IPv4: ${ip}`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}
function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
/**
 * ssh2's generator drops a leading zero byte of the ed25519 public key (about 1 key in 230), which
 * OpenSSH then refuses to load ("error in libcrypto"): such keys are generated again.
 */
function newKeyPair(comment: string): { private: string; public: string } {
  for (;;) {
    const k = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    const blob = Buffer.from(k.public.trim().split(/\s+/)[1] ?? '', 'base64');
    // string "ssh-ed25519" (4 + 11) + string key (4 + 32)
    if (blob.length === 51) return { private: k.private, public: k.public.trim() };
  }
}
/** `ssh-ed25519 AAAA…` without the comment. */
const keyLine = (pub: string) => pub.split(/\s+/).slice(0, 2).join(' ');
const knownHostsName = (address: string, port: number) => (port === 22 ? address : `[${address}]:${port}`);

// ---------- machine setup (users, sudoers, mount points), once per process ----------
let machineReady: Promise<void> | undefined;
function prepareMachine(): Promise<void> {
  machineReady ??= doPrepareMachine().catch((e) => {
    machineReady = undefined;
    throw e;
  });
  return machineReady;
}
async function doPrepareMachine(): Promise<void> {
  if (process.geteuid?.() !== 0) throw new Error('the SSH test fleet needs root');
  for (const f of [SSHD, '/usr/bin/sudo', '/usr/sbin/visudo', '/usr/bin/unshare', '/usr/bin/setpriv'])
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`node scripts/fleet-deps.mjs\``);
  // Mount points (empty folders where missing) and sshd's privilege separation folder.
  for (const d of [...HOST_DIRS, SHIM_MOUNT])
    if (!existsSync(d)) mkdirSync(d, { recursive: true, mode: 0o755 });
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const passwd = readFileSync('/etc/passwd', 'utf8');
  const has = (u: string) => passwd.split('\n').some((l) => l.startsWith(`${u}:`));
  for (const u of [FLEET_USERS.sudoer, FLEET_USERS.needsPassword, FLEET_USERS.plain]) {
    if (has(u)) continue;
    // '*': no password login, but not "locked" ('!'), which sshd without PAM would refuse.
    const r = spawnSync('useradd', ['-m', '-s', '/bin/bash', '-p', '*', u], { encoding: 'utf8' });
    if (r.status !== 0 && r.status !== 9) throw new Error(`useradd ${u} failed: ${r.stderr}`);
  }
  const shadow = readFileSync('/etc/shadow', 'utf8');
  const pwField = (u: string) =>
    shadow
      .split('\n')
      .find((l) => l.startsWith(`${u}:`))
      ?.split(':')[1] ?? '';
  for (const u of [FLEET_USERS.sudoer, FLEET_USERS.plain]) {
    if (pwField(u).startsWith('!')) spawnSync('usermod', ['-p', '*', u]);
  }
  if (!pwField(FLEET_USERS.needsPassword).startsWith('$')) {
    const r = spawnSync('chpasswd', [], { input: `${FLEET_USERS.needsPassword}:${FLEET_SUDO_PASSWORD}\n` });
    if (r.status !== 0) throw new Error(`chpasswd failed: ${r.stderr}`);
  }

  const sudoers = [
    "# stackhop test fleet (test/fleet/fleet.ts): sudo rules of the fake hosts' users",
    `${FLEET_USERS.sudoer} ALL=(ALL:ALL) NOPASSWD: ALL`,
    `${FLEET_USERS.needsPassword} ALL=(ALL:ALL) ALL`,
    '',
  ].join('\n');
  const target = '/etc/sudoers.d/stackhop-fleet';
  if (!existsSync(target) || readFileSync(target, 'utf8') !== sudoers) {
    // A name with a dot is ignored by sudo's @includedir, so the temporary file is never live.
    const tmp = `/etc/sudoers.d/.stackhop-fleet.${process.pid}.tmp`;
    await writeFile(tmp, sudoers, { mode: 0o440 });
    const r = spawnSync('visudo', ['-cf', tmp], { encoding: 'utf8' });
    if (r.status !== 0) {
      await rm(tmp, { force: true });
      throw new Error(`visudo rejected the fleet's sudoers: ${r.stdout}${r.stderr}`);
    }
    await rename(tmp, target);
  }
}

function checkReachable(dir: string): void {
  for (let d = dir; ; d = path.dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0)
      throw new Error(`${d} is not searchable by other users (o+x); the fleet's non-root users need ${dir}`);
    if (d === '/') break;
  }
}

function openSshVersion(): number {
  const r = spawnSync('ssh', ['-V'], { encoding: 'utf8' });
  const m = /OpenSSH_(\d+)\.(\d+)/.exec(`${r.stderr}${r.stdout}`);
  return m ? Number(m[1]) + Number(m[2]) / 100 : 0;
}

// ---------- stale fleets ----------
interface Marker {
  ownerPid: number;
  ownerStart: string | undefined;
}
/**
 * Kill the hosts of fleets whose owner process is gone, and any sshd of a fleet in `ownDir`. A fleet
 * host is recognised by its command line (`/usr/sbin/sshd -D -e -f DIR/sshd/NAME/sshd_config`) and the
 * marker file in DIR.
 */
async function cleanStale(ownDir: string): Promise<void> {
  const victims: number[] = [];
  for (const pid of allPids()) {
    if (exe(pid) !== SSHD) continue;
    // sshd rewrites its command line ("sshd: /usr/sbin/sshd -D -e -f CFG [listener] …").
    const m = / -f (\S+)\/sshd\/[^/\s]+\/sshd_config(?:\s|$)/.exec(` ${cmdline(pid).join(' ')} `);
    if (!m) continue;
    const dir = m[1]!;
    let marker: Marker | undefined;
    try {
      marker = JSON.parse(readFileSync(path.join(dir, MARKER), 'utf8')) as Marker;
    } catch {
      continue; // not one of ours
    }
    const ownerAlive = alive(marker.ownerPid) && startTime(marker.ownerPid) === marker.ownerStart;
    if (dir === ownDir) {
      if (ownerAlive && marker.ownerPid !== process.pid)
        throw new Error(`fleet dir ${dir} is in use by the live process ${marker.ownerPid}`);
    } else if (ownerAlive) continue;
    const ns = mntNs(pid);
    if (ns !== undefined && ns !== mntNs(process.pid)) victims.push(...killNamespace(ns));
    else {
      kill(pid);
      victims.push(pid);
    }
  }
  await waitGone(victims);
}

// ---------- one host ----------
interface HostRt {
  readonly host: FleetHost;
  readonly sshdDir: string;
  pid?: number | undefined;
  ns?: string | undefined;
  child?: ChildProcess | undefined;
  exited?: Promise<void> | undefined;
}

const live = new Set<FleetImpl>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const f of live) f.killAllSync();
  });
}

class FleetImpl implements Fleet {
  readonly hosts: readonly FleetHost[];
  readonly clientKeyPath: string;
  readonly knownHostsPath: string;
  readonly users = FLEET_USERS;
  readonly sudoPassword = FLEET_SUDO_PASSWORD;
  private readonly rt = new Map<string, HostRt>();
  private stopped = false;

  constructor(
    readonly dir: string,
    hosts: readonly FleetHost[],
  ) {
    this.hosts = hosts;
    this.clientKeyPath = path.join(dir, 'client_ed25519');
    this.knownHostsPath = path.join(dir, 'known_hosts');
    for (const h of hosts) this.rt.set(h.name, { host: h, sshdDir: path.join(dir, 'sshd', h.name) });
  }

  host(name: string): FleetHost {
    return this.get(name).host;
  }
  private get(name: string): HostRt {
    const r = this.rt.get(name);
    if (!r) throw new Error(`no host ${name} in this fleet`);
    return r;
  }
  hostKey(name: string): string {
    return keyLine(readFileSync(path.join(this.get(name).sshdDir, 'ssh_host_ed25519_key.pub'), 'utf8'));
  }

  private hostFile(name: string, hostPath: string): string {
    const norm = path.posix.normalize(hostPath);
    if (!HOST_DIRS.some((d) => norm === d || norm.startsWith(`${d}/`)) && !HOST_FILES.includes(norm))
      throw new Error(`${hostPath} is not a per-host path (one of ${HOST_DIRS.join(' ')})`);
    return path.join(this.get(name).host.root, norm);
  }
  async read(name: string, hostPath: string): Promise<string | undefined> {
    try {
      return await readFile(this.hostFile(name, hostPath), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }
  async write(name: string, hostPath: string, text: string): Promise<void> {
    const f = this.hostFile(name, hostPath);
    await mkdir(path.dirname(f), { recursive: true });
    await writeFile(f, text);
    if (path.posix.normalize(hostPath).startsWith(`${FAKE}/`)) await chmod(f, 0o666);
  }

  async seed(name: string, s: HostSeed): Promise<void> {
    const fake = path.join(this.get(name).host.root, FAKE);
    // Empty the folder but keep it: the host's bind mount holds on to this very directory.
    for (const e of await readdir(fake)) await rm(path.join(fake, e), { recursive: true, force: true });
    await initFakeDir(fake);
    const put = async (rel: string, text: string) => {
      await writeFile(path.join(fake, rel), text);
      await chmod(path.join(fake, rel), 0o666);
    };
    const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
    for (const [unit, st] of Object.entries(s.services ?? {})) await put(`services/${unit}`, `${st}\n`);
    for (const [pkg, v] of Object.entries(s.packages ?? {})) await put(`packages/${pkg}`, `${v}\n`);
    for (const [project, head] of Object.entries(s.schema ?? {})) await put(`schema/${project}`, `${head}\n`);
    await put('versions.json', json(s.versions ?? {}));
    await put('heads.json', json(s.heads ?? {}));
    await put('project-package.json', json(s.projectPackage ?? {}));
    if (s.repo !== undefined) {
      await put('repo', `${s.repo}\n`);
      await put('available', `${s.repo}\n`);
    }
    for (const [p, text] of Object.entries(s.files ?? {})) await this.write(name, p, text);
  }

  async calls(name: string): Promise<readonly ShimCall[]> {
    const text = (await this.read(name, `${FAKE}/calls.jsonl`)) ?? '';
    const res: ShimCall[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        res.push(JSON.parse(line) as ShimCall);
      } catch {
        // a line being written right now
      }
    }
    return res.sort((a, b) => a.t - b.t);
  }

  async setFault(name: string, fault: ShimFault | undefined): Promise<void> {
    const f = this.hostFile(name, `${FAKE}/fault.json`);
    if (fault === undefined) await rm(f, { force: true });
    else {
      await writeFile(`${f}.tmp`, `${JSON.stringify(fault)}\n`, { mode: 0o666 });
      await chmod(`${f}.tmp`, 0o666);
      await rename(`${f}.tmp`, f);
    }
  }

  // ----- processes -----
  async startHost(name: string): Promise<void> {
    this.assertRunning();
    const r = this.get(name);
    if (r.pid !== undefined && alive(r.pid)) return;
    const { address, port } = r.host;
    if (await accepts(address, port))
      throw new Error(
        `${address}:${port} (host ${name}) is already in use: pass another port or firstAddress`,
      );
    const cfg = path.join(r.sshdDir, 'sshd_config');
    const log = openSync(path.join(r.sshdDir, 'sshd.log'), 'a');
    const script = `mount --fstab ${r.sshdDir}/fstab -a && hostname ${name} && exec ${SSHD} -D -e -f ${cfg}`;
    // setpriv --pdeathsig: sshd dies with the thread that started it, even on SIGKILL of this process.
    const child = spawn(
      'setpriv',
      [
        '--pdeathsig',
        'KILL',
        '--',
        'unshare',
        '--mount',
        '--uts',
        '--propagation',
        'private',
        '--',
        '/bin/sh',
        '-c',
        script,
      ],
      { stdio: ['ignore', log, log], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } },
    );
    closeSync(log);
    let exit: { code: number | null; signal: string | null } | undefined;
    r.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exit = { code, signal };
        resolve();
      });
      child.once('error', (e) => {
        exit = { code: null, signal: e.message };
        resolve();
      });
    });
    r.child = child;
    r.pid = child.pid;
    const end = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (exit !== undefined) {
        const tail = readFileSync(path.join(r.sshdDir, 'sshd.log'), 'utf8').split('\n').slice(-8).join('\n');
        throw new Error(
          `sshd for ${name} on ${address}:${port} exited (${exit.code ?? exit.signal}) before listening` +
            ` (port in use? pass another port or firstAddress):\n${tail}`,
        );
      }
      if (await accepts(address, port)) break;
      if (Date.now() > end) throw new Error(`sshd for ${name} on ${address}:${port} did not listen in time`);
      await sleep(10);
    }
    r.ns = r.pid === undefined ? undefined : mntNs(r.pid);
    if (r.ns === undefined || r.ns === mntNs(process.pid))
      throw new Error(`sshd for ${name} is not in its own namespace`);
  }

  async stopHost(name: string): Promise<void> {
    const r = this.get(name);
    const victims = r.ns !== undefined ? killNamespace(r.ns) : [];
    if (r.pid !== undefined) {
      kill(r.pid);
      victims.push(r.pid);
    }
    await r.exited;
    await waitGone(victims);
    r.pid = undefined;
    r.ns = undefined;
    r.child = undefined;
    r.exited = undefined;
    await rm(path.join(r.sshdDir, 'sshd.pid'), { force: true });
  }

  async dropConnections(name: string): Promise<void> {
    const r = this.get(name);
    if (r.ns === undefined) return;
    await waitGone(killNamespace(r.ns, r.pid));
  }

  async rotateHostKey(name: string): Promise<void> {
    const r = this.get(name);
    const wasRunning = r.pid !== undefined;
    await this.stopHost(name);
    await writeHostKey(r.sshdDir, name);
    if (wasRunning) await this.startHost(name);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      await Promise.all(this.hosts.map((h) => this.stopHost(h.name)));
    } finally {
      live.delete(this);
      await rm(path.join(this.dir, MARKER), { force: true });
    }
  }

  killAllSync(): void {
    for (const r of this.rt.values()) {
      if (r.ns !== undefined) {
        try {
          killNamespace(r.ns);
        } catch {
          // best effort at exit
        }
      }
      if (r.pid !== undefined) kill(r.pid);
    }
  }

  private assertRunning(): void {
    if (this.stopped) throw new Error('this fleet was stopped');
  }
}

function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: address, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function initFakeDir(fake: string): Promise<void> {
  for (const d of ['', 'services', 'packages', 'schema']) {
    await mkdir(path.join(fake, d), { recursive: true });
    await chmod(path.join(fake, d), 0o777);
  }
  const calls = path.join(fake, 'calls.jsonl');
  if (!existsSync(calls)) await writeFile(calls, '');
  await chmod(calls, 0o666);
}

async function writeHostKey(sshdDir: string, name: string): Promise<void> {
  const k = newKeyPair(`stackhop-fleet-host-${name}`);
  await writeFile(path.join(sshdDir, 'ssh_host_ed25519_key'), k.private, { mode: 0o600 });
  await chmod(path.join(sshdDir, 'ssh_host_ed25519_key'), 0o600);
  await writeFile(path.join(sshdDir, 'ssh_host_ed25519_key.pub'), `${k.public}\n`);
}

async function copyShims(dest: string): Promise<void> {
  await rm(dest, { recursive: true, force: true });
  await mkdir(path.join(dest, 'lib'), { recursive: true });
  for (const sub of ['', 'lib']) {
    for (const e of await readdir(path.join(SHIMS_SRC, sub), { withFileTypes: true })) {
      if (!e.isFile()) continue;
      const to = path.join(dest, sub, e.name);
      await copyFile(path.join(SHIMS_SRC, sub, e.name), to);
      await chmod(to, sub === '' ? 0o755 : 0o644);
    }
  }
  // The wrappers run lib/node when it exists: this Node, whatever PATH sudo or su leave.
  await symlink(process.execPath, path.join(dest, 'lib', 'node'));
  await chmod(dest, 0o755);
  await chmod(path.join(dest, 'lib'), 0o755);
}

function sshdConfig(dir: string, sshdDir: string, h: FleetHost, penalties: boolean): string {
  return [
    `# stackhop test fleet host ${h.name} (generated by test/fleet/fleet.ts)`,
    `ListenAddress ${h.address}:${h.port}`,
    'AddressFamily inet',
    `HostKey ${sshdDir}/ssh_host_ed25519_key`,
    `PidFile ${sshdDir}/sshd.pid`,
    `AuthorizedKeysFile ${dir}/authorized_keys`,
    'StrictModes no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    `AllowUsers root ${FLEET_USERS.sudoer} ${FLEET_USERS.needsPassword} ${FLEET_USERS.plain}`,
    'MaxSessions 100',
    'MaxStartups 200',
    'MaxAuthTries 10',
    'LoginGraceTime 30',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'X11Forwarding no',
    `SetEnv PATH=${SESSION_PATH}`,
    'Subsystem sftp internal-sftp',
    'LogLevel INFO',
    ...(penalties ? ['PerSourcePenalties no'] : []),
    '',
  ].join('\n');
}

/** Start the fleet: one sshd per host, concurrently; resolves when every host accepts TCP. */
export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const dir = path.resolve(opts.dir);
  const port = opts.port ?? DEFAULT_PORT;
  if (/[\s%"'\\$`]/.test(dir)) throw new Error(`fleet dir must not contain spaces or quotes: ${dir}`);
  if (opts.hosts.length === 0) throw new Error('a fleet needs at least one host');
  const seen = new Set<string>();
  for (const n of opts.hosts) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/i.test(n)) throw new Error(`bad host name ${JSON.stringify(n)}`);
    if (seen.has(n)) throw new Error(`duplicate host ${n}`);
    seen.add(n);
  }
  await prepareMachine();
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  checkReachable(dir);
  for (const f of live) if (f.dir === dir) await f.stop();
  await cleanStale(dir);
  await writeFile(
    path.join(dir, MARKER),
    `${JSON.stringify({ ownerPid: process.pid, ownerStart: startTime(process.pid) } satisfies Marker)}\n`,
  );

  const first = ipToInt(opts.firstAddress ?? '127.0.1.1');
  const hosts: FleetHost[] = opts.hosts.map((name, i) => ({
    name,
    address: intToIp(first + i),
    port,
    root: path.join(dir, 'hosts', name),
  }));
  for (const h of hosts)
    if (!h.address.startsWith('127.')) throw new Error(`${h.address} is not a loopback address`);

  // Client key and authorized_keys (read by sshd as each user, hence world-readable).
  const clientKeyPath = path.join(dir, 'client_ed25519');
  if (!existsSync(clientKeyPath)) {
    const k = newKeyPair('stackhop-fleet-client');
    await writeFile(clientKeyPath, k.private, { mode: 0o600 });
    await writeFile(`${clientKeyPath}.pub`, `${k.public}\n`);
  }
  const clientPub = keyLine(await readFile(`${clientKeyPath}.pub`, 'utf8'));
  await writeFile(path.join(dir, 'authorized_keys'), `${clientPub} stackhop-fleet-client\n`);
  await chmod(path.join(dir, 'authorized_keys'), 0o644);
  const shims = opts.shimsDir ?? path.join(dir, 'shims');
  const hostDirs = opts.hostDirs ?? HOST_DIRS;
  if (opts.shimsDir === undefined) await copyShims(shims);
  const machineHosts = existsSync('/etc/hosts')
    ? readFileSync('/etc/hosts', 'utf8')
    : '127.0.0.1 localhost\n';
  const penalties = openSshVersion() >= 9.08;

  await Promise.all(
    hosts.map(async (h) => {
      const sshdDir = path.join(dir, 'sshd', h.name);
      await mkdir(sshdDir, { recursive: true });
      for (const d of hostDirs) await mkdir(path.join(h.root, d), { recursive: true });
      await chmod(path.join(h.root, 'root'), 0o700);
      await initFakeDir(path.join(h.root, FAKE));
      await writeFile(path.join(h.root, 'etc/hosts'), `${machineHosts.trimEnd()}\n${h.address} ${h.name}\n`);
      if (!existsSync(path.join(h.root, 'etc/os-release'))) {
        await writeFile(path.join(h.root, 'etc/os-release'), UBUNTU_1204_OS_RELEASE);
      }
      if (!existsSync(path.join(sshdDir, 'ssh_host_ed25519_key'))) await writeHostKey(sshdDir, h.name);
      await writeFile(path.join(sshdDir, 'sshd_config'), sshdConfig(dir, sshdDir, h, penalties));
      const fstab = [
        ...hostDirs.map((d) => `${path.join(h.root, d)} ${d} none bind 0 0`),
        `${shims} ${SHIM_MOUNT} none bind 0 0`,
        `${path.join(h.root, 'etc/hosts')} /etc/hosts none bind 0 0`,
        `${path.join(h.root, 'etc/os-release')} /etc/os-release none bind 0 0`,
        ...(opts.binds?.(h.name) ?? []).map((b) => `${b.source} ${b.target} none bind 0 0`),
      ];
      await writeFile(path.join(sshdDir, 'fstab'), `${fstab.join('\n')}\n`);
    }),
  );

  const fleet = new FleetImpl(dir, hosts);
  await writeFile(
    fleet.knownHostsPath,
    hosts.map((h) => `${knownHostsName(h.address, h.port)} ${fleet.hostKey(h.name)}\n`).join(''),
  );
  live.add(fleet);
  installExitHook();
  const started = await Promise.allSettled(hosts.map((h) => fleet.startHost(h.name)));
  const failed = started.find((x) => x.status === 'rejected');
  if (failed) {
    await fleet.stop().catch(() => undefined);
    throw failed.reason;
  }
  return fleet;
}

/** Whether this machine can run the fleet (root, sshd, sudo): lets a test suite skip otherwise. */
export function fleetAvailable(): boolean {
  if (process.geteuid?.() !== 0) return false;
  try {
    for (const f of [SSHD, '/usr/bin/sudo', '/usr/bin/unshare', '/usr/bin/setpriv'])
      accessSync(f, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
