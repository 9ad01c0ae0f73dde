// Verify checks on the twin: each checks what it claims against the model, and says what it found when
// it fails. Counters answer the cloud-wide checks in O(1); the cloud is scanned only to name offenders.

import { knownServiceNames } from '../../catalog/index.js';
import type { ServiceName } from '../../catalog/types.js';
import { compareVersions } from '../../catalog/versions.js';
import type { Environment, Step, VerifyCheck } from '../../plan/types.js';
import { COMPUTE_API } from './apis.js';
import { type Cloud, ENVIRONMENTS } from './cloud.js';
import { COMPUTE, configKey, type ServiceState } from './state.js';

const MAX_NAMED = 8;

/** The failures of a verify step's checks; empty when all pass. */
export function failedChecks(cloud: Cloud, step: Step, checks: readonly VerifyCheck[]): string[] {
  const out: string[] = [];
  for (const c of checks) {
    const problem = checkOne(cloud, step, c);
    if (problem !== undefined) out.push(`${c.check}: ${problem}`);
  }
  return out;
}

function checkOne(cloud: Cloud, step: Step, c: VerifyCheck): string | undefined {
  switch (c.check) {
    case 'hosts-reachable':
    case 'free-disk':
    case 'no-error-instances':
      // Not modelled: every host answers, disks have room, no instance is in ERROR (docs/twin.md).
      return undefined;
    case 'services-up':
      return notUp(cloud, c.services ?? knownServiceNames(cloud.ctx.to), c.env);
    case 'services-down':
      return servicesRunning(cloud, c.services, c.hosts);
    case 'min-version':
      return belowMinimum(cloud, c.service, c.version);
    case 'schema-head': {
      const name = c.database ?? cloud.databaseFor(c.project, 'old');
      const head = cloud.dbs.get(name)?.head;
      return head === c.head
        ? undefined
        : `the ${name} schema is ${head === undefined ? 'missing' : `at ${head}`}, expected ${c.head}`;
    }
    case 'capacity': {
      // The batch's own hosts are about to be disabled: their room does not count, and what has to
      // fit is what they hold now (instances moved onto them by earlier batches included), as a real
      // check would count it, not the planner's even spread.
      const batch = (c.hosts ?? []).flatMap((name) => {
        const h = cloud.host(name);
        return h === undefined ? [] : [h];
      });
      const p = cloud.placement[c.env].without(batch.map((h) => h.index));
      const instances = batch.length > 0 ? batch.reduce((n, h) => n + h.instances.length, 0) : c.instances;
      const ramMb = batch.length > 0 ? batch.reduce((n, h) => n + h.usedMb, 0) : c.ram_mb;
      if (p.freeMb >= ramMb && p.freeSlots >= instances) return undefined;
      return (
        `the ${c.env} deployment has ${Math.floor(p.freeMb)} MB (${p.freeSlots} instance slots) free on ${p.size} ` +
        `enabled computes besides the batch; ${ramMb} MB for ${instances} instances needed`
      );
    }
    case 'api':
      return cloud.apiUp(c.api, c.env)
        ? undefined
        : `${c.api}${c.env === undefined ? '' : ` (${c.env})`} is down`;
    case 'smoke-boot':
      return smokeBoot(cloud, c.env ?? cloudEnv(cloud));
    case 'host-empty': {
      const n = cloud.host(step.host)?.instances.length ?? 0;
      return n === 0 ? undefined : `${step.host} still hosts ${n} instances`;
    }
  }
}

/** The deployment the cloud's compute endpoint leads to when a check names none. */
function cloudEnv(cloud: Cloud): Environment {
  return cloud.apis.isRegistered(COMPUTE_API, 'old') ? 'old' : 'new';
}

/** Why a service does not report up. */
export function whyDown(s: ServiceState): string {
  if (s.run === undefined) return s.installed === undefined ? 'not installed' : 'stopped';
  if (!s.healthy) return `${s.run.release} code on the wrong schema`;
  if (s.host.env !== s.run.env) return `configured for the ${s.run.env} deployment`;
  return 'no compatible conductor';
}

/** Services among `names` expected (in `env`, or in any deployment) that do not report up. */
export function notUp(cloud: Cloud, names: readonly ServiceName[], env?: Environment): string | undefined {
  const envs = env === undefined ? ENVIRONMENTS : [env];
  let total = 0;
  for (const n of names) for (const e of envs) total += cloud.notUpCount(n, e);
  if (total === 0) return undefined;
  // A compute the operator (or a failed batch) took out of service is not expected up, as
  // `nova service-list` shows it disabled: count only the services of hosts in service.
  const wanted = new Set(names);
  const named: string[] = [];
  total = 0;
  for (const h of cloud.hostList) {
    if (h.env === undefined || !envs.includes(h.env)) continue;
    if (!h.enabled && h.services.has(COMPUTE)) continue;
    for (const s of h.services.values()) {
      if (s.removed || s.up || !wanted.has(s.name)) continue;
      total++;
      if (named.length < MAX_NAMED) named.push(`${s.name} on ${h.name} (${whyDown(s)})`);
    }
  }
  if (total === 0) return undefined;
  return `${total} not up: ${named.join(', ')}${total > named.length ? ', …' : ''}`;
}

