// Benchmark: the SSH executor (SshPool) against a bare ssh2 loop doing the same work, in the same run,
// on a loopback fleet of real OpenSSH sshd hosts (test/fleet). Every host runs four steps in sequence,
// all hosts at once:
//   service nova-compute stop · dpkg-query … nova-compute · SFTP write of /etc/nova/nova.conf
//   (temp file + rename) · service nova-compute start
// SshPool: a fresh pool per round (connections are part of the time), `exec` and `writeFile`.
// Bare: one ssh2 Client per host, `exec` of the same command strings, `sftp.writeFile` then
// `ext_openssh_rename`, host keys checked against the fleet's known_hosts as well.
// Measured per round and variant: wall time and the client's CPU (process.cpuUsage, user + system).
// Rounds alternate the order (A B, B A, …) after BENCH_WARMUP unrecorded pairs.
// Target (issue): SshPool ≤ 1.5 × the bare loop's wall time, ≤ 15 ms of client CPU per host.
// BENCH_NOOP=1 replaces the three commands by shell built-ins (`true`, `echo`), so that the fleet's shims
// (a Node process per call) no longer take most of the machine: SSH's own cost, for comparison.
// Run: npm run bench   (BENCH_HOSTS, BENCH_PARALLEL, BENCH_ROUNDS, BENCH_WARMUP, BENCH_ONLY=pool|bare,
// BENCH_NOOP, BENCH_FIRST_ADDRESS, BENCH_PORT)

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { SshPool } from '../src/drivers/ssh/pool.js';
import { DEFAULT_SSH_OPTIONS } from '../src/drivers/ssh/target.js';
import { type Fleet, fleetAvailable } from '../test/fleet/fleet.js';
import {
  type BareResult,
  bareConnect,
  bareExec,
  bareSftp,
  bareWriteFile,
  loadPlainKnownHosts,
} from './support/ssh-bare.js';
import { withBenchFleet } from './support/ssh-fleet.js';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 50);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const ONLY = process.env.BENCH_ONLY;
const FIRST_ADDRESS = process.env.BENCH_FIRST_ADDRESS ?? '127.0.40.1';
const PORT = process.env.BENCH_PORT !== undefined ? Number(process.env.BENCH_PORT) : undefined;
const TARGET_RATIO = 1.5;
const TARGET_CPU_MS = 15;

const VERSION = '1:2013.2.4-0ubuntu1~cloud0';
const CONF = '/etc/nova/nova.conf';
const NOOP = process.env.BENCH_NOOP === '1';
const STOP = NOOP ? 'true' : 'service nova-compute stop';
// dpkg-query expands the ${…} fields and the \n itself (the shell passes them through unchanged).
// biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not a template
const DPKG_QUERY = "dpkg-query -W -f='${Package} ${Version}\\n' nova-compute";
const QUERY = NOOP ? `echo 'nova-compute ${VERSION}'` : DPKG_QUERY;
const START = NOOP ? 'true' : 'service nova-compute start';
const SHIM_CALLS = NOOP ? 0 : 3;
const STEPS = ['stop (+ connect)', 'dpkg-query', 'sftp write', 'start'] as const;

type Variant = 'pool' | 'bare';
const LABEL: Record<Variant, string> = { pool: 'SshPool', bare: 'bare ssh2' };

interface HostRun {
  results: BareResult[];
  /** ms per step, the first including the connection. */
  stepMs: number[];
}

interface Round {
  variant: Variant;
  wallMs: number;
  cpuMs: number;
  /** CPU time of the whole machine (every core, every process: sshd, shims, this client, others). */
  machineCpuMs: number;
  stepMs: number[];
}

/** Busy CPU time of the whole machine so far, in ms (/proc/stat: all but idle and iowait). */
function machineBusyMs(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return ((total - idle) * 1000) / 100; // USER_HZ is 100 on Linux
}

function confText(tag: string): string {
  const lines = ['[DEFAULT]', `# written by bench/ssh.bench.ts (${tag})`, 'my_ip = 10.0.0.11'];
  for (let i = 0; i < 24; i++) lines.push(`option_${i} = value-${i}`);
  return `${lines.join('\n')}\n`;
}

/** Runs `work` for every host, at most PARALLEL at a time. */
async function forHosts<T>(hosts: readonly string[], work: (host: string) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(hosts.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < hosts.length; i = next++) out[i] = await work(hosts[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, hosts.length) }, worker));
  return out;
}

