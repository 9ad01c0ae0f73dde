// Which services each discovered host lists. Roles imply services through the catalog; a host gets its
// own `services:` whenever what was seen there differs from that. What was seen is listed; a service
// whose listing was refused (os-services, agents, Cinder services) is kept where the roles put it, as
// a marked guess; a service no API can show (horizon, nova-novncproxy, glance-registry, heat-engine…)
// is left out and named in a mark, because upgrading a service a host does not run fails mid-upgrade,
// while a missing one is a line the operator adds.

import { knownServiceNames, orderServices, servicesForRoles } from '../catalog/index.js';
import type { Networking, ReleaseDef } from '../catalog/types.js';
import { ENDPOINT_SERVICES, LISTED_BY, type Listing } from './binaries.js';
import { type Mark, nameList } from './marks.js';
import type { ObservedHost } from './observe.js';
import type { CloudSnapshot } from './snapshot.js';

/**
 * What the snapshot can say about a service: `shown` (an answer would list it where it runs, or its
 * project has no endpoint at all), `unread` (the listing that shows it was refused), `hidden` (no API
 * shows where it runs: horizon, nova-novncproxy, glance-registry, heat-engine).
 */
type Visibility = 'shown' | 'unread' | 'hidden';

function visibility(snapshot: CloudSnapshot, release: ReleaseDef): (service: string) => Visibility {
  const listed: Record<Listing, boolean> = {
    'nova-services': snapshot.compute.services.ok,
    'neutron-agents': snapshot.network.agents.ok,
    'cinder-services': snapshot.volume.services.ok,
  };
  const projectOf = (s: string) => release.services.find((d) => d.name === s)?.project;
  const endpointServices = new Set(Object.values(ENDPOINT_SERVICES));
  const knowable = new Set([...endpointServices].map(projectOf).filter((p) => p !== undefined));
  const present = new Set(
    snapshot.endpoints
      .map((e) => ENDPOINT_SERVICES[e.type])
      .filter((s) => s !== undefined)
      .map(projectOf)
      .filter((p) => p !== undefined),
  );
  return (s) => {
    if (endpointServices.has(s)) return 'shown';
    const project = projectOf(s);
    // A project without any endpoint is not installed: none of its services runs.
    if (project !== undefined && knowable.has(project) && !present.has(project)) return 'shown';
    if (s === 'nova-compute' && snapshot.compute.hypervisors.ok) return 'shown';
    const listing = LISTED_BY[s];
    if (listing === undefined) return 'hidden';
    return listed[listing] ? 'shown' : 'unread';
  };
}

class Tally {
  readonly #hosts = new Map<string, string[]>();
  add(key: string, host: string): void {
    const list = this.#hosts.get(key) ?? [];
    if (!list.includes(host)) list.push(host);
    this.#hosts.set(key, list);
  }
  get size(): number {
    return this.#hosts.size;
  }
  text(): string {
    return [...this.#hosts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, hosts]) => `${k} (${nameList(hosts, 3)})`)
      .join(', ');
  }
}

export interface ServicesInput {
  snapshot: CloudSnapshot;
  release: ReleaseDef | undefined;
  networking: Networking;
}

/**
 * Per host: the `services:` to write (undefined: the roles say it all), or null when nothing the
 * catalog knows runs there (the host is then left out, with a mark).
 */
export function hostServices(
  hosts: readonly ObservedHost[],
  input: ServicesInput,
  marks: Mark[],
): Map<ObservedHost, string[] | undefined | null> {
  const out = new Map<ObservedHost, string[] | undefined | null>();
  const unmodelled = new Tally();
  const unknownToRelease = new Tally();
  const hidden = new Tally();
  const unread = new Tally();
  const down = new Tally();
  const { release } = input;
  const visible = release === undefined ? () => 'shown' : visibility(input.snapshot, release);
  const known = new Set(release === undefined ? [] : knownServiceNames(release));
  for (const h of hosts) {
    for (const b of h.unknown) unmodelled.add(b, h.name);
    for (const s of h.down) down.add(s, h.name);
    if (release === undefined) {
      const all = [...h.services].sort();
      out.set(h, all.length > 0 ? all : null);
      continue;
    }
    const seen = [...h.services].filter((s) => {
      if (known.has(s)) return true;
      unknownToRelease.add(s, h.name);
      return false;
    });
    const implied = servicesForRoles(release, h.roles, input.networking);
    // A refused listing leaves the roles as the best evidence; what no API shows is left to the operator.
    const kept: string[] = [];
    for (const s of implied) {
      if (h.services.has(s)) continue;
      const v = visible(s);
      if (v === 'hidden') hidden.add(s, h.name);
      if (v === 'unread') {
        unread.add(s, h.name);
        kept.push(s);
      }
    }
    const final = orderServices(release, [...seen, ...kept]);
    const same = final.length === implied.length && final.every((s) => implied.includes(s));
    out.set(h, final.length === 0 ? null : same ? undefined : final);
  }
  if (unmodelled.size > 0)
    marks.push({
      field: 'hosts.services',
      kind: 'skipped',
      reason: `binaries stackhop does not model, left out: ${unmodelled.text()}`,
    });
  if (unknownToRelease.size > 0 && release !== undefined)
    marks.push({
      field: 'hosts.services',
      kind: 'skipped',
      reason: `not services of ${release.name} in the catalog, left out: ${unknownToRelease.text()}`,
    });
  if (unread.size > 0)
    marks.push({
      field: 'hosts.services',
      kind: 'guessed',
      reason: `the API listing them was refused; kept where the roles put them: ${unread.text()} — check`,
    });
  if (hidden.size > 0)
    marks.push({
      field: 'hosts.services',
      kind: 'unknown',
      reason:
        `no API shows whether these run, so they are not listed: ${hidden.text()} — ` +
        'add them to services: where they run, or the upgrade leaves them alone',
    });
  if (down.size > 0)
    marks.push({
      field: 'hosts.services',
      kind: 'unknown',
      reason: `reported down, kept in the inventory: ${down.text()} — check before upgrading`,
    });
  for (const [h, services] of out) {
    if (services !== null) continue;
    marks.push({
      field: `hosts.${h.name}`,
      kind: 'skipped',
      reason: `nothing the catalog knows runs there (${[...h.services, ...h.unknown].sort().join(', ')})`,
    });
  }
  return out;
}