function servicesRunning(
  cloud: Cloud,
  names?: readonly ServiceName[],
  hosts?: readonly string[],
): string | undefined {
  const wanted = names === undefined ? undefined : new Set(names);
  const only = hosts === undefined ? undefined : new Set(hosts);
  const scope = only === undefined ? cloud.hostList : cloud.hostList.filter((h) => only.has(h.name));
  let total =
    names === undefined ? cloud.runningCount : names.reduce((n, name) => n + cloud.runningNamed(name), 0);
  if (hosts !== undefined) {
    // Counted per host: the check is about these machines only (other hosts may keep the service).
    total = 0;
    for (const h of scope)
      for (const s of h.services.values()) if (s.run !== undefined && (wanted?.has(s.name) ?? true)) total++;
  }
  if (total === 0) return undefined;
  const named: string[] = [];
  for (const h of scope) {
    for (const s of h.services.values()) {
      if (s.run !== undefined && (wanted === undefined || wanted.has(s.name)) && named.length < MAX_NAMED) {
        named.push(`${s.name} on ${h.name}`);
      }
    }
    if (named.length >= MAX_NAMED) break;
  }
  return `${total} still running: ${named.join(', ')}${total > named.length ? ', …' : ''}`;
}

/** The facts give one installed version per service; hosts still on the old release carry it. */
function belowMinimum(cloud: Cloud, service: ServiceName, minimum: string): string | undefined {
  const version = cloud.ctx.inventory.facts.versions[service];
  if (version === undefined || compareVersions(version, minimum) >= 0) return undefined;
  const hosts = cloud.hostList.filter((h) => h.services.get(service)?.installed === cloud.ctx.from.name);
  if (hosts.length === 0) return undefined;
  const names = hosts.slice(0, MAX_NAMED).map((h) => h.name);
  return `${service} ${version} on ${names.join(', ')}${hosts.length > names.length ? ', …' : ''} is older than ${minimum}`;
}

/**
 * Boots one instance in a deployment: the APIs it needs answer, a scheduler and a conductor run, the
 * scheduler finds an enabled, up compute with room (the one with the most free RAM), every controller
 * service that talks to that compute speaks a version it accepts, its network agent runs, and — when
 * it waits for Neutron's network-vif-plugged event — someone sends that event to a Nova API that
 * serves it. Failing any of these is a failed boot.
 */
export function smokeBoot(cloud: Cloud, env: Environment): string | undefined {
  const apis = cloud.apis.apis;
  if (!cloud.apiUp(COMPUTE_API, env)) return `the compute API of the ${env} deployment is down`;
  for (const api of ['image-api', 'network-api'] as const) {
    if (apis.includes(api) && !cloud.apiUp(api))
      return `${api} is down: the boot cannot get its ${api === 'image-api' ? 'image' : 'port'}`;
  }
  for (const name of ['nova-scheduler', 'nova-conductor']) {
    if (cloud.hasService(name) && cloud.runningIn(name, env) === 0)
      return `no ${name} runs in the ${env} deployment`;
  }
  const ram = cloud.instances.ramMb;
  const h = cloud.placement[env].best(ram);
  if (h === undefined) {
    return `NoValidHost: No valid host was found (no enabled, up compute of the ${env} deployment has ${ram} MB free)`;
  }
  const host = cloud.hostList[h]!;
  const compute = host.services.get(COMPUTE)!;
  const run = compute.run!;
  const rejected = cloud.clientRejection(compute);
  if (rejected !== undefined) return `boot on ${host.name}: ${rejected}`;
  for (const name of cloud.ctx.release(run.release).rpc?.dataPlane ?? []) {
    const agent = host.services.get(name);
    if (agent !== undefined && !agent.removed && agent.run === undefined) {
      return `boot on ${host.name}: binding failed, ${name} on ${host.name} is not running`;
    }
  }
  for (const link of cloud.eventApis) {
    const waiter = cloud.eventDef(run.release, link.api)?.waiter;
    if (waiter === undefined || waiter.service !== compute.name || !cloud.hasService(link.sender)) continue;
    if (run.config.get(configKey(waiter.file, waiter.section, waiter.key)) === waiter.off) continue;
    const { senders, receivers } = cloud.eventParties(env);
    const serving = receivers.filter((r) => cloud.eventDef(r.run!.release, link.api)?.serves === true);
    if (senders.length > 0 && serving.length > 0) continue;
    const why =
      senders.length === 0
        ? `no running ${link.sender} sends ${link.api} events to the ${env} deployment`
        : `no running ${link.receiver} of the ${env} deployment serves ${link.api}`;
    return (
      `boot on ${host.name}: VirtualInterfaceCreateException: no network-vif-plugged event within 300 s ` +
      `(${why}; ${waiter.key} is not ${waiter.off})`
    );
  }
  return undefined;
}
