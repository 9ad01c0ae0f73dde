// The cloud model: the state of state.ts plus everything derived from it, kept up to date incrementally
// so that a change costs O(what it touches), never a scan of the whole cloud (the benchmark rehearses
// 10,000 computes and 200,000 instances):
//   - RPC link indexes (links.ts): incompatible running pairs open exposure windows;
//   - Neutron → Nova events: senders and receivers per deployment, the same way;
//   - API backends per (API, deployment) → API downtime windows (apis.ts);
//   - services reporting up, counted per (service, deployment) for `services-up`;
//   - compute-control windows per hypervisor and the scheduler's free-RAM heap per deployment;
//   - Nova releases running side by side per deployment.
// Cloud.apply is the only way the state changes (ops.ts); everything it derives depends on the state and
// the op's instant only, so replaying the op log reproduces the metrics exactly.

import type { ApiOutage, EventApiDef, ProjectName, ServiceName } from '../../catalog/types.js';
import type { Environment } from '../../plan/types.js';
import { ApiTracker, ENDPOINT_API } from './apis.js';
import { applyEdit } from './config.js';
import { Exposure } from './exposure.js';
import { ENDED, type InstanceTable, initialInstances, LOST } from './instances.js';
import { Windows } from './intervals.js';
import { RpcLinks } from './links.js';
import { getOrSet } from './maps.js';
import type { Op } from './ops.js';
import { Placement } from './placement.js';
import type { Send } from './rpc.js';
import {
  COMPUTE,
  computeOrder,
  configKey,
  type DbState,
  type HostState,
  initialDatabases,
  initialHosts,
  type RunInfo,
  type ServiceState,
  type TwinContext,
} from './state.js';

export const ENVIRONMENTS: readonly Environment[] = ['old', 'new'];

export class Cloud {
  readonly hosts = new Map<string, HostState>();
  readonly hostList: readonly HostState[];
  readonly dbs = new Map<string, DbState>();
  /** The new deployment's database per project (parallel-compute), once its sync created it. */
  readonly newDbs = new Map<ProjectName, string>();
  readonly instances: InstanceTable;
  readonly apis: ApiTracker;
  readonly rpc = new Exposure();
  private readonly links: RpcLinks;
  readonly events = new Exposure();
  /** Hypervisors without control: nova-compute down, or up but with no compatible conductor. */
  readonly control = new Windows();
  /** Hypervisors whose nova-compute is not running at all (a subset of `control`). */
  readonly stopped = new Windows();
  /** Nova releases running side by side, per deployment. */
  readonly mixed = new Windows();
  readonly placement: Readonly<Record<Environment, Placement>>;
  readonly counters = {
    workload_interruptions: 0,
    instances_lost: 0,
    live_migrations: 0,
    cold_migrations: 0,
    mb_moved: 0,
    db_wait_ms: 0,
    instances_ended: 0,
  };
  /** Keystone regions and the Nova deployment each stands for. */
  readonly regions = new Map<string, Environment>();
  /** Databases whose migration is in progress. In memory only: nothing is in flight after a crash. */
  readonly syncing = new Set<string>();
  runningCount = 0;
  now: number;

  private readonly dbUsers = new Map<string, Set<ServiceState>>();
  private readonly expected = new Map<string, number>();
  private readonly notUp = new Map<string, number>();
  private readonly mixedCounts = new Map<string, number>();
  private readonly eventLinks: readonly EventApiDef[];
  private readonly eventSenders = new Set<ServiceState>();
  private readonly eventReceivers = new Map<Environment, Set<ServiceState>>();
  private present: Set<ServiceName> | undefined;
  private mixedDirty = true;
  private readonly runningByName = new Map<ServiceName, number>();

