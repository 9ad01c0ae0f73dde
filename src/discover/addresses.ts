// `address:` of discovered hosts: the hypervisor's host_ip, where it is an address another machine can
// reach and no other host claims it. Everything else keeps its name, which is then resolved.

import { isIPv4, isIPv6 } from 'node:net';
import { isStrictIPv4 } from '../inventory/hostnames.js';
import { type Mark, nameList } from './marks.js';
import type { ObservedHost } from './observe.js';
import type { CloudSnapshot } from './snapshot.js';

/** Why an IP cannot be a host's ssh address, or undefined when it can. */
function unusable(ip: string): string | undefined {
  if (isIPv4(ip)) {
    if (!isStrictIPv4(ip)) return 'is not in canonical form';
    if (ip.startsWith('127.')) return 'is a loopback address';
    if (ip === '0.0.0.0') return 'is the unspecified address';
    if (ip.startsWith('169.254.')) return 'is a link-local address';
    return undefined;
  }
  if (isIPv6(ip)) {
    const low = ip.toLowerCase();
    if (low === '::1') return 'is a loopback address';
    if (low === '::') return 'is the unspecified address';
    if (/^fe[89ab]/.test(low)) return 'is a link-local address';
    if (low.includes('%')) return 'carries a zone index';
    return undefined;
  }
  return 'is not an IP address';
}

const NOT_HYPERVISOR = 'not a hypervisor';

export function hostAddresses(
  snapshot: CloudSnapshot,
  hosts: readonly ObservedHost[],
  marks: Mark[],
): Map<ObservedHost, string> {
  const gaps = new Map<string, string[]>();
  const gap = (why: string, host: string) => gaps.set(why, [...(gaps.get(why) ?? []), host]);
  const candidate = new Map<ObservedHost, string>();
  const hv = snapshot.compute.hypervisors;
  for (const h of hosts) {
    if (!hv.ok) {
      gap(`os-hypervisors unreadable (${hv.reason})`, h.name);
      continue;
    }
    if (h.hostIps === undefined) {
      gap(NOT_HYPERVISOR, h.name);
      continue;
    }
    const ips = [...new Set(h.hostIps)];
    const ip = ips[0];
    if (ip === undefined) {
      gap('its hypervisor reports no host_ip', h.name);
      continue;
    }
    if (ips.length > 1) {
      gap(`its hypervisors report several host_ip (${ips.join(', ')})`, h.name);
      continue;
    }
    const why = unusable(ip);
    if (why !== undefined) gap(`host_ip ${ip} ${why}`, h.name);
    else candidate.set(h, ip);
  }
  const users = new Map<string, ObservedHost[]>();
  for (const [h, ip] of candidate) users.set(ip.toLowerCase(), [...(users.get(ip.toLowerCase()) ?? []), h]);
  const out = new Map<ObservedHost, string>();
  for (const [h, ip] of candidate) {
    if ((users.get(ip.toLowerCase()) ?? []).length > 1)
      gap(`host_ip ${ip} is shared by several hosts`, h.name);
    else out.set(h, ip);
  }
  for (const [why, names] of gaps) {
    const one = names.length === 1;
    marks.push({
      field: one ? `hosts.${names[0]}.address` : 'hosts.address',
      kind: 'unknown',
      reason: `no address for ${nameList(names)} (${why === NOT_HYPERVISOR && !one ? 'not hypervisors' : why}) — the name${one ? ' is' : 's are'} resolved`,
    });
  }
  return out;
}
