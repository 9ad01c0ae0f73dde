// `networking:` of a discovered inventory, from which network services the cloud shows: nova-network in
// os-services, or a Neutron endpoint and its agents. Before Juno the OVS plug-in and ML2 both ran the
// same agents, so for Havana and Icehouse the answer is a guess; from Juno on ML2 is the only choice.

import type { Networking } from '../catalog/types.js';
import type { Mark } from './marks.js';
import { releaseIndex } from './releases.js';
import type { CloudSnapshot } from './snapshot.js';

function afterIcehouse(release: string): boolean {
  const at = releaseIndex(release);
  return at === -1 ? !['havana', 'icehouse'].includes(release) : at > releaseIndex('icehouse');
}

/** The networking mode, limited to those the catalog's release supports (when it says). */
export function pickNetworking(
  snapshot: CloudSnapshot,
  release: { name: string; networking?: readonly Networking[] | undefined },
  marks: Mark[],
): Networking {
  const seen = fromServices(snapshot, release.name, marks);
  const supported = release.networking;
  const first = supported?.[0];
  if (supported === undefined || first === undefined || supported.includes(seen)) return seen;
  marks.push({
    field: 'networking',
    kind: 'guessed',
    reason: `the cloud looks like ${seen}, which the catalog's ${release.name} does not support; took ${first} — check`,
  });
  return first;
}

function fromServices(snapshot: CloudSnapshot, from: string, marks: Mark[]): Networking {
  const nova = snapshot.compute.services;
  const agents = snapshot.network.agents;
  const hasNeutron = snapshot.endpoints.some((e) => e.type === 'network');
  if (nova.ok && nova.value.some((s) => s.binary === 'nova-network')) {
    if (hasNeutron)
      marks.push({
        field: 'networking',
        kind: 'guessed',
        reason: 'nova-network runs although the catalog lists Neutron; took nova-network — check',
      });
    return 'nova-network';
  }
  const later = afterIcehouse(from);
  if (!hasNeutron) {
    const guess: Networking = later ? 'neutron-ml2' : 'nova-network';
    marks.push({
      field: 'networking',
      kind: 'guessed',
      reason: nova.ok
        ? `no network endpoint in the catalog and no nova-network service; took ${guess} — check`
        : `no network endpoint in the catalog and os-services unreadable; took ${guess} — check`,
    });
    return guess;
  }
  if (later) return 'neutron-ml2';
  if (!agents.ok) {
    marks.push({
      field: 'networking',
      kind: 'guessed',
      reason: `Neutron agents unreadable (${agents.reason}); took neutron-ovs, the ${from} install guides' plug-in — check core_plugin in neutron.conf`,
    });
    return 'neutron-ovs';
  }
  if (agents.value.some((a) => a.binary === 'neutron-openvswitch-agent')) {
    marks.push({
      field: 'networking',
      kind: 'guessed',
      reason: `the openvswitch agent runs, but the APIs do not say whether neutron-server loads the OVS plug-in or ML2; took neutron-ovs, the ${from} install guides' choice — check core_plugin in neutron.conf`,
    });
    return 'neutron-ovs';
  }
  const binaries = [...new Set(agents.value.map((a) => a.binary))].sort();
  marks.push({
    field: 'networking',
    kind: 'guessed',
    reason: `no openvswitch agent (agents: ${binaries.join(', ') || 'none'}); took neutron-ml2 — stackhop models the OVS agent only; check`,
  });
  return 'neutron-ml2';
}
