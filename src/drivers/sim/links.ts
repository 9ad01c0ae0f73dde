// Nova RPC between running services, indexed so that a start or stop costs O(what it pairs with): per
// link and Nova deployment, running clients grouped by the version they send and running servers grouped
// by what they serve. An incompatible pair opens an exposure window (errors counted, exposure.ts); a
// client of a required link (compute → conductor) is reachable while some server accepts it.

import type { ServiceName } from '../../catalog/types.js';
import type { Environment } from '../../plan/types.js';
import type { Exposure } from './exposure.js';
import { getOrSet, push } from './maps.js';
import { accepts, describeServed, type Send, sendVersion, servedVersions, unsupported } from './rpc.js';
import type { RunInfo, ServiceState, TwinContext } from './state.js';

interface ClientGroup {
  send: Send;
  members: Set<ServiceState>;
}

export class RpcLinks {
  private readonly clientLinks = new Map<ServiceName, number[]>();
  private readonly serverLinks = new Map<ServiceName, number[]>();
  /** Per link: `env` → server signature → running servers. */
  private readonly servers: Map<string, Map<string, Set<ServiceState>>>[];
  /** Per link: `env` → send key → running clients. */
  private readonly clients: Map<string, Map<string, ClientGroup>>[];
  private readonly groupReach = new Map<string, boolean>();
  /** Versions a server serves on a link: release → point release → link index → versions. */
  private readonly servedCache = new Map<string, Map<string | undefined, string[][]>>();

  constructor(
    private readonly ctx: TwinContext,
    private readonly rpc: Exposure,
  ) {
    ctx.links.forEach((l, i) => {
      for (const c of l.clients) push(this.clientLinks, c, i);
      for (const s of l.servers) push(this.serverLinks, s, i);
    });
    this.servers = ctx.links.map(() => new Map());
    this.clients = ctx.links.map(() => new Map());
  }

  isRequiredServer(name: ServiceName): boolean {
    return (this.serverLinks.get(name) ?? []).some((i) => this.ctx.links[i]!.required === true);
  }

  /** What a run of this service sends on each of its client links. */
  sendsOf(name: ServiceName, run: RunInfo): Map<number, Send> {
    const out = new Map<number, Send>();
    const release = this.ctx.release(run.release);
    for (const i of this.clientLinks.get(name) ?? []) {
      const link = this.ctx.links[i]!;
      const topic = release.rpc?.topics[link.topic];
      if (topic === undefined) continue;
      out.set(i, sendVersion(link.topic, topic, run, run.pins[link.topic]));
    }
    return out;
  }

  /** Versions the server of link `i` with this run serves (empty when the release has no RPC data). */
  served(i: number, run: RunInfo): string[] {
    // Keyed by release, then point, then link, without building a key string: this runs for every
    // RPC check of every migration (hundreds of thousands in a big rehearsal).
    let byPoint = this.servedCache.get(run.release);
    if (byPoint === undefined) {
      byPoint = new Map();
      this.servedCache.set(run.release, byPoint);
    }
    let byLink = byPoint.get(run.point);
    if (byLink === undefined) {
      byLink = [];
      byPoint.set(run.point, byLink);
    }
    let v = byLink[i];
    if (v === undefined) {
      const topic = this.ctx.release(run.release).rpc?.topics[this.ctx.links[i]!.topic];
      v = topic === undefined ? [] : servedVersions(topic, run.point);
      byLink[i] = v;
    }
    return v;
  }

  describeServer(s: ServiceState, i: number): string {
    const run = s.run!;
    const at = run.point === undefined ? run.release : `${run.release} ${run.point}`;
    return `${s.name} on ${s.host.name} runs ${at}, ${describeServed(this.served(i, run))}`;
  }