  constructor(
    readonly ctx: TwinContext,
    readonly t0: number,
  ) {
    this.now = t0;
    this.hostList = initialHosts(ctx);
    for (const h of this.hostList) this.hosts.set(h.name, h);
    for (const db of initialDatabases(ctx)) this.dbs.set(db.name, db);
    this.instances = initialInstances(ctx, computeOrder(this.hostList), t0);
    const apis = new Set<ApiOutage>();
    for (const h of this.hostList) for (const s of h.services.values()) if (s.def.api) apis.add(s.def.api);
    this.apis = new ApiTracker([...apis].sort());
    const n = this.hostList.length;
    const ram = ctx.facts.instance_ram_mb;
    this.placement = { old: new Placement(n, ram), new: new Placement(n, ram) };
    this.links = new RpcLinks(ctx, this.rpc);
    this.eventLinks = ctx.to.rpc?.events ?? [];

    // The cloud at t0: everything runs. Servers of required links first, so their clients find them.
    const all = this.hostList.filter((h) => !h.spare).flatMap((h) => [...h.services.values()]);
    const first = all.filter((s) => this.links.isRequiredServer(s.name));
    for (const s of [...first, ...all.filter((s) => !this.links.isRequiredServer(s.name))])
      this.startService(s, t0);
    for (const h of this.hostList) for (const s of h.services.values()) if (!s.run) this.refresh(s, t0);
    this.settle(t0);
  }

  // ---------------------------------------------------------------------------------------------------
  // Reading

  host(name: string): HostState | undefined {
    return this.hosts.get(name);
  }

  service(host: string, name: ServiceName): ServiceState | undefined {
    const s = this.hosts.get(host)?.services.get(name);
    return s === undefined || s.removed ? undefined : s;
  }

  /** Services of a name expected in a deployment that do not report up. */
  notUpCount(service: ServiceName, env: Environment): number {
    return this.notUp.get(`${service}@${env}`) ?? 0;
  }

  expectedCount(service: ServiceName, env: Environment): number {
    return this.expected.get(`${service}@${env}`) ?? 0;
  }

  /** Running services with direct access to a database. */
  usersOf(db: string): ServiceState[] {
    return [...(this.dbUsers.get(db) ?? [])];
  }

  /** The database a project uses in a deployment. */
  databaseFor(project: ProjectName, env: Environment): string {
    if (env === 'new') return this.newDbs.get(project) ?? `${project}@new`;
    return this.ctx.from.databases[project] ?? project;
  }

  /** The environment a host's Nova config points at: parallel-compute's edits move it to `new`. */
  configEnv(host: HostState): Environment {
    for (const id of host.edits) if (this.ctx.parallelEdits.has(id)) return 'new';
    return 'old';
  }

  /** What the service would read if it started now. */
  prospectiveRun(s: ServiceState): RunInfo | undefined {
    if (s.installed === undefined) return undefined;
    const release = this.ctx.release(s.installed);
    const host = s.host;
    let notifyEnv: Environment = 'old';
    for (const id of host.edits) if (this.ctx.parallelNeutronEdits.has(id)) notifyEnv = 'new';
    return {
      release: release.name,
      point:
        release.name === this.ctx.from.name ? this.ctx.inventory.facts.versions[s.name] : release.version,
      env: this.configEnv(host),
      pins: Object.fromEntries(host.pins),
      configGen: host.configGen,
      notifyEnv,
      config: new Map(host.config),
    };
  }

  sendsOf(name: ServiceName, run: RunInfo): Map<number, Send> {
    return this.links.sendsOf(name, run);
  }

  requiredRejection(
    name: ServiceName,
    host: string,
    sends: Map<number, Send>,
    env: Environment,
  ): string | undefined {
    return this.links.requiredRejection(name, host, sends, env);
  }

  clientRejection(s: ServiceState): string | undefined {
    return this.links.clientRejection(s);
  }

  migrationRejection(src: ServiceState, dst: ServiceState): string | undefined {
    return this.links.migrationRejection(src, dst);
  }

  runningIn(name: ServiceName, env: Environment): number {
    return this.links.runningIn(name, env);
  }

  /** Whether any host of the cloud (spares included) has a service of this name. */
  hasService(name: ServiceName): boolean {
    let known = this.present;
    if (known === undefined) {
      known = new Set();
      for (const h of this.hostList) for (const n of h.services.keys()) known.add(n);
      this.present = known;
    }
    return known.has(name);
  }

  /** The events API a release's service sends or serves, by API name. */
  eventDef(release: string, api: string): EventApiDef | undefined {
    return this.ctx.release(release).rpc?.events.find((e) => e.api === api);
  }

  /** Whether a sender run sends the events: its release does and its config does not turn them off. */
  sendsEvents(run: RunInfo, api: string): boolean {
    const def = this.eventDef(run.release, api);
    if (def?.sends !== true) return false;
    const sw = def.senderSwitch;
    return (
      sw === undefined || !sw.keys.every((k) => run.config.get(configKey(sw.file, sw.section, k)) === sw.off)
    );
  }

