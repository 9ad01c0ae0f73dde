// Scenario 3 (RH5 upgrade-3 and parallel-nova): every other service as in scenario 2; a new Nova of the
// target release starts on spare hosts as its own Keystone region with its own database (so no Nova
// schema migration of the old data); old computes are drained batch by batch (waiting for workloads or
// redeploying them — live migration cannot cross two Nova deployments), upgraded and moved into the new
// environment; the old Nova controllers are retired last.

import { InputError } from '../../errors.js';
import type { DrainMode } from '../../inventory/types.js';
import type { ConfigEdit } from '../types.js';
import { computeBatches } from './compute-batches.js';
import { isComputeSide, isNovaController, projectsPresent } from './context.js';
import { finalPhase } from './final-phase.js';
import type { Kit } from './kit.js';
import { dedicatedComputes, neutronPhase, novaControllerHosts } from './live-compute.js';
import { membersOf, startTiers } from './project-phase.js';
import { projectPhases } from './service-by-service.js';

/** Config that makes a spare host part of the new environment: its own database and region. */
const NEW_ENVIRONMENT_EDIT: ConfigEdit = {
  id: 'parallel-environment',
  file: '/etc/nova/nova.conf',
  format: 'ini',
  ops: [
    { op: 'set', section: 'database', key: 'connection', value: { lookup: 'parallel-nova-db-url' } },
    { op: 'set', section: 'DEFAULT', key: 'os_region_name', value: { lookup: 'parallel-region' } },
  ],
};

export function parallelDrainMode(kit: Kit): Exclude<DrainMode, 'none' | 'live-migrate'> {
  const drain = kit.ctx.inventory.policy.drain;
  if (drain === 'wait' || drain === 'cold-migrate') return drain;
  kit.b.warn({
    id: 'parallel-drain-mode',
    text:
      `policy.drain is ${drain}, but instances cannot live-migrate between two Nova deployments: old computes ` +
      'are drained by redeploying their instances into the new region (cold-migrate). Set drain: wait to let ' +
      'workloads end by themselves instead.',
  });
  return 'cold-migrate';
}

