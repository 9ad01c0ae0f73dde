// The Zed lab (lab/*.sh) seen from the tests: bring it up, reset it between runs, reach its hosts over
// real SSH, and read its state through the real OpenStack APIs.
//
// Each lab host is a fleet host (test/fleet): its own sshd on a loopback address, in its own mount and
// UTS namespace, where /etc/nova (and /etc/keystone, /etc/placement on the controller) are the lab
// host's own config folders and `service` is the lab's init system. Everything else is the machine's:
// real apt-get, dpkg, su, nova-manage, mysqldump.

import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Fleet, startFleet } from '../fleet/fleet.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const LAB_DIR = process.env.STACKHOP_LAB_DIR ?? '/var/tmp/stackhop-lab';
/** Where examples/zed-lab.yaml expects the lab's hosts: keep the three in step. */
export const LAB_SSH_PORT = 2470;
export const LAB_FIRST_ADDRESS = '127.0.70.1';
export const LAB_INVENTORY = path.join(REPO, 'examples/zed-lab.yaml');

export interface LabHost {
  name: string;
  role: 'controller' | 'compute';
  units: string[];
}

export interface LabInfo {
  dir: string;
  keystoneUrl: string;
  region: string;
  adminUser: string;
  adminProject: string;
  domain: string;
  cloudsYaml: string;
  cloud: string;
  db: { host: string; port: number; user: string };
  hosts: LabHost[];
  computes: number;
  serversPerCompute: number;
  versions: { old: Record<string, string>; new: Record<string, string> };
}

export function readLab(): LabInfo {
  return JSON.parse(readFileSync(path.join(LAB_DIR, 'lab.json'), 'utf8')) as LabInfo;
}

/** Runs one of lab/*.sh; its output goes to the lab's log, the tail into the error when it fails. */
export function labScript(
  script: 'up' | 'down' | 'reset' | 'smoke',
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 15 * 60_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [path.join(REPO, 'lab', `${script}.sh`)],
      { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err === null) resolve(stdout);
        else {
          const tail = `${stdout}\n${stderr}`.split('\n').slice(-40).join('\n');
          reject(new Error(`lab/${script}.sh failed (${err.message.split('\n')[0]}):\n${tail}`));
        }
      },
    );
  });
}

/** Runs `lab-service HOST UNIT VERB` from the machine (the way a fault is injected). */
export function labService(host: string, unit: string, verb: 'start' | 'stop' | 'status'): Promise<number> {
  return new Promise((resolve) => {
    execFile(path.join(REPO, 'lab/bin/lab-service'), [host, unit, verb], { timeout: 120_000 }, (err) =>
      resolve(err === null ? 0 : typeof err.code === 'number' ? err.code : 1),
    );
  });
}

/** Config folders of a lab host, bind-mounted over the real paths inside its namespace. */
function configBinds(lab: LabInfo, host: string): { source: string; target: string }[] {
  const h = lab.hosts.find((x) => x.name === host);
  const projects = h?.role === 'controller' ? ['nova', 'keystone', 'placement'] : ['nova'];
  return projects.map((p) => ({ source: path.join(lab.dir, 'hosts', host, 'etc', p), target: `/etc/${p}` }));
}

/**
 * The lab's hosts as SSH hosts. Their client key and known_hosts are where examples/zed-lab.yaml
 * names them (LAB_DIR/ssh/…).
 */