  /** Running services of a name, anywhere. */
  runningNamed(name: ServiceName): number {
    return this.runningByName.get(name) ?? 0;
  }

  get eventApis(): readonly EventApiDef[] {
    return this.eventLinks;
  }

  /** Running event senders whose events go to `env`, and running receivers there. */
  eventParties(env: Environment): { senders: ServiceState[]; receivers: ServiceState[] } {
    return {
      senders: [...this.eventSenders].filter((s) => s.run?.notifyEnv === env),
      receivers: [...(this.eventReceivers.get(env) ?? [])],
    };
  }

  apiUp(api: string, env?: Environment): boolean {
    return this.apis.isUp(api, env);
  }

  // ---------------------------------------------------------------------------------------------------
  // Changing

  apply(op: Op, at: number): void {
    this.now = at;
    switch (op.op) {
      case 'stop':
        for (const name of op.services) {
          const s = this.service(op.host, name);
          if (s?.run !== undefined) this.stopService(s, at);
        }
        break;
      case 'start':
        for (const name of op.services) {
          const s = this.service(op.host, name);
          if (s !== undefined && s.run === undefined && s.installed !== undefined) this.startService(s, at);
        }
        break;
      case 'install': {
        for (const name of op.services) {
          const s = this.service(op.host, name);
          if (s !== undefined) s.installed = op.release;
        }
        break;
      }
      case 'repo':
        this.mustHost(op.host).repo = op.release;
        break;
      case 'config': {
        const host = this.mustHost(op.host);
        for (const edit of op.edits) applyEdit(host, edit);
        host.configGen++;
        break;
      }
      case 'pin': {
        const host = this.mustHost(op.host);
        if (op.level === null) host.pins.delete(op.topic);
        else host.pins.set(op.topic, op.level);
        host.configGen++;
        break;
      }
      case 'enable': {
        const host = this.mustHost(op.host);
        host.enabled = op.enabled;
        this.refreshCompute(host, at);
        break;
      }
      case 'schema':
        this.setSchema(op.database, op.project, op.env, op.head, at);
        break;
      case 'fix':
        this.dbs.get(op.database)?.fixes.add(op.fix);
        break;
      case 'backup': {
        const host = this.mustHost(op.host);
        for (const n of op.names) host.backups.add(n);
        break;
      }
      case 'move': {
        const from = this.mustHost(op.from);
        for (const [to, count] of op.to) this.moveFirst(from, this.mustHost(to), count, op.kind);
        break;
      }
      case 'end':
        this.endInstances(this.mustHost(op.host));
        break;
      case 'join':
        this.join(this.mustHost(op.host), op.env, at);
        break;
      case 'endpoint':
        if (op.present) this.regions.set(op.region, op.env);
        this.apis.register(ENDPOINT_API[op.service], op.env, op.present);
        break;
      case 'remove': {
        const host = this.mustHost(op.host);
        for (const name of op.services) {
          const s = this.service(op.host, name);
          if (s === undefined) continue;
          if (name === COMPUTE) this.lose(host);
          if (s.run !== undefined) this.stopService(s, at);
          s.removed = true;
          this.refresh(s, at);
        }
        break;
      }
      case 'count':
        if (op.metric === 'rpc_errors') this.rpc.count(op.n, op.sample);
        else if (op.metric === 'event_errors') this.events.count(op.n, op.sample);
        else this.counters.db_wait_ms += op.n;
        break;
    }
    this.settle(at);
  }

  private mustHost(name: string): HostState {
    const h = this.hosts.get(name);
    if (h === undefined) throw new Error(`twin: unknown host ${name}`);
    return h;
  }

  private settle(at: number): void {
    this.apis.evaluate(at);
    if (!this.mixedDirty) return;
    this.mixedDirty = false;
    for (const env of ENVIRONMENTS) {
      let releases = 0;
      for (const [k, n] of this.mixedCounts) if (n > 0 && k.startsWith(`${env}|`)) releases++;
      this.mixed.set(env, releases >= 2, at);
    }
  }

  private startService(s: ServiceState, at: number): void {
    const run = this.prospectiveRun(s);
    if (run === undefined) return;
    s.run = run;
    this.runningCount++;
    add(this.runningByName, s.name, 1);
    s.sends = this.sendsOf(s.name, run);
    this.online(s, at);
    this.refresh(s, at);
    this.refreshClientsOfServer(s, run.env, at);
  }

