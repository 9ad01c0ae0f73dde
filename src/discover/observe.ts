// The hosts a snapshot shows and what runs on each: every host name os-services, the agents, Cinder and
// os-hypervisors report, with the binaries seen there, and the API services placed on the host their
// endpoint names (else on the controllers). Roles follow from what runs (binaries.ts).

import { isIPv4, isIPv6 } from 'node:net';
import { ROLES, type Role } from '../catalog/types.js';
import { StackhopError } from '../errors.js';
import { isHostName } from '../inventory/hostnames.js';
import { BINARY_SERVICES, cinderHost, ENDPOINT_SERVICES, rolesFor } from './binaries.js';
import { type Mark, nameList } from './marks.js';
import type { CloudSnapshot, SnapshotEndpoint } from './snapshot.js';

export interface ObservedHost {
  /** As first reported (the inventory's name). */
  name: string;
  /** Logical services seen running there (mapped binaries, placed API services). */
  services: Set<string>;
  /** Binaries with no logical name. */
  unknown: Set<string>;
  /** Services reported down (state down). */
  down: Set<string>;
  /** host_ip of its hypervisors; undefined when it has none. */
  hostIps: string[] | undefined;
  roles: Role[];
}

const isIp = (s: string) => isIPv4(s) || isIPv6(s);
const shortName = (s: string) => (isIp(s) ? s : (s.split('.')[0] ?? s));

class Hosts {
  readonly byKey = new Map<string, ObservedHost>();

  get(name: string): ObservedHost {
    const key = name.toLowerCase();
    let h = this.byKey.get(key);
    if (h === undefined) {
      h = { name, services: new Set(), unknown: new Set(), down: new Set(), hostIps: undefined, roles: [] };
      this.byKey.set(key, h);
    }
    return h;
  }

  add(name: string, binary: string, down: boolean): void {
    const host = this.get(name.trim());
    const service = BINARY_SERVICES[binary];
    if (service === undefined) host.unknown.add(binary);
    else host.services.add(service);
    if (down) host.down.add(service ?? binary);
  }

  /** The host an endpoint's host names: the same name, or its short name (`ctl1.example.com` → ctl1). */
  match(endpointHost: string): ObservedHost | undefined {
    const key = endpointHost.toLowerCase();
    return this.byKey.get(key) ?? this.byKey.get(shortName(key));
  }
}

/**
 * `cmp1.example.com` (neutron) and `cmp1` (nova) are one host: fold the two. The name kept is the one
 * Nova reported, because the real driver finds a compute in os-services by its inventory name; when
 * both or neither come from Nova, the short name.
 */
function foldFqdns(hosts: Hosts, marks: Mark[]): void {
  const fromNova = (x: ObservedHost) => [...x.services].some((s) => s.startsWith('nova-'));
  for (const [key, fqdn] of [...hosts.byKey]) {
    const short = shortName(key);
    const shortHost = short === key ? undefined : hosts.byKey.get(short);
    if (shortHost === undefined) continue;
    const keepFqdn = fromNova(fqdn) && !fromNova(shortHost);
    const [into, from] = keepFqdn ? [fqdn, shortHost] : [shortHost, fqdn];
    for (const s of from.services) into.services.add(s);
    for (const s of from.unknown) into.unknown.add(s);
    for (const s of from.down) into.down.add(s);
    if (from.hostIps !== undefined) into.hostIps = [...(into.hostIps ?? []), ...from.hostIps];
    hosts.byKey.delete(keepFqdn ? short : key);
    marks.push({
      field: `hosts.${into.name}`,
      kind: 'guessed',
      reason: `${from.name} and ${into.name} are both reported; taken as one host, ${into.name}${keepFqdn ? ' (the name Nova knows it by)' : ''}`,
    });
  }
}

function collect(snapshot: CloudSnapshot): Hosts {
  const hosts = new Hosts();
  const { compute, network, volume } = snapshot;
  if (compute.services.ok)
    for (const s of compute.services.value) hosts.add(s.host, s.binary, s.state === 'down');
  if (network.agents.ok) for (const a of network.agents.value) hosts.add(a.host, a.binary, false);
  if (volume.services.ok)
    for (const s of volume.services.value) hosts.add(cinderHost(s.host), s.binary, s.state === 'down');
  if (compute.hypervisors.ok) {
    for (const hv of compute.hypervisors.value) {
      const h = hosts.get((hv.host ?? hv.hostname).trim());
      // Without os-services, a hypervisor is the evidence that nova-compute runs there.
      h.services.add('nova-compute');
      h.hostIps = [...(h.hostIps ?? []), ...(hv.hostIp === undefined ? [] : [hv.hostIp])];
    }
  }
  return hosts;
}