export async function startLabHosts(lab: LabInfo): Promise<Fleet> {
  const dir = path.join(lab.dir, 'ssh');
  const sbin = path.join(dir, 'sbin');
  mkdirSync(sbin, { recursive: true });
  // Mount points of the bind mounts must exist on the machine.
  for (const p of ['/etc/nova', '/etc/keystone', '/etc/placement']) mkdirSync(p, { recursive: true });
  const service = path.join(sbin, 'service');
  writeFileSync(
    service,
    `#!/bin/sh\n# The lab's init system, for this host only (hostname is the host's own in its namespace).\nexec ${path.join(REPO, 'lab/bin/lab-service')} "$(hostname)" "$@"\n`,
  );
  chmodSync(service, 0o755);
  chmodSync(sbin, 0o755);
  // The hosts claim what the machine is: Debian 12.
  const osRelease = readFileSync('/etc/os-release', 'utf8');
  for (const h of lab.hosts) {
    mkdirSync(path.join(dir, 'hosts', h.name, 'etc'), { recursive: true });
    writeFileSync(path.join(dir, 'hosts', h.name, 'etc/os-release'), osRelease);
  }
  const fleet = await startFleet({
    dir,
    hosts: lab.hosts.map((h) => h.name),
    port: LAB_SSH_PORT,
    firstAddress: LAB_FIRST_ADDRESS,
    shimsDir: sbin,
    // The machine's apt sources and lists are the lab hosts' too; backups and root's home are their own.
    hostDirs: ['/var/backups/stackhop', '/root'],
    binds: (host) => configBinds(lab, host),
  });
  // The names examples/zed-lab.yaml uses.
  writeFileSync(path.join(dir, 'known_hosts'), readFileSync(fleet.knownHostsPath, 'utf8'));
  return fleet;
}

/** The environment `stackhop run` needs for the lab: its clouds.yaml and the database credentials. */
export function labEnv(lab: LabInfo): NodeJS.ProcessEnv {
  return {
    OS_CLIENT_CONFIG_FILE: lab.cloudsYaml,
    STACKHOP_DB_HOST: lab.db.host,
    STACKHOP_DB_PORT: String(lab.db.port),
    STACKHOP_DB_USER: lab.db.user,
    STACKHOP_DB_PASSWORD: process.env.STACKHOP_LAB_DB_PASSWORD ?? 'lab-db-root',
  };
}

/** Installed version of each package (dpkg-query), undefined when not installed. */
export function installedVersions(packages: readonly string[]): Promise<Record<string, string | undefined>> {
  return new Promise((resolve, reject) => {
    execFile(
      'dpkg-query',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
      ['-W', '-f=${Package} ${Version}\\n', ...packages],
      (err, stdout) => {
        if (err !== null && stdout === '') return reject(err);
        const out: Record<string, string | undefined> = {};
        for (const line of stdout.split('\n')) {
          const [p, v] = line.split(' ');
          if (p !== undefined && p !== '' && v !== undefined) out[p] = v;
        }
        resolve(out);
      },
    );
  });
}

/** Start time of a lab unit's process (ms since the epoch), from its PID file; undefined when not running. */
export function unitStartedAt(lab: LabInfo, host: string, unit: string): number | undefined {
  try {
    const pid = readFileSync(path.join(lab.dir, 'hosts', host, 'run', `${unit}.pid`), 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    // CLK_TCK is 100 on Linux.
    return Date.now() - (uptime - ticks / 100) * 1000;
  } catch {
    return undefined;
  }
}

/** A host's nova.conf as stackhop edits it (through the host's /etc/nova). */
export function novaConf(lab: LabInfo, host: string): string {
  return readFileSync(path.join(lab.dir, 'hosts', host, 'etc/nova/nova.conf'), 'utf8');
}

/** The `[upgrade_levels] compute` value of an INI text, if set. */
export function computePin(conf: string): string | undefined {
  let section = '';
  for (const raw of conf.split('\n')) {
    const line = raw.trim();
    const s = /^\[(.+)\]$/.exec(line);
    if (s?.[1] !== undefined) section = s[1];
    else if (section === 'upgrade_levels') {
      const kv = /^compute\s*=\s*(.*)$/.exec(line);
      if (kv?.[1] !== undefined) return kv[1].trim();
    }
  }
  return undefined;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `stackhop ARGS` as the operator types it, with the lab's credentials in the environment. */
export function stackhopCli(args: readonly string[], lab: LabInfo): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
      cwd: REPO,
      env: { ...process.env, ...labEnv(lab) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