  /**
   * Why a client with these sends cannot work with the running servers of its required links in `env`
   * (every running server rejects it); undefined when one accepts or none runs yet (it then waits).
   */
  requiredRejection(
    name: ServiceName,
    host: string,
    sends: Map<number, Send>,
    env: Environment,
  ): string | undefined {
    for (const i of this.clientLinks.get(name) ?? []) {
      const link = this.ctx.links[i]!;
      if (link.required !== true || link.scope !== 'env') continue;
      const send = sends.get(i);
      if (send === undefined) continue;
      const groups = this.servers[i]!.get(env);
      let first: ServiceState | undefined;
      let ok = false;
      for (const set of groups?.values() ?? []) {
        for (const t of set) {
          first ??= t;
          if (send.ok && accepts(this.served(i, t.run!), send.version)) ok = true;
          break;
        }
      }
      if (first === undefined || ok) continue;
      const why = send.ok ? unsupported(send.version) : send.error;
      return `${name} on ${host}: ${why} (${this.describeServer(first, i)})`;
    }
    return undefined;
  }

  /**
   * The first running client of an env-wide link whose messages the server `s` rejects, as an error
   * message (what a request through that path shows); undefined when all are accepted.
   */
  clientRejection(s: ServiceState): string | undefined {
    const run = s.run;
    if (run === undefined) return undefined;
    for (const i of this.serverLinks.get(s.name) ?? []) {
      if (this.ctx.links[i]!.scope !== 'env') continue;
      const served = this.served(i, run);
      if (this.ctx.release(run.release).rpc?.topics[this.ctx.links[i]!.topic] === undefined) continue;
      for (const g of this.clients[i]!.get(run.env)?.values() ?? []) {
        if (compatible(g.send, served)) continue;
        const c = g.members.values().next().value;
        if (c === undefined) continue;
        return pairMessage(c, g.send, this.describeServer(s, i));
      }
    }
    return undefined;
  }

  /** Why compute `src` cannot migrate an instance to `dst` (both directions of the migration link). */
  migrationRejection(src: ServiceState, dst: ServiceState): string | undefined {
    for (const i of this.clientLinks.get(src.name) ?? []) {
      const link = this.ctx.links[i]!;
      if (link.scope !== 'migration' || !link.servers.includes(dst.name)) continue;
      const why = this.sendRejection(src, dst, i) ?? this.sendRejection(dst, src, i);
      if (why !== undefined) return why;
    }
    return undefined;
  }

  /** Why `b` rejects what `a` sends it on link `i`, if it does. */
  private sendRejection(a: ServiceState, b: ServiceState, i: number): string | undefined {
    const send = a.sends.get(i);
    if (send === undefined || b.run === undefined) return undefined;
    if (this.ctx.release(b.run.release).rpc?.topics[this.ctx.links[i]!.topic] === undefined) return undefined;
    return compatible(send, this.served(i, b.run))
      ? undefined
      : pairMessage(a, send, this.describeServer(b, i));
  }

  /** Running servers of `name` in a deployment (its first server link), for path checks. */
  runningIn(name: ServiceName, env: Environment): number {
    const i = this.serverLinks.get(name)?.[0];
    if (i === undefined) return 0;
    let n = 0;
    for (const set of this.servers[i]!.get(env)?.values() ?? []) n += set.size;
    return n;
  }

  /** Indexes a service that just started and opens a window for every incompatible pair it forms. */
  online(s: ServiceState, at: number): void {
    const run = s.run!;
    const env = run.env;
    for (const i of this.clientLinks.get(s.name) ?? []) {
      const link = this.ctx.links[i]!;
      const send = s.sends.get(i);
      if (send === undefined || link.scope === 'migration') continue;
      if (link.scope === 'host') {
        for (const name of link.servers) {
          const t = s.host.services.get(name);
          if (t?.run !== undefined && t !== s) this.checkPair(s, send, t, i, at);
        }
        continue;
      }
      const groups = getOrSet(this.clients[i]!, env, () => new Map<string, ClientGroup>());
      const key = sendKey(send);
      let g = groups.get(key);
      if (g === undefined) {
        g = { send, members: new Set() };
        groups.set(key, g);
        this.groupReach.set(`${i}|${env}|${key}`, this.groupReachable(i, env, send));
      }
      g.members.add(s);
      for (const set of this.servers[i]!.get(env)?.values() ?? []) {
        const first = set.values().next().value;
        if (first === undefined || compatible(send, this.served(i, first.run!))) continue;
        for (const t of set) if (t !== s) this.openPair(s, send, t, i, at);
      }
    }
    for (const i of this.serverLinks.get(s.name) ?? []) {
      const link = this.ctx.links[i]!;
      if (this.ctx.release(run.release).rpc?.topics[link.topic] === undefined) continue;
      if (link.scope === 'migration') continue;
      if (link.scope === 'host') {
        for (const name of link.clients) {
          const c = s.host.services.get(name);
          const send = c?.sends.get(i);
          if (c?.run !== undefined && c !== s && send !== undefined) this.checkPair(c, send, s, i, at);
        }
        continue;
      }
      const sigs = getOrSet(this.servers[i]!, env, () => new Map<string, Set<ServiceState>>());
      getOrSet(sigs, sigOf(run), () => new Set()).add(s);
      const served = this.served(i, run);
      for (const g of this.clients[i]!.get(env)?.values() ?? []) {
        if (compatible(g.send, served)) continue;
        for (const c of g.members) if (c !== s) this.openPair(c, g.send, s, i, at);
      }
    }
  }

