// parallel-compute's own actions: a second Nova deployment registered in Keystone as a new region,
// old computes re-pointed at it, and the old deployment retired.

import { unitsOf } from '../../../catalog/index.js';
import { StepFailure } from '../../../engine/driver.js';
import { CLOUD } from '../../../plan/types.js';
import { serviceCommand } from '../render/services.js';
import { cloudOf } from './compute.js';
import type { ActionHandler } from './types.js';

export const registerEndpoint: ActionHandler<'register-endpoint'> = {
  async execute(step, action, io) {
    const cloud = cloudOf(io.rc, step.host);
    if (cloud.registerEndpoint === undefined) {
      throw new StepFailure(`registering a ${action.service} endpoint needs Keystone v3 admin rights`, {
        permanent: true,
      });
    }
    const url = await cloud.registerEndpoint(action.service, action.region);
    return { summary: `${action.service} endpoint in ${action.region}: ${url}` };
  },
  async probe(step, action, rc) {
    const cloud = cloudOf(rc, step.host);
    if (cloud.hasEndpoint === undefined) return 'unknown';
    return (await cloud.hasEndpoint(action.service, action.region)) ? 'done' : 'not-done';
  },
};

/**
 * The host's nova.conf was re-pointed by the edit steps before; retargeting restarts nova-compute so
 * it registers with the new deployment, and removes its record from the old one.
 */
export const retargetCompute: ActionHandler<'retarget-compute'> = {
  async execute(step, action, io) {
    for (const u of unitsOf(io.rc.to, ['nova-compute'], io.rc.family))
      await io.must(step.host, serviceCommand(u, 'restart'));
    const cloud = cloudOf(io.rc, step.host);
    if (cloud.deleteComputeService !== undefined) await cloud.deleteComputeService(step.host, 'old');
    return { summary: `nova-compute now serves ${action.region}` };
  },
  probe: async () => 'unknown',
};

export const decommission: ActionHandler<'decommission'> = {
  async execute(step, action, io) {
    if (step.host !== CLOUD && action.services.length > 0) {
      for (const u of unitsOf(io.rc.to, action.services, io.rc.family).reverse()) {
        const r = await io.run(step.host, serviceCommand(u, 'stop'));
        if (r.code !== 0) io.note(`[${step.host}] ${u} was not running`);
      }
    }
    const cloud =
      action.endpoints !== undefined && action.endpoints.length > 0 ? cloudOf(io.rc, step.host) : undefined;
    for (const e of action.endpoints ?? []) {
      if (cloud?.removeEndpoint === undefined)
        throw new StepFailure('removing an endpoint needs Keystone v3 admin rights', { permanent: true });
      await cloud.removeEndpoint(e.service, e.region);
    }
    return {
      summary: `retired ${[...action.services, ...(action.endpoints ?? []).map((e) => `${e.service}@${e.region}`)].join(', ')}`,
    };
  },
  probe: async () => 'unknown',
};