async function timed<T>(stepMs: number[], work: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const r = await work();
  stepMs.push(performance.now() - t);
  return r;
}

async function runPool(fleet: Fleet, hosts: readonly string[], text: string): Promise<HostRun[]> {
  const pool = new SshPool(
    (name) => {
      const h = fleet.host(name);
      return { name, address: h.address, port: h.port, user: 'root', identityFiles: [fleet.clientKeyPath] };
    },
    { ...DEFAULT_SSH_OPTIONS, knownHostsPath: fleet.knownHostsPath, maxInFlight: PARALLEL },
  );
  try {
    return await forHosts(hosts, async (host) => {
      const stepMs: number[] = [];
      const results: BareResult[] = [];
      results.push(await timed(stepMs, () => pool.exec(host, STOP)));
      results.push(await timed(stepMs, () => pool.exec(host, QUERY)));
      await timed(stepMs, () => pool.writeFile(host, CONF, text));
      results.push(await timed(stepMs, () => pool.exec(host, START)));
      return { results, stepMs };
    });
  } finally {
    await pool.close();
  }
}

async function runBare(fleet: Fleet, hosts: readonly string[], text: string): Promise<HostRun[]> {
  const [privateKey, known] = await Promise.all([
    readFile(fleet.clientKeyPath),
    loadPlainKnownHosts(fleet.knownHostsPath),
  ]);
  return forHosts(hosts, async (host) => {
    const h = fleet.host(host);
    const stepMs: number[] = [];
    const results: BareResult[] = [];
    const t = performance.now();
    const client = await bareConnect({ address: h.address, port: h.port, user: 'root' }, privateKey, known);
    try {
      results.push(await bareExec(client, STOP));
      stepMs.push(performance.now() - t);
      results.push(await timed(stepMs, () => bareExec(client, QUERY)));
      await timed(stepMs, async () =>
        bareWriteFile(await bareSftp(client), CONF, text, randomBytes(6).toString('hex')),
      );
      results.push(await timed(stepMs, () => bareExec(client, START)));
      return { results, stepMs };
    } finally {
      client.end();
    }
  });
}

async function seed(fleet: Fleet, hosts: readonly string[]): Promise<void> {
  await Promise.all(
    hosts.map((h) =>
      fleet.seed(h, {
        services: { 'nova-compute': 'running' },
        packages: { 'nova-compute': VERSION },
        repo: 'havana',
        files: { [CONF]: confText('seed') },
      }),
    ),
  );
}

/** The round did the work: every command succeeded, the query printed the version, the file is there. */
async function verify(fleet: Fleet, hosts: readonly string[], runs: HostRun[], text: string): Promise<void> {
  for (const [i, host] of hosts.entries()) {
    const [stop, query, start] = runs[i]?.results ?? [];
    const problem =
      stop?.code !== 0
        ? `stop exited ${stop?.code}: ${stop?.stderr}`
        : query?.stdout !== `nova-compute ${VERSION}\n`
          ? `dpkg-query printed ${JSON.stringify(query?.stdout)} (${query?.stderr})`
          : start?.code !== 0
            ? `start exited ${start?.code}: ${start?.stderr}`
            : (await fleet.read(host, CONF)) !== text
              ? `${CONF} was not written`
              : (await fleet.calls(host)).length !== SHIM_CALLS
                ? `the shims recorded ${(await fleet.calls(host)).length} calls, not ${SHIM_CALLS}`
                : undefined;
    if (problem !== undefined) throw new Error(`${host}: ${problem}`);
  }
}