  private stopService(s: ServiceState, at: number): void {
    const run = s.run!;
    const dataPlane = this.ctx.release(run.release).rpc?.dataPlane ?? [];
    // The host's instances lose their network while the agent resets flows / bridges (OPS, facts §4).
    if (dataPlane.includes(s.name)) this.counters.workload_interruptions += s.host.instances.length;
    this.offline(s, at);
    s.run = undefined;
    s.sends = new Map();
    this.runningCount--;
    add(this.runningByName, s.name, -1);
    this.refresh(s, at);
    this.refreshClientsOfServer(s, run.env, at);
  }

  /** Indexes a service that just started and opens a window for every incompatible pair it forms. */
  private online(s: ServiceState, at: number): void {
    const run = s.run!;
    const env = run.env;
    this.links.online(s, at);
    for (const e of this.eventLinks) {
      if (e.sender === s.name && this.sendsEvents(run, e.api)) {
        this.eventSenders.add(s);
        for (const r of this.eventReceivers.get(run.notifyEnv) ?? []) this.checkEvents(s, r, e, at);
      }
      if (e.receiver === s.name) {
        getOrSet(this.eventReceivers, env, () => new Set()).add(s);
        for (const snd of this.eventSenders) if (snd.run?.notifyEnv === env) this.checkEvents(snd, s, e, at);
      }
    }
    if (this.ctx.pack.mixedVersion.includes(s.def.project)) {
      s.mixedKey = `${env}|${run.release}`;
      this.mixedCounts.set(s.mixedKey, (this.mixedCounts.get(s.mixedKey) ?? 0) + 1);
      this.mixedDirty = true;
    }
    if (s.def.dbAccess) {
      s.db = this.databaseFor(s.def.project, env);
      getOrSet(this.dbUsers, s.db, () => new Set()).add(s);
    }
  }

  private offline(s: ServiceState, at: number): void {
    const run = s.run!;
    const env = run.env;
    this.links.offline(s, at);
    this.events.stopParty(s.key, at);
    this.eventSenders.delete(s);
    this.eventReceivers.get(env)?.delete(s);
    if (s.mixedKey !== undefined) {
      this.mixedCounts.set(s.mixedKey, (this.mixedCounts.get(s.mixedKey) ?? 1) - 1);
      s.mixedKey = undefined;
      this.mixedDirty = true;
    }
    if (s.db !== undefined) {
      this.dbUsers.get(s.db)?.delete(s);
      s.db = undefined;
    }
  }

  private checkEvents(sender: ServiceState, receiver: ServiceState, e: EventApiDef, at: number): void {
    const run = receiver.run!;
    if (this.eventDef(run.release, e.api)?.serves === true) return;
    const message =
      `${sender.name} on ${sender.host.name} → ${receiver.name} on ${receiver.host.name}: POST /${e.api} ` +
      `404 Not Found (${receiver.name} runs ${run.release}, which has no ${e.api})`;
    this.events.start(`${sender.key}>${receiver.key}#${e.api}`, sender.key, receiver.key, at, message);
  }

  /** A server of a required link came or went: refresh the clients whose reachability flipped. */
  private refreshClientsOfServer(s: ServiceState, env: Environment, at: number): void {
    for (const c of this.links.flippedClients(s, env)) this.refresh(c, at);
  }

  private schemaOk(s: ServiceState): boolean {
    const run = s.run;
    if (run === undefined || !s.def.dbAccess) return true;
    const want = this.ctx.release(run.release).schemaHeads[s.def.project];
    if (want === undefined) return true;
    return this.dbs.get(s.db ?? this.databaseFor(s.def.project, run.env))?.head === want;
  }