function dropInvalidNames(hosts: Hosts, marks: Mark[]): void {
  for (const [key, h] of [...hosts.byKey]) {
    if (isHostName(h.name)) continue;
    hosts.byKey.delete(key);
    marks.push({
      field: `hosts.${JSON.stringify(h.name)}`,
      kind: 'skipped',
      reason: `${JSON.stringify(h.name)} is not a host name stackhop accepts (letters, digits, "." and "-"); runs ${[...h.services, ...h.unknown].join(', ')} — add it by hand`,
    });
  }
}

/** Endpoint host names per API service, in the order the catalog lists them. */
function endpointHosts(endpoints: readonly SnapshotEndpoint[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of endpoints) {
    const service = ENDPOINT_SERVICES[e.type];
    if (service === undefined) continue;
    const list = out.get(service) ?? [];
    if (!list.includes(e.host)) list.push(e.host);
    out.set(service, list);
  }
  return out;
}

/** With no controller among the reported hosts: the identity (else compute) endpoint's host, a guess. */
function fallbackController(snapshot: CloudSnapshot, hosts: Hosts, marks: Mark[]): void {
  const rank = { admin: 0, internal: 1, public: 2 } as const;
  const candidates = [...snapshot.endpoints]
    .filter((e) => (e.type === 'identity' || e.type === 'compute') && isHostName(e.host))
    .sort(
      (a, b) =>
        Number(a.type !== 'identity') - Number(b.type !== 'identity') ||
        rank[a.interface] - rank[b.interface],
    );
  const pick = candidates[0];
  if (pick === undefined) {
    throw new StackhopError(
      'ERR_DISCOVER_NO_CONTROLLER',
      'discover: no controller found: no API reports a host running controller services, and no identity or compute endpoint names one',
      { hint: 'os-services may be refused to this user: discover needs an admin token' },
    );
  }
  const h = hosts.get(pick.host);
  h.roles = ['controller'];
  marks.push({
    field: `hosts.${h.name}`,
    kind: 'guessed',
    reason: `no API reports a host running controller services; took the ${pick.type} endpoint's host ${pick.host} as the controller — check`,
  });
}

export function observeHosts(snapshot: CloudSnapshot, marks: Mark[]): ObservedHost[] {
  const hosts = collect(snapshot);
  foldFqdns(hosts, marks);
  dropInvalidNames(hosts, marks);
  const unplaced: { service: string; hosts: string[] }[] = [];
  for (const [service, names] of endpointHosts(snapshot.endpoints)) {
    const matched = names.map((n) => hosts.match(n)).filter((h) => h !== undefined);
    if (matched.length === 0) unplaced.push({ service, hosts: names });
    for (const h of matched) h.services.add(service);
  }
  for (const h of hosts.byKey.values()) h.roles = rolesFor(h.services, ROLES);
  let controllers = [...hosts.byKey.values()].filter((h) => h.roles.includes('controller'));
  if (controllers.length === 0) {
    fallbackController(snapshot, hosts, marks);
    controllers = [...hosts.byKey.values()].filter((h) => h.roles.includes('controller'));
  }
  if (unplaced.length > 0 && controllers.length > 0) {
    for (const h of controllers) for (const u of unplaced) h.services.add(u.service);
    const where = [...new Set(unplaced.flatMap((u) => u.hosts))];
    marks.push({
      field: 'hosts.services',
      kind: 'guessed',
      reason:
        `${unplaced.map((u) => u.service).join(', ')}: their endpoints (${nameList(where)}) name no host the APIs ` +
        `report; placed on the controller${controllers.length > 1 ? 's' : ''} (${nameList(controllers.map((h) => h.name))}) — check`,
    });
  }
  const out: ObservedHost[] = [];
  for (const h of hosts.byKey.values()) {
    if (h.roles.length === 0) h.roles = rolesFor(h.services, ROLES);
    if (h.roles.length > 0) {
      out.push(h);
      continue;
    }
    marks.push({
      field: `hosts.${h.name}`,
      kind: 'skipped',
      reason: `runs only ${[...h.services, ...h.unknown].sort().join(', ')}, which no role covers — add it by hand if stackhop must upgrade it`,
    });
  }
  return out;
}
