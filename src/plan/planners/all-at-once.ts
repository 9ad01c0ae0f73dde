// Scenario 1 (RH5 upgrade-1): every OpenStack service stops everywhere, every host is upgraded, every
// schema migrates, then services come back in dependency order. No pin: nothing old talks to anything new.

import type { ProjectName } from '../../catalog/types.js';
import { projectsPresent } from './context.js';
import type { Kit } from './kit.js';
import { membersOf, startTiers } from './project-phase.js';

export function planAllAtOnce(kit: Kit): void {
  const { b, ctx } = kit;
  kit.preflight([]);
  kit.backups();

  const projects = projectsPresent(ctx);
  const syncHosts = new Map<ProjectName, string>();
  for (const project of projects) {
    const on = ctx.hosts.find((h) =>
      h.services.some((s) => ctx.svc(s).project === project && ctx.svc(s).dbAccess),
    );
    if (on !== undefined) syncHosts.set(project, on.name);
  }

  b.startPhase('stop', 'Stop every OpenStack service on every host');
  // Fixes that are safe while services run go first, outside the outage (keystone's token_flush).
  for (const [project, host] of syncHosts) kit.onlinePreSyncs(project, host);
  for (const h of ctx.hosts) kit.stop(h.name, h.services);
  b.closePhase('verify', { kind: 'verify', checks: [{ check: 'services-down' }] });

  b.startPhase('packages', 'Switch repositories, upgrade every package, apply the configuration changes');
  for (const h of ctx.hosts) {
    kit.upgrade(h.name, h.services, { full: true });
    kit.editAll(h, h.services, 'upgrade');
    // The clean-up edits too: everything restarts once anyway, so no final restart round is needed.
    kit.editAll(h, h.services, 'final');
  }
  b.closePhase('verify', { kind: 'verify', checks: [{ check: 'hosts-reachable' }] });

  b.startPhase('databases', 'Migrate every database (all APIs are down meanwhile)');
  const syncs = new Map<string, string | undefined>();
  for (const [project, host] of syncHosts) syncs.set(project, kit.sync(project, host, []));
  b.closePhase('verify', {
    kind: 'verify',
    checks: ctx.pack.dbSync
      .filter((d) => syncs.has(d.project) && d.versionCommand !== '')
      .map((d) => ({ check: 'schema-head' as const, project: d.project, head: d.toHead })),
  });

  b.startPhase('start', 'Start services in dependency order: identity first, compute nodes last');
  let previous: string[] = [];
  for (const project of projects) {
    const members = membersOf(kit, project, ctx.hosts);
    const started = startTiers(kit, members, [syncs.get(project), ...previous], {}, project).flat();
    if (started.length > 0)
      previous = kit.join(
        project,
        started,
        members.flatMap((m) => m.services),
      );
  }
  b.closePhase('verify', { kind: 'verify', checks: [{ check: 'services-up' }, { check: 'smoke-boot' }] });
}