  /** Recomputes a service's derived flags and moves it between the counts that depend on them. */
  private refresh(s: ServiceState, at: number): void {
    const run = s.run;
    const healthy = run !== undefined && !s.removed && this.schemaOk(s);
    const up = healthy && s.host.env === run.env && this.links.reachable(s);
    const api = s.def.api;
    const apiEnv = healthy && api !== undefined ? run.env : undefined;
    if (api !== undefined && apiEnv !== s.apiEnv) {
      if (s.apiEnv !== undefined) this.apis.backend(api, s.apiEnv, -1);
      if (apiEnv !== undefined) this.apis.backend(api, apiEnv, 1);
      s.apiEnv = apiEnv;
    }
    const slot = !s.removed && s.host.env !== undefined ? `${s.name}@${s.host.env}` : undefined;
    if (slot !== s.slot || up !== s.slotUp) {
      if (s.slot !== undefined) {
        add(this.expected, s.slot, -1);
        if (!s.slotUp) add(this.notUp, s.slot, -1);
      }
      if (slot !== undefined) {
        add(this.expected, slot, 1);
        if (!up) add(this.notUp, slot, 1);
      }
      s.slot = slot;
      s.slotUp = up;
    }
    s.healthy = healthy;
    s.up = up;
    if (s.name === COMPUTE) this.refreshCompute(s.host, at);
  }

  private refreshCompute(host: HostState, at: number): void {
    const s = host.services.get(COMPUTE);
    if (s === undefined) return;
    const present = !s.removed && host.env !== undefined;
    const up = present && s.up;
    if (up) host.inService = true;
    this.control.set(host.name, present && host.inService && !up, at);
    this.stopped.set(host.name, present && host.inService && s.run === undefined, at);
    const placed = up && host.enabled ? host.env : undefined;
    if (placed !== s.placedEnv && s.placedEnv !== undefined)
      this.placement[s.placedEnv].set(host.index, false, 0);
    s.placedEnv = placed;
    if (placed !== undefined) this.placement[placed].set(host.index, true, host.capacityMb - host.usedMb);
  }

  private setSchema(name: string, project: ProjectName, env: Environment, head: string, at: number): void {
    let db = this.dbs.get(name);
    if (db === undefined) {
      db = { name, project, head, fixes: new Set() };
      this.dbs.set(name, db);
    }
    db.head = head;
    if (env === 'new' && this.newDbs.get(project) !== name) {
      const placeholder = this.databaseFor(project, 'new');
      this.newDbs.set(project, name);
      for (const s of this.usersOf(placeholder)) {
        this.dbUsers.get(placeholder)?.delete(s);
        s.db = name;
        getOrSet(this.dbUsers, name, () => new Set()).add(s);
      }
    }
    for (const s of this.usersOf(name)) this.refresh(s, at);
  }

  private moveFirst(from: HostState, to: HostState, count: number, kind: 'live' | 'cold'): void {
    const ids = from.instances.splice(0, count);
    const ram = this.instances.ramMb;
    for (const id of ids) {
      this.instances.host[id] = to.index;
      to.instances.push(id);
    }
    from.usedMb -= ids.length * ram;
    to.usedMb += ids.length * ram;
    if (kind === 'live') {
      this.counters.live_migrations += ids.length;
      this.counters.mb_moved += ids.length * ram;
    } else {
      // Snapshot, boot in the new region, delete the original: every instance is interrupted.
      this.counters.cold_migrations += ids.length;
      this.counters.workload_interruptions += ids.length;
    }
    this.refreshCompute(from, this.now);
    this.refreshCompute(to, this.now);
  }

  private endInstances(host: HostState): void {
    for (const id of host.instances) {
      this.instances.status[id] = ENDED;
      this.instances.host[id] = -1;
    }
    this.instances.alive -= host.instances.length;
    this.counters.instances_ended += host.instances.length;
    host.instances = [];
    host.usedMb = 0;
    this.refreshCompute(host, this.now);
  }

  /** Instances nobody can reach any more (their compute decommissioned or moved to another Nova). */
  private lose(host: HostState): void {
    for (const id of host.instances) {
      this.instances.status[id] = LOST;
      this.instances.host[id] = -1;
    }
    this.instances.alive -= host.instances.length;
    this.counters.instances_lost += host.instances.length;
    host.instances = [];
    host.usedMb = 0;
  }

  private join(host: HostState, env: Environment, at: number): void {
    const before = host.env;
    if (before === env) return;
    if (before !== undefined) {
      // The old deployment's records of these instances stay behind: no API of the new one reaches them.
      this.lose(host);
      // The new deployment creates a fresh service record, enabled (enable_new_services defaults True).
      host.enabled = true;
    }
    host.env = env;
    for (const s of host.services.values()) this.refresh(s, at);
  }
}

function add(m: Map<string, number>, k: string, d: number): void {
  m.set(k, (m.get(k) ?? 0) + d);
}
