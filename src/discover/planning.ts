// What a discovered inventory needs before a plan can pass: shapes the planner refuses that the APIs
// may produce (computes without any nova-conductor in sight, a single compute with the default
// live-migrate drain). Marks only; the inventory is written as discovered.

import { servicesForRoles } from '../catalog/index.js';
import type { Networking, ReleaseDef } from '../catalog/types.js';
import type { DiscoveredHost } from './build.js';
import type { Mark } from './marks.js';

export function planningMarks(
  hosts: readonly DiscoveredHost[],
  release: ReleaseDef | undefined,
  networking: Networking,
): Mark[] {
  const marks: Mark[] = [];
  const servicesOf = (h: DiscoveredHost) =>
    h.services ?? (release === undefined ? [] : servicesForRoles(release, h.roles, networking));
  const runs = (service: string) => hosts.some((h) => servicesOf(h).includes(service));
  const clients = (release?.services ?? [])
    .filter((d) => d.computeSide === true)
    .map((d) => d.name)
    .filter(runs);
  if (clients.length > 0 && !runs('nova-conductor'))
    marks.push({
      field: 'hosts.services',
      kind: 'unknown',
      reason:
        `${clients.join(', ')} run${clients.length === 1 ? 's' : ''} but no API shows a nova-conductor: they ` +
        'reach the database through it, so plans are rejected until the host running it lists it',
    });
  const computes = hosts.filter((h) => h.roles.includes('compute')).length;
  if (computes < 2)
    marks.push({
      field: 'policy.drain',
      kind: 'unknown',
      reason:
        `${computes} compute${computes === 1 ? '' : 's'}: the default drain (live-migrate) needs another ` +
        'compute to move instances to; set policy.drain to wait or none for live-compute',
    });
  return marks;
}
