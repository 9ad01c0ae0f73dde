// What a parallel-compute plan says about the new Nova deployment it builds, and the services it
// retires: read once from the plan, so a resumed run knows them as well as the first.

import type { ParallelDeployment, RealContext } from '../drivers/real/real-context.js';
import { CLOUD, type Plan } from '../plan/types.js';

export function applyPlanFacts(rc: RealContext, plan: Plan): void {
  for (const s of plan.steps) {
    if (s.action.kind !== 'decommission' || s.host === CLOUD) continue;
    rc.retired.set(s.host, new Set([...(rc.retired.get(s.host) ?? []), ...s.action.services]));
  }
  const p = parallelDeployment(rc, plan);
  if (p !== undefined) rc.parallel = p;
}

function parallelDeployment(rc: RealContext, plan: Plan): ParallelDeployment | undefined {
  const register = plan.steps.find(
    (s) => s.action.kind === 'register-endpoint' && s.action.service === 'compute',
  );
  if (register?.action.kind !== 'register-endpoint') return undefined;
  const sync = plan.steps.find((s) => s.action.kind === 'db-sync' && s.env === 'new');
  // The planner puts the new deployment's controller services on a spare host: where nova-api starts.
  const start = plan.steps.find(
    (s) => s.env === 'new' && s.action.kind === 'start-services' && s.action.services.includes('nova-api'),
  );
  const apiHost = start === undefined ? undefined : rc.hosts.get(start.host);
  const oldDb = [...rc.hosts.values()].find((h) => !h.spare && h.services.includes('nova-conductor'));
  if (sync?.action.kind !== 'db-sync' || apiHost === undefined || oldDb === undefined) return undefined;
  return {
    region: register.action.region,
    apiUrl: `http://${rc.addresses.get(apiHost.name) ?? apiHost.name}:8774/v2`,
    database: sync.action.database,
    controller: apiHost.name,
    connectionFrom: { host: oldDb.name, file: '/etc/nova/nova.conf' },
    active: false,
  };
}
