// disable-, enable- and drain-compute, through the Nova API: the scheduler stops placing instances on
// a disabled compute, and a drained one holds no instance when its nova-compute stops.

import { StepFailure } from '../../../engine/driver.js';
import type { Environment } from '../../../plan/types.js';
import type { CloudApi, ServerInfo } from '../cloud-api.js';
import type { RealContext } from '../real-context.js';
import type { ActionHandler } from './types.js';

const BINARY = 'nova-compute';

/** The APIs of the Nova deployment a step acts on (parallel-compute's new one is its own region). */
export async function cloudOf(rc: RealContext, host: string, env?: Environment): Promise<CloudApi> {
  const base = baseCloud(rc, host);
  const p = rc.parallel;
  if (p === undefined || env === 'old' || (env === undefined && !p.active)) return base;
  return base.region(p.region);
}

export function baseCloud(rc: RealContext, host: string): CloudApi {
  if (rc.cloud === undefined) {
    throw new StepFailure(
      `${host}: this step needs the OpenStack APIs, and the run has no credentials (set OS_* variables, OS_CLOUD or openstack.cloud in the inventory)`,
      { permanent: true },
    );
  }
  return rc.cloud;
}

async function serviceOn(rc: RealContext, host: string, env?: Environment) {
  const list = await (await cloudOf(rc, host, env)).compute.services({ host, binary: BINARY });
  return list.find((s) => s.host === host && s.binary === BINARY);
}

export const disableCompute: ActionHandler<'disable-compute'> = {
  async execute(step, action, io) {
    const svc = await serviceOn(io.rc, step.host, step.env);
    if (svc === undefined)
      throw new StepFailure(`${step.host}: Nova knows no nova-compute on this host`, { permanent: true });
    io.note(`[${step.host}] PUT os-services/disable-log-reason (${action.reason})`);
    await (await cloudOf(io.rc, step.host, step.env)).compute.disable(step.host, BINARY, action.reason);
    return { summary: 'scheduling disabled' };
  },
  probe: async (step, _a, rc) =>
    (await serviceOn(rc, step.host, step.env))?.enabled === false ? 'done' : 'not-done',
};

export const enableCompute: ActionHandler<'enable-compute'> = {
  async execute(step, _action, io) {
    io.note(`[${step.host}] PUT os-services/enable`);
    await (await cloudOf(io.rc, step.host, step.env)).compute.enable(step.host, BINARY);
    return { summary: 'scheduling enabled' };
  },
  probe: async (step, _a, rc) =>
    (await serviceOn(rc, step.host, step.env))?.enabled === true ? 'done' : 'not-done',
};

/** Instances that still tie the host: anything not already deleted. */
function remaining(servers: readonly ServerInfo[]): ServerInfo[] {
  return servers.filter((s) => s.status !== 'DELETED' && s.status !== 'SOFT_DELETED');
}

export const drainCompute: ActionHandler<'drain-compute'> = {
  async execute(step, action, io) {
    const { rc } = io;
    const compute = (await cloudOf(rc, step.host, step.env)).compute;
    if (action.mode === 'cold-migrate') {
      throw new StepFailure(
        `${step.host}: cross-region redeploy (cold-migrate to ${action.to_region ?? '?'}) is not supported by the real driver yet`,
        {
          permanent: true,
        },
      );
    }
    if (action.mode === 'wait') {
      for (;;) {
        const left = remaining(await compute.serversOnHost(step.host));
        if (left.length === 0) return { summary: 'no instances left' };
        io.note(`[${step.host}] waiting for ${left.length} instance(s) to end`);
        await rc.clock.sleep(rc.pollMs, io.ctx.signal);
      }
    }
    const servers = remaining(await compute.serversOnHost(step.host));
    // Only running instances live-migrate (Havana and Icehouse refuse the others with a 409).
    const stuck = servers.filter((s) => s.status !== 'ACTIVE' && s.taskState !== 'migrating');
    if (stuck.length > 0) {
      throw new StepFailure(
        `${step.host}: ${stuck.length} instance(s) cannot be live-migrated: ${stuck.map((s) => `${s.id} (${s.status})`).join(', ')}; ` +
          'start or migrate them (nova migrate) and resume, or drain this host with `wait`',
        { permanent: true },
      );
    }
    let moved = 0;
    for (const s of servers) {
      if (s.taskState === 'migrating') {
        // Started before a crash: wait for it rather than asking again (Nova would answer 409).
        io.note(`[${step.host}] ${s.id} (${s.name}) is already migrating; waiting for it`);
        const after = await compute.waitForMigration(s.id, step.host, io.ctx.signal);
        io.note(`[${step.host}] ${s.id} now on ${after.host} (${after.status})`);
      } else {
        io.note(`[${step.host}] os-migrateLive ${s.id} (${s.name}), target chosen by the scheduler`);
        const after = await compute.liveMigrate(s.id, undefined, io.ctx.signal);
        io.note(`[${step.host}] ${s.id} now on ${after.host} (${after.status})`);
      }
      moved++;
    }
    const left = remaining(await compute.serversOnHost(step.host));
    if (left.length > 0) {
      throw new StepFailure(
        `${step.host}: ${left.length} instance(s) still on the host after the drain: ${left.map((s) => s.id).join(', ')}`,
      );
    }
    return { summary: `live-migrated ${moved} instance(s)` };
  },
  probe: async (step, _a, rc) =>
    remaining(await (await cloudOf(rc, step.host, step.env)).compute.serversOnHost(step.host)).length === 0
      ? 'done'
      : 'not-done',
};