async function round(fleet: Fleet, hosts: readonly string[], variant: Variant, tag: string): Promise<Round> {
  await seed(fleet, hosts);
  const text = confText(`${variant} ${tag}`);
  // Let the seeding's writes and the previous round's sshd children settle.
  await new Promise((r) => setTimeout(r, 300));
  const machine0 = machineBusyMs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const runs = variant === 'pool' ? await runPool(fleet, hosts, text) : await runBare(fleet, hosts, text);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const machineCpuMs = machineBusyMs() - machine0;
  await verify(fleet, hosts, runs, text);
  const stepMs = STEPS.map((_, s) => runs.reduce((sum, r) => sum + (r.stepMs[s] ?? 0), 0) / runs.length);
  return { variant, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, machineCpuMs, stepMs };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const ms = (x: number) => `${Math.round(x).toLocaleString('en-US')} ms`;
const cpu = (x: number) => `${x.toFixed(1)} ms`;
const range = (xs: readonly number[], f: (x: number) => string) =>
  `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;

const hostNames = Array.from({ length: HOSTS }, (_, i) => `cmp${i + 1}`);
const variants: Variant[] = ONLY === 'pool' || ONLY === 'bare' ? [ONLY] : ['pool', 'bare'];

async function main(): Promise<boolean> {
  return withBenchFleet(
    { hosts: hostNames, firstAddress: FIRST_ADDRESS, ...(PORT !== undefined ? { port: PORT } : {}) },
    async (fleet) => {
      console.log(
        `SSH four-step sequence${NOOP ? ' (no-op commands)' : ''} on ${HOSTS} loopback sshd hosts, parallelism ${PARALLEL}: ` +
          `${ROUNDS} rounds per variant after ${WARMUP} warm-up, order alternating`,
      );
      console.log(
        `machine: ${availableParallelism()} cores, load average ${loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')} before the first round`,
      );
      const rounds: Round[] = [];
      for (let i = 0; i < WARMUP + ROUNDS; i++) {
        const order = i % 2 === 0 ? variants : [...variants].reverse();
        for (const v of order) {
          const r = await round(fleet, hostNames, v, `round ${i}`);
          const kind = i < WARMUP ? 'warm-up' : `round ${i - WARMUP + 1}`;
          console.log(
            `  ${kind.padEnd(8)} ${LABEL[v].padEnd(10)} wall ${ms(r.wallMs).padStart(9)}   ` +
              `client CPU ${ms(r.cpuMs).padStart(8)} = ${cpu(r.cpuMs / HOSTS)}/host   ` +
              `machine CPU ${ms(r.machineCpuMs).padStart(9)}   ` +
              `steps ${r.stepMs.map((x) => Math.round(x)).join(' / ')} ms`,
          );
          if (i >= WARMUP) rounds.push(r);
        }
      }

      console.log('');
      console.log(`variant     wall: median (range)           client CPU per host: median (range)`);
      const of = (v: Variant) => rounds.filter((r) => r.variant === v);
      for (const v of variants) {
        const rs = of(v);
        console.log(
          `${LABEL[v].padEnd(11)} ${range(
            rs.map((r) => r.wallMs),
            ms,
          ).padEnd(30)} ${range(
            rs.map((r) => r.cpuMs / HOSTS),
            cpu,
          )}`,
        );
      }
      console.log(
        `mean per host and step (${STEPS.join(' / ')}), median round: ` +
          variants
            .map((v) => {
              const rs = of(v);
              return `${LABEL[v]} ${STEPS.map((_, s) => Math.round(median(rs.map((r) => r.stepMs[s]!)))).join(' / ')} ms`;
            })
            .join('; '),
      );
      if (variants.length < 2) return true;

      const pool = of('pool');
      const bare = of('bare');
      const ratio = median(pool.map((r) => r.wallMs)) / median(bare.map((r) => r.wallMs));
      const pairRatios = pool.map((r, i) => r.wallMs / bare[i]!.wallMs);
      const cpuPerHost = median(pool.map((r) => r.cpuMs / HOSTS));
      const bareCpu = median(bare.map((r) => r.cpuMs / HOSTS));
      const ratioOk = ratio <= TARGET_RATIO;
      const cpuOk = cpuPerHost <= TARGET_CPU_MS;
      console.log('');
      console.log(
        `wall ratio SshPool / bare: ${ratio.toFixed(2)} (per round ${pairRatios.map((x) => x.toFixed(2)).join(', ')}; ` +
          `target ≤ ${TARGET_RATIO}) → ${ratioOk ? 'PASS' : 'FAIL'}`,
      );
      console.log(
        `client CPU per host, SshPool: ${cpu(cpuPerHost)} (bare ${cpu(bareCpu)}, ×${(cpuPerHost / bareCpu).toFixed(2)}; ` +
          `target ≤ ${TARGET_CPU_MS} ms) → ${cpuOk ? 'PASS' : 'FAIL'}`,
      );
      return ratioOk && cpuOk;
    },
  );
}

if (!fleetAvailable()) {
  console.log(
    'SSH benchmark skipped: the loopback fleet needs root, sshd and sudo (node scripts/fleet-deps.mjs)',
  );
} else if (!(await main())) {
  console.log('SSH target NOT met');
}