  /** Removes a service that stops from the indexes and closes its exposure windows. */
  offline(s: ServiceState, at: number): void {
    const run = s.run!;
    const env = run.env;
    for (const i of this.clientLinks.get(s.name) ?? []) {
      const send = s.sends.get(i);
      const groups = this.clients[i]!.get(env);
      if (send === undefined || groups === undefined) continue;
      const key = sendKey(send);
      const g = groups.get(key);
      if (g === undefined) continue;
      g.members.delete(s);
      if (g.members.size === 0) {
        groups.delete(key);
        this.groupReach.delete(`${i}|${env}|${key}`);
      }
    }
    for (const i of this.serverLinks.get(s.name) ?? []) {
      const sigs = this.servers[i]!.get(env);
      const set = sigs?.get(sigOf(run));
      if (set === undefined) continue;
      set.delete(s);
      if (set.size === 0) sigs!.delete(sigOf(run));
    }
    this.rpc.stopParty(s.key, at);
  }

  private checkPair(c: ServiceState, send: Send, t: ServiceState, i: number, at: number): void {
    if (!compatible(send, this.served(i, t.run!))) this.openPair(c, send, t, i, at);
  }

  private openPair(c: ServiceState, send: Send, t: ServiceState, i: number, at: number): void {
    const message = pairMessage(c, send, this.describeServer(t, i));
    this.rpc.start(`${c.key}>${t.key}#${i}`, c.key, t.key, at, message);
  }

  private groupReachable(i: number, env: Environment, send: Send): boolean {
    if (!send.ok) return false;
    for (const set of this.servers[i]!.get(env)?.values() ?? []) {
      const first = set.values().next().value;
      if (first !== undefined && accepts(this.served(i, first.run!), send.version)) return true;
    }
    return false;
  }

  /** A server of a required link came or went: the clients whose reachability flipped. */
  flippedClients(s: ServiceState, env: Environment): ServiceState[] {
    const out: ServiceState[] = [];
    for (const i of this.serverLinks.get(s.name) ?? []) {
      if (this.ctx.links[i]!.required !== true) continue;
      for (const [key, g] of this.clients[i]!.get(env) ?? []) {
        const k = `${i}|${env}|${key}`;
        const now = this.groupReachable(i, env, g.send);
        if (this.groupReach.get(k) === now) continue;
        this.groupReach.set(k, now);
        out.push(...g.members);
      }
    }
    return out;
  }

  /** Every required link of the service has a running server that accepts it. */
  reachable(s: ServiceState): boolean {
    const run = s.run!;
    for (const i of this.clientLinks.get(s.name) ?? []) {
      const link = this.ctx.links[i]!;
      if (link.required !== true || link.scope !== 'env') continue;
      const send = s.sends.get(i);
      if (send !== undefined && !this.groupReachable(i, run.env, send)) return false;
    }
    return true;
  }
}

function compatible(send: Send, served: readonly string[]): boolean {
  return send.ok && accepts(served, send.version);
}

function sendKey(send: Send): string {
  return send.ok ? send.version : `!${send.error}`;
}

function sigOf(run: RunInfo): string {
  return `${run.release}@${run.point ?? ''}`;
}

function pairMessage(c: ServiceState, send: Send, server: string): string {
  return `${c.name} on ${c.host.name}: ${send.ok ? unsupported(send.version) : send.error} (${server})`;
}
