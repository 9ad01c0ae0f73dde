// `stackhop validate FILE`: load and check an inventory; print what stackhop understood of it.

import { CATALOG } from '../../catalog/index.js';
import { loadInventory } from '../../inventory/load.js';
import type { Host, Inventory } from '../../inventory/types.js';
import { hostClassLabel } from '../../plan/render/index.js';
import { type CommandResult, ok } from '../result.js';

function hostLines(hosts: readonly Host[]): string[] {
  const groups = new Map<string, Host[]>();
  for (const h of hosts) {
    const members = groups.get(h.group);
    if (members === undefined) groups.set(h.group, [h]);
    else members.push(h);
  }
  return [...groups.values()].map((members) => {
    const first = members[0] as Host;
    return `  ${hostClassLabel(members.map((h) => h.name)).padEnd(28)} ${first.roles.join(', ')}: ${first.services.join(', ')}`;
  });
}

export function describeInventory(inv: Inventory): string {
  const lines = [
    `${inv.file}: valid`,
    `cloud ${inv.cloud}: ${inv.upgrade.from} → ${inv.upgrade.to}, ${inv.distro}, ${inv.networking}`,
    `hosts (${inv.hosts.length}):`,
    ...hostLines(inv.hosts),
  ];
  if (inv.spare_hosts.length > 0)
    lines.push(`spare hosts (${inv.spare_hosts.length}):`, ...hostLines(inv.spare_hosts));
  const p = inv.policy;
  lines.push(
    `policy: up to ${p.max_parallel_computes} computes at once, canary ${p.canary.join(' → ')}, ` +
      `drain ${p.drain}, stop after ${p.max_failed_hosts} failed hosts` +
      (p.gates.length > 0 ? `, gates ${p.gates.join(', ')}` : ''),
  );
  return `${lines.join('\n')}\n`;
}

export async function validate(file: string, opts: { json?: boolean }): Promise<CommandResult> {
  const inv = await loadInventory(file, CATALOG);
  if (opts.json === true) return ok(`${JSON.stringify(inv, null, 2)}\n`);
  return ok(describeInventory(inv));
}
