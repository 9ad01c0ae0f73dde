// parallel-compute's own actions: a second Nova deployment registered in Keystone as a new region,
// old computes re-pointed at it, and the old deployment retired.

import { unitsOf } from '../../../catalog/index.js';
import { StepFailure } from '../../../engine/driver.js';
import { CLOUD } from '../../../plan/types.js';
import type { RealContext } from '../real-context.js';
import { serviceCommand } from '../render/services.js';
import { baseCloud } from './compute.js';
import type { ActionHandler } from './types.js';

function parallelOf(rc: RealContext) {
  if (rc.parallel === undefined)
    throw new StepFailure('this plan has no parallel deployment', { permanent: true });
  return rc.parallel;
}

export const registerEndpoint: ActionHandler<'register-endpoint'> = {
  async execute(step, action, io) {
    const p = parallelOf(io.rc);
    // Havana-era compute endpoints carry the tenant; the shared cinder keeps its own URLs.
    const url = action.service === 'compute' ? `${p.apiUrl}/%(tenant_id)s` : undefined;
    const registered = await baseCloud(io.rc, step.host).registerEndpoint(action.service, action.region, url);
    if (action.service === 'compute') p.active = true;
    return { summary: `${action.service} endpoints in ${action.region}: ${registered}` };
  },
  // Registering again adds only what is missing; a partial registration must not pass for done.
  probe: async () => 'unknown',
};

/**
 * The host's nova.conf was re-pointed by the edit steps before: retargeting restarts its nova-compute
 * (when it runs) so it reports to the new deployment. Its record in the old one goes with that
 * deployment's retirement.
 */
export const retargetCompute: ActionHandler<'retarget-compute'> = {
  async execute(step, action, io) {
    for (const u of unitsOf(io.rc.to, ['nova-compute'], io.rc.family)) {
      const r = await io.run(step.host, serviceCommand(u, 'status'));
      if (r.code === 0 && !/stop\/waiting|not running|stopped/.test(r.stdout))
        await io.must(step.host, serviceCommand(u, 'restart'));
    }
    return { summary: `nova-compute now reports to ${action.region}` };
  },
  probe: async () => 'unknown',
};

export const decommission: ActionHandler<'decommission'> = {
  async execute(step, action, io) {
    if (step.host !== CLOUD && action.services.length > 0) {
      for (const u of unitsOf(io.rc.from, action.services, io.rc.family).reverse()) {
        const r = await io.run(step.host, serviceCommand(u, 'stop'));
        if (r.code !== 0) io.note(`[${step.host}] ${u} was not running`);
      }
    }
    for (const e of action.endpoints ?? [])
      await baseCloud(io.rc, step.host).removeEndpoint(e.service, e.region);
    const what = [
      ...action.services,
      ...(action.endpoints ?? []).map((e) => `${e.service} endpoints in ${e.region}`),
    ];
    return { summary: `retired ${what.join(', ')}` };
  },
  probe: async () => 'unknown',
};
