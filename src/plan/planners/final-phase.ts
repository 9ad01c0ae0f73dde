// The end of every service-by-service style upgrade (RH5 final-package-upgrade, OPS final steps): on each
// host drop the RPC pins, upgrade every remaining package, apply the clean-up edits and restart what
// runs there — controllers one at a time so an HA API never goes fully down, other hosts in parallel.

import type { ProjectName } from '../../catalog/types.js';
import type { Host } from '../../inventory/types.js';
import type { VerifyCheck } from '../types.js';
import { isNovaController } from './context.js';
import type { Kit } from './kit.js';

export function finalPhase(
  kit: Kit,
  hosts: readonly Host[],
  removed: ReadonlyMap<string, readonly string[]> = new Map(),
  /** Databases whose head to check when it is not the project's usual one (parallel-compute's new Nova). */
  databases: Partial<Record<ProjectName, string>> = {},
) {
  const { b, ctx } = kit;
  b.startPhase(
    'final',
    `Final: ${kit.isPinnedAnywhere() ? 'unpin, ' : ''}${ctx.pack.fullUpgrade === false ? '' : 'full package upgrade, '}clean-up, restarts`,
  );
  let previousController: string | undefined;
  for (const host of hosts) {
    const gone = removed.get(host.name) ?? [];
    const services = host.services.filter((s) => !gone.includes(s));
    if (services.length === 0) continue;
    const isController = services.some((s) => isNovaController(ctx, s) || ctx.svc(s).api === 'identity-api');
    const after = isController ? [previousController] : [];
    const unpinned = kit.unpin(host, { after });
    // Drained computes had theirs in their batch, when a restarted open-iscsi could disconnect nothing.
    const upgradedHere = !kit.isFullyUpgraded(host.name) && ctx.pack.fullUpgrade !== false;
    if (upgradedHere) kit.upgrade(host.name, services, { full: true, after });
    const edited = kit.editAll(host, services, 'final', { after });
    // Restart only what changed under it: a needless restart of a network agent on a compute that
    // runs instances again would cut their network (OPS, facts §4).
    const dataPlane = ctx.to.rpc?.dataPlane ?? [];
    const changed = upgradedHere
      ? services
      : services.filter((s) => {
          const project = ctx.svc(s).project;
          if (edited.includes(project)) return true;
          // The pin is read by the RPC senders, not by a data-plane service such as nova-network.
          return unpinned && project === 'nova' && !dataPlane.includes(s);
        });
    if (changed.length === 0) continue;
    const restart = kit.restart(host.name, changed, { after });
    if (isController) previousController = restart;
  }
  const heads: VerifyCheck[] = [];
  for (const d of ctx.pack.dbSync) {
    if (
      d.versionCommand !== '' &&
      hosts.some((h) => h.services.some((s) => ctx.svc(s).project === d.project))
    )
      heads.push({
        check: 'schema-head',
        project: d.project,
        head: d.toHead,
        ...(databases[d.project] === undefined ? {} : { database: databases[d.project] }),
      });
  }
  b.closePhase('verify', {
    kind: 'verify',
    checks: [{ check: 'services-up' }, ...heads, { check: 'smoke-boot' }],
  });
}
