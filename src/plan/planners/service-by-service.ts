// Scenario 2 (RH5 upgrade-2, OPS): one project at a time in the pack's order, each with its own outage.
// Nova is one step for controllers and computes alike, so its API and every compute go down together.

import type { ProjectName } from '../../catalog/types.js';
import { projectsPresent } from './context.js';
import { finalPhase } from './final-phase.js';
import type { Kit } from './kit.js';
import { membersOf, upgradeProject } from './project-phase.js';
import { projectTitle } from './titles.js';

export function projectPhases(kit: Kit, projects: readonly ProjectName[], hostsOf = kit.ctx.hosts): void {
  const { b } = kit;
  for (const project of projects) {
    const members = membersOf(kit, project, hostsOf);
    if (members.length === 0) continue;
    b.startPhase(project, projectTitle(project));
    const { checks } = upgradeProject(kit, project, members);
    b.closePhase('verify', { kind: 'verify', checks });
  }
}

export function planServiceByService(kit: Kit): void {
  const { ctx } = kit;
  kit.preflight([]);
  kit.backups();
  projectPhases(kit, projectsPresent(ctx));
  finalPhase(kit, ctx.hosts);
}