export function planParallelCompute(kit: Kit): void {
  const { b, ctx } = kit;
  if (ctx.spares.length === 0) {
    throw new InputError(
      { file: ctx.inventory.file, line: 0, col: 0 },
      'spare_hosts',
      'parallel-compute needs spare hosts for the new Nova environment, and the inventory lists none',
      {
        hint: 'add spare_hosts (new nodes with role compute, and one with role controller), or pick live-compute',
      },
    );
  }
  const region = `${ctx.inventory.openstack.region ?? 'RegionOne'}-${ctx.to.name}`;
  const newDatabase = `${ctx.to.databases.nova ?? 'nova'}_${ctx.to.name}`;
  kit.preflight([{ check: 'no-error-instances' }]);
  kit.backups();
  const drain = parallelDrainMode(kit);
  const oldControllers = novaControllerHosts(kit);
  const computes = [
    ...dedicatedComputes(kit),
    ...oldControllers.filter((h) => h.services.some((s) => isComputeSide(ctx, s))),
  ];

  if (computes.length > 0) {
    b.startPhase('prepare-computes', `Old computes stay on ${ctx.from.name} for a while: config`);
    for (const h of computes) {
      if (kit.edit(h, 'nova', 'stay-on-old') !== undefined) {
        kit.restart(
          h.name,
          h.services.filter((s) => isComputeSide(ctx, s)),
        );
      }
    }
    b.closePhase('verify', {
      kind: 'verify',
      checks: [{ check: 'services-up', services: ['nova-compute'] }],
    });
  }

  // Neutron goes before the new Nova: Icehouse nova-compute waits for vif-plugged events that only an
  // Icehouse neutron sends (facts §0.3), and the old Havana computes do not wait for them.
  const projects = projectsPresent(ctx);
  projectPhases(
    kit,
    projects.filter((p) => p !== 'nova' && p !== 'neutron'),
  );
  if (projects.includes('neutron')) neutronPhase(kit, dedicatedComputes(kit));

  b.startPhase('new-nova', `New ${ctx.to.name} Nova on spare hosts as region ${region}`);
  const spareMembers = membersOf(kit, 'nova', ctx.spares).map((m) => ({
    host: m.host,
    services: m.host.services,
  }));
  for (const m of spareMembers) {
    kit.upgrade(m.host.name, m.services, { env: 'new' });
    kit.editAll(m.host, m.services, 'upgrade', { env: 'new' });
    b.onHost(
      m.host.name,
      'edit-environment',
      { kind: 'edit-config', project: 'nova', edits: [NEW_ENVIRONMENT_EDIT] },
      { env: 'new' },
    );
  }
  const syncOn = spareMembers.find((m) => m.services.some((s) => isNovaController(ctx, s)));
  const syncId =
    syncOn === undefined
      ? undefined
      : kit.sync('nova', syncOn.host.name, [], { env: 'new', database: newDatabase, fresh: true });
  const tiers = startTiers(kit, spareMembers, [syncId], { env: 'new' });
  b.onCloud(
    'register-endpoint',
    { kind: 'register-endpoint', service: 'compute', region },
    {
      after: tiers.flat(),
      env: 'new',
    },
  );
  b.closePhase('verify', {
    kind: 'verify',
    checks: [
      { check: 'services-up', env: 'new' },
      { check: 'api', api: 'compute-api', env: 'new' },
      { check: 'smoke-boot', env: 'new' },
    ],
  });

  const retired = new Map<string, string[]>();
  if (computes.length > 0) {
    b.startPhase(
      'computes',
      `Old computes in batches: disable → drain (${drain}) → upgrade → move to ${region}`,
    );
    computeBatches(kit, {
      computes,
      computeCount: computes.length,
      drain,
      outEnv: 'old',
      inEnv: 'new',
      // Before the last old computes go, the old scheduler stops taking new instances, so no user is
      // left with a region that accepts boots it can never place (Fuel Octane's last-compute guard).
      beforeLastBatch: () =>
        oldControllers
          .filter((h) => h.services.includes('nova-scheduler'))
          .map((h) => {
            retired.set(h.name, ['nova-scheduler']);
            return b.onHost(
              h.name,
              'retire-scheduler',
              { kind: 'decommission', services: ['nova-scheduler'] },
              {
                env: 'old',
              },
            );
          }),
      body: (h) => {
        const services = kit.notUpgraded(h).filter((s) => isComputeSide(ctx, s) || !isNovaController(ctx, s));
        kit.stop(h.name, services, { env: 'old' });
        const oldNova = h.services.filter(
          (s) => isNovaController(ctx, s) && !(retired.get(h.name) ?? []).includes(s),
        );
        if (oldNova.length > 0) {
          // A controller that is also a compute: its old Nova controller services go before its packages
          // can move to the new release (they share the nova packages).
          b.onHost(h.name, 'retire-nova', { kind: 'decommission', services: oldNova }, { env: 'old' });
          retired.set(h.name, [...(retired.get(h.name) ?? []), ...oldNova]);
        }
        kit.upgrade(h.name, services, { env: 'new' });
        kit.editAll(h, services, 'upgrade', { env: 'new' });
        b.onHost(h.name, 'retarget', { kind: 'retarget-compute', region }, { env: 'new' });
        startTiers(kit, [{ host: h, services }], [], { env: 'new' });
      },
    });
  }

  b.startPhase('retire-old-nova', `Retire the old ${ctx.from.name} Nova controller services`);
  for (const h of oldControllers) {
    const gone = retired.get(h.name) ?? [];
    const left = h.services.filter((s) => isNovaController(ctx, s) && !gone.includes(s));
    if (left.length === 0) continue;
    b.onHost(h.name, 'retire-nova', { kind: 'decommission', services: left }, { env: 'old' });
    retired.set(h.name, [...gone, ...left]);
  }
  b.closePhase('verify', { kind: 'verify', checks: [{ check: 'services-up', env: 'new' }] });
  b.warn({
    id: 'parallel-region',
    text:
      `Users reach the upgraded compute service in the new region ${region}; the old region's compute endpoint ` +
      'stays registered until you remove it. Spare hosts need their nova.conf from your configuration ' +
      'management: stackhop sets only the new database connection and region.',
  });

  finalPhase(kit, ctx.hosts, retired);
}
