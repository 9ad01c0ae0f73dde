// One project upgraded the way the operations guide does it for every service: stop it everywhere,
// upgrade its packages, apply its config changes, migrate its schema once, start it again — servers
// before agents, nova-conductor before everything else of Nova, compute-side services last.

import type { ProjectName, ServiceName } from '../../catalog/types.js';
import type { Host } from '../../inventory/types.js';
import type { VerifyCheck } from '../types.js';
import type { StepOptions } from './builder.js';
import { isComputeSide } from './context.js';
import type { Kit } from './kit.js';
import { projectTitle } from './titles.js';

export interface Member {
  host: Host;
  services: readonly ServiceName[];
}

/** Start tiers: 0 nova-conductor, 1 servers and APIs, 2 agents and compute-side services. */
export function startTier(kit: Kit, service: ServiceName): 0 | 1 | 2 {
  if (service === 'nova-conductor') return 0;
  const def = kit.ctx.svc(service);
  if (isComputeSide(kit.ctx, service)) return 2;
  return def.dbAccess || def.api !== undefined ? 1 : 2;
}

const TIER_STEP = ['start-conductor', 'start', 'start-agents'] as const;

/**
 * Starts members tier by tier: every step of a tier waits for all steps of the tiers before it and for
 * `after`. Returns the ids per tier.
 */
export function startTiers(
  kit: Kit,
  members: readonly Member[],
  after: readonly (string | undefined)[],
  opts: StepOptions = {},
  /** Appended to step names when one phase starts several projects on a host. */
  suffix = '',
): string[][] {
  // Within the last tier agents go before compute-side services: nova-compute waits for the L2 agent's
  // vif-plugged events (facts §0.3).
  const plan = ([0, 1, 2] as const).map((tier) =>
    members.map((m) => ({
      host: m.host,
      services: m.services
        .filter((s) => startTier(kit, s) === tier)
        .sort((x, y) => Number(isComputeSide(kit.ctx, x)) - Number(isComputeSide(kit.ctx, y))),
    })),
  );
  const tiers: string[][] = [[], [], []];
  let previous: string[] = [];
  plan.forEach((tierMembers, tier) => {
    for (const m of tierMembers) {
      const base =
        tier === 2 && m.services.some((s) => isComputeSide(kit.ctx, s)) ? 'start-compute' : TIER_STEP[tier];
      const name = suffix === '' ? base : `${base}-${suffix}`;
      const id = kit.start(
        m.host.name,
        m.services,
        { ...opts, after: [...after, ...previous, ...(opts.after ?? [])] },
        name,
      );
      if (id !== undefined) tiers[tier]?.push(id);
    }
    const started = tiers[tier] ?? [];
    const later = plan.slice(tier + 1).some((t) => t.some((m) => m.services.length > 0));
    if (started.length > 0 && later) {
      const services = [...new Set(tierMembers.flatMap((m) => m.services))];
      previous = kit.join(`${suffix === '' ? '' : `${suffix}-`}tier${tier}`, started, services, opts);
    }
  });
  return tiers;
}

export interface ProjectPhaseOptions {
  /** Extra steps on each host between the config edits and the sync (the RPC pin). */
  beforeStart?: (m: Member) => void;
  /** Services upgraded here but started later by the caller (co-located nova-compute in live-compute). */
  deferStart?: (service: ServiceName) => boolean;
}

/** Adds the phase's steps; the caller starts the phase before and closes it after. */
export function upgradeProject(
  kit: Kit,
  project: ProjectName,
  members: readonly Member[],
  opts: ProjectPhaseOptions = {},
) {
  const { b, ctx } = kit;
  const stops: string[] = [];
  const allStops: string[] = [];
  const syncOn = members.find((m) =>
    m.services.some((s) => ctx.svc(s).dbAccess && ctx.svc(s).project === project),
  );
  if (syncOn !== undefined) kit.onlinePreSyncs(project, syncOn.host.name);
  for (const m of members) {
    const id = kit.stop(m.host.name, m.services);
    if (id !== undefined) allStops.push(id);
    // The sync waits for the services that use the database; the others (nova-compute, agents) go on.
    if (id !== undefined && m.services.some((s) => ctx.svc(s).dbAccess)) stops.push(id);
  }
  for (const m of members) {
    kit.upgrade(m.host.name, m.services);
    kit.editAll(m.host, m.services, 'upgrade');
    opts.beforeStart?.(m);
  }
  const syncId =
    syncOn === undefined
      ? undefined
      : kit.sync(project, syncOn.host.name, [...stops, b.last(syncOn.host.name)]);
  const deferred = opts.deferStart;
  const starting =
    deferred === undefined
      ? members
      : members.map((m) => ({ host: m.host, services: m.services.filter((s) => !deferred(s)) }));
  // New code starts only once the old code is stopped everywhere: an unpinned Icehouse conductor would
  // send compute RPC 3.23 to a Havana nova-compute still running on a host not yet stopped.
  const stopped =
    allStops.length <= 4
      ? allStops
      : [
          b.onCloud(
            `stopped-${project}`,
            {
              kind: 'verify',
              checks: [
                {
                  check: 'services-down',
                  services: [...new Set(members.flatMap((m) => m.services))],
                  hosts: members.map((m) => m.host.name),
                },
              ],
            },
            { after: allStops },
          ),
        ];
  startTiers(kit, starting, [syncId, ...stopped]);
  const services = [...new Set(starting.flatMap((m) => m.services))];
  const sync = ctx.pack.dbSync.find((d) => d.project === project);
  // A project whose version command the catalog does not know has no head to check.
  const head = sync?.versionCommand === '' ? undefined : sync?.toHead;
  const checks: VerifyCheck[] = [{ check: 'services-up', services }];
  if (head !== undefined) checks.push({ check: 'schema-head', project, head });
  return { checks };
}

/** Members of a project: every host running its services, with all its services of that project. */
export function membersOf(kit: Kit, project: ProjectName, hosts: readonly Host[]): Member[] {
  const out: Member[] = [];
  for (const host of hosts) {
    const services = host.services.filter((s) => kit.ctx.svc(s).project === project);
    if (services.length > 0) out.push({ host, services });
  }
  return out;
}

/** neutron-server with its Nova notifications, and network nodes; computes' agents go with their batch. */
export function neutronPhase(kit: Kit, computes: readonly Host[]): void {
  const { b, ctx } = kit;
  const computeNames = new Set(computes.map((h) => h.name));
  const members = membersOf(
    kit,
    'neutron',
    ctx.hosts.filter((h) => !computeNames.has(h.name)),
  );
  if (members.length === 0) return;
  b.startPhase('neutron', 'Networking (neutron): server with Nova notifications, then network nodes');
  const neutron = upgradeProject(kit, 'neutron', members);
  b.closePhase('verify', { kind: 'verify', checks: neutron.checks });
}

/** One phase per project, in the given order (service-by-service, and the non-Nova part of the others). */
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
