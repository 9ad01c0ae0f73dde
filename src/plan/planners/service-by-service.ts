// Scenario 2 (RH5 upgrade-2, OPS): one project at a time in the pack's order, each with its own outage.
// Nova is one step for controllers and computes alike, so its API and every compute go down together.

import { projectsPresent } from './context.js';
import { finalPhase } from './final-phase.js';
import type { Kit } from './kit.js';
import { projectPhases } from './project-phase.js';

export function planServiceByService(kit: Kit): void {
  const { ctx } = kit;
  kit.preflight([]);
  kit.backups();
  projectPhases(kit, projectsPresent(ctx));
  finalPhase(kit, ctx.hosts);
}
