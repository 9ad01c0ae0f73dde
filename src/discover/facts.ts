// `facts:` of a discovered inventory: how many instances run and their average RAM, from the servers
// listing and the flavors (else the hypervisors' running_vms for the count alone).

import type { Mark } from './marks.js';
import type { CloudSnapshot } from './snapshot.js';

export interface DiscoveredFacts {
  instances?: number;
  instance_ram_mb?: number;
}

function averageRam(snapshot: CloudSnapshot, count: number, marks: Mark[]): number | undefined {
  const servers = snapshot.compute.servers;
  if (!servers.ok || count === 0) {
    const reason = servers.ok ? 'no instances to average' : `servers listing unreadable (${servers.reason})`;
    marks.push({ field: 'facts.instance_ram_mb', kind: 'unknown', reason });
    return undefined;
  }
  const flavors = snapshot.compute.flavors;
  let total = servers.value.embeddedRamMb;
  let known = servers.value.embeddedRamCount;
  if (flavors.ok) {
    for (const [id, n] of Object.entries(servers.value.byFlavor)) {
      const ram = flavors.value[id];
      if (ram === undefined) continue;
      total += ram * n;
      known += n;
    }
  }
  if (known === 0) {
    marks.push({
      field: 'facts.instance_ram_mb',
      kind: 'unknown',
      reason: flavors.ok
        ? 'no instance has a flavor stackhop could read'
        : `flavors unreadable (${flavors.reason})`,
    });
    return undefined;
  }
  if (known < count)
    marks.push({
      field: 'facts.instance_ram_mb',
      kind: 'guessed',
      reason: `the average of the ${known} of ${count} instances whose flavor could be read`,
    });
  return Math.round(total / known);
}

export function discoverFacts(snapshot: CloudSnapshot, marks: Mark[]): DiscoveredFacts {
  const { servers, hypervisors } = snapshot.compute;
  let instances: number | undefined;
  if (servers.ok) {
    instances = servers.value.count;
  } else if (hypervisors.ok && hypervisors.value.every((h) => h.runningVms !== undefined)) {
    instances = hypervisors.value.reduce((sum, h) => sum + (h.runningVms ?? 0), 0);
    marks.push({
      field: 'facts.instances',
      kind: 'guessed',
      reason: `the hypervisors' running_vms: the servers listing is unreadable (${servers.reason})`,
    });
  } else {
    marks.push({
      field: 'facts.instances',
      kind: 'unknown',
      reason: `servers listing unreadable (${servers.reason}); estimates use defaults`,
    });
  }
  if (instances === undefined) {
    marks.push({ field: 'facts.instance_ram_mb', kind: 'unknown', reason: 'no instance count' });
    return {};
  }
  const ram = averageRam(snapshot, instances, marks);
  return { instances, ...(ram === undefined ? {} : { instance_ram_mb: ram }) };
}
