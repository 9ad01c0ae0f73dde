// verify: the checks a plan asks for, each against the real cloud (hosts over SSH, state through the
// APIs). A failed check names what it found.

import { packagesOf, unitsOf } from '../../../catalog/index.js';
import type { ServiceName } from '../../../catalog/types.js';
import { StepFailure } from '../../../engine/driver.js';
import { CLOUD, type Step, type VerifyCheck } from '../../../plan/types.js';
import { quote } from '../../ssh/shell-quote.js';
import type { RealContext } from '../real-context.js';
import { compareVersions, upstreamVersion } from '../render/packages.js';
import { sameHead } from '../render/schema-version.js';
import type { StepIO } from '../step-io.js';
import { cloudOf } from './compute.js';
import { schemaVersion } from './database.js';
import { installedVersions } from './packages.js';
import { reportsHeartbeat, unitState } from './services.js';
import type { ActionHandler } from './types.js';

/** Runs `f` for every item, at most `n` at a time. */
export async function fanOut<T, R>(items: readonly T[], n: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/**
 * Hosts running any of `services` in a deployment: `new` is the spare hosts, `old` the others; with no
 * deployment named, the spares count only once the new deployment is registered (before that they are
 * empty machines, not part of the cloud).
 */
function hostsRunning(rc: RealContext, services: readonly ServiceName[] | undefined, env?: 'old' | 'new') {
  const sparesIn = env === 'new' || (env === undefined && rc.parallel?.active === true);
  return [...rc.hosts.values()].filter(
    (h) =>
      (h.spare ? sparesIn : env !== 'new') &&
      (services === undefined || h.services.some((s) => services.includes(s))),
  );
}

type Verdict = string | undefined;

async function check(step: Step, c: VerifyCheck, io: StepIO): Promise<Verdict> {
  const { rc } = io;
  const signal = io.ctx.signal;
  switch (c.check) {
    case 'hosts-reachable': {
      const bad = await fanOut([...rc.hosts.keys()], rc.fanOut, async (h) => {
        try {
          const r = await rc.exec.exec(h, 'true', { signal, timeoutMs: 30_000 });
          return r.code === 0 ? undefined : `${h} (exit ${r.code})`;
        } catch (err) {
          return `${h} (${err instanceof Error ? err.message : String(err)})`;
        }
      });
      const failed = bad.filter((b): b is string => b !== undefined);
      return failed.length === 0 ? undefined : `unreachable: ${failed.join('; ')}`;
    }
    case 'services-up':
    case 'services-down': {
      const want = c.check === 'services-up' ? 'running' : 'stopped';
      const hosts =
        c.check === 'services-down' && c.hosts !== undefined
          ? c.hosts.map((h) => rc.hosts.get(h)).filter((h) => h !== undefined)
          : hostsRunning(rc, c.services, c.check === 'services-up' ? c.env : undefined);
      const wrong = await fanOut(hosts, rc.fanOut, async (h) => {
        const services = h.services.filter((s) => c.services === undefined || c.services.includes(s));
        const out: string[] = [];
        const retired = rc.retired.get(h.name);
        for (const s of services) {
          for (const u of unitsOf(rc.to, [s], rc.family)) {
            const state = await unitState(rc, h.name, u, signal);
            if (state === want || (state === 'stopped' && retired?.has(s) === true)) continue;
            out.push(`${h.name}:${u} ${state}`);
          }
        }
        return out;
      });
      const problems = wrong.flat();
      if (c.check === 'services-up' && rc.cloud !== undefined) {
        const states = await (await cloudOf(rc, step.host, c.env)).compute.services();
        for (const h of hosts) {
          for (const s of h.services.filter(
            (x) => reportsHeartbeat(x) && (c.services === undefined || c.services.includes(x)),
          )) {
            const st = states.find((x) => x.host === h.name && x.binary === s);
            // A compute the upgrade left disabled is not serving; it is not down either.
            if (st !== undefined && !st.up && st.enabled) problems.push(`${h.name}:${s} down in os-services`);
          }
        }
      }
      return problems.length === 0 ? undefined : `not ${want}: ${problems.join(', ')}`;
    }
    case 'min-version': {
      const hosts = hostsRunning(rc, [c.service]);
      const pkgs = packagesOf(rc.from, [c.service], rc.family);
      const low = await fanOut(hosts, rc.fanOut, async (h) => {
        const versions = await installedVersions(rc, h.name, pkgs, signal);
        const main = pkgs.map((p) => versions.get(p)).find((v) => v !== undefined);
        if (main === undefined) return `${h.name}: ${pkgs.join('/')} not installed`;
        const up = upstreamVersion(main);
        return compareVersions(up, c.version) < 0
          ? `${h.name}: ${c.service} ${up} < ${c.version}`
          : undefined;
      });
      const bad = low.filter((x): x is string => x !== undefined);
      return bad.length === 0 ? undefined : bad.join('; ');
    }
    case 'free-disk': {
      const host = step.host === CLOUD ? rc.dbHost : step.host;
      // df needs an existing path: walk up to the nearest one that exists.
      const cmd = `p=${quote(c.path)}; while [ ! -e "$p" ]; do p=$(dirname "$p"); done; df -P -B1 "$p" | tail -n 1`;
      const r = await io.must(host, cmd);
      const avail = Number(r.stdout.trim().split(/\s+/)[3]);
      return Number.isFinite(avail) && avail >= c.bytes
        ? undefined
        : `${host}: ${avail} bytes free under ${c.path}, need ${c.bytes}`;
    }
    case 'no-error-instances': {
      const computes = new Set(hostsRunning(rc, ['nova-compute']).map((h) => h.name));
      const errors = (await (await cloudOf(rc, step.host)).compute.allServers()).filter(
        (s) => s.status === 'ERROR' && computes.has(s.host),
      );
      return errors.length === 0
        ? undefined
        : `instances in ERROR: ${errors.map((s) => `${s.id}@${s.host}`).join(', ')}`;
    }
    case 'schema-head': {
      // The new deployment's database (parallel-compute) is read where that deployment runs.
      const inParallel = c.database !== undefined && c.database === rc.parallel?.database;
      const host = inParallel
        ? rc.parallel?.controller
        : step.host !== CLOUD
          ? step.host
          : hostsRunning(
              rc,
              rc.to.services.filter((s) => s.project === c.project && s.dbAccess).map((s) => s.name),
              'old',
            )[0]?.name;
      if (host === undefined) return `no host runs ${c.project} to read its schema version`;
      const head = await schemaVersion(rc, host, c.project, signal);
      return sameHead(head, c.head)
        ? undefined
        : `${c.project} schema at ${head ?? 'unknown'}, expected ${c.head}`;
    }
    case 'capacity': {
      const compute = (await cloudOf(rc, step.host, c.env)).compute;
      const excluded = new Set(c.hosts ?? []);
      const enabled = new Set(
        (await compute.services({ binary: 'nova-compute' }))
          .filter((s) => s.enabled && s.up)
          .map((s) => s.host),
      );
      const free = (await compute.hypervisors())
        .filter(
          (h) =>
            enabled.has(h.host) &&
            !excluded.has(h.host) &&
            hostsRunning(rc, undefined, c.env).some((x) => x.name === h.host),
        )
        .reduce((sum, h) => sum + Math.max(0, h.memoryMb - h.memoryUsedMb), 0);
      // ram_mb is the batch's total at planning time; the instances there now are what must move.
      const perInstance = c.instances > 0 ? c.ram_mb / c.instances : 0;
      let instances = c.instances;
      if (c.hosts !== undefined && c.hosts.length > 0) {
        instances = 0;
        for (const h of c.hosts) instances += (await compute.serversOnHost(h)).length;
      }
      const need = Math.ceil(instances * perInstance);
      return free >= need
        ? undefined
        : `${free} MB free on the other computes, ${need} MB needed for ${instances} instance(s)`;
    }
    case 'api': {
      const cloud = await cloudOf(rc, step.host, c.env);
      const url = cloud.endpoints()[c.api];
      if (url === undefined) return `no ${c.api} endpoint in the catalog`;
      return (await cloud.compute.reachable(url, signal)) ? undefined : `${c.api} at ${url} does not answer`;
    }
    case 'smoke-boot': {
      const r = await (await cloudOf(rc, step.host, c.env)).compute.smokeBoot(signal);
      io.note(`smoke boot on ${r.host} in ${r.seconds.toFixed(1)} s`);
      return undefined;
    }
    case 'host-empty': {
      const left = await (await cloudOf(rc, step.host, step.env)).compute.serversOnHost(step.host);
      return left.length === 0 ? undefined : `${step.host} still holds ${left.length} instance(s)`;
    }
  }
}

/**
 * How long a services-up check waits for services that were just started to report: Nova shows a
 * restarted service down until its first heartbeat after start-up (report_interval 10 s by default,
 * and the start itself), and a verify that judged at once would fail a healthy upgrade. At most 60
 * polls: runs that poll fast (tests) give up sooner.
 */
export const SERVICES_SETTLE_MS = 120_000;
const SETTLE_POLLS = 60;

/** A check's verdict; services-up is asked again until it holds or the settle time is over. */
async function settledCheck(step: Step, c: VerifyCheck, io: StepIO): Promise<string | undefined> {
  const deadline = io.rc.clock.now() + Math.min(SERVICES_SETTLE_MS, io.rc.pollMs * SETTLE_POLLS);
  for (;;) {
    const verdict = await check(step, c, io);
    if (verdict === undefined || c.check !== 'services-up' || io.rc.clock.now() >= deadline) return verdict;
    io.note(`check ${c.check}: not yet (${verdict}); asking again`);
    await io.rc.clock.sleep(io.rc.pollMs, io.ctx.signal);
  }
}

export const verify: ActionHandler<'verify'> = {
  async execute(step, action, io) {
    const failed: string[] = [];
    for (const c of action.checks) {
      const verdict = await settledCheck(step, c, io);
      io.note(`check ${c.check}: ${verdict === undefined ? 'ok' : `FAILED: ${verdict}`}`);
      if (verdict !== undefined) failed.push(`${c.check}: ${verdict}`);
    }
    if (failed.length > 0) throw new StepFailure(`verification failed: ${failed.join(' | ')}`);
    return { summary: `${action.checks.length} check(s) passed` };
  },
  // Checks change nothing: running them again is the probe.
  probe: async () => 'unknown',
};
