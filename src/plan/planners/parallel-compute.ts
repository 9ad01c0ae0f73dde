// Scenario 3 (RH5 upgrade-3 and parallel-nova): every other service as in scenario 2; a new Nova of the
// target release starts on spare hosts as its own Keystone region, with its own database (so no Nova
// schema migration of the old data) and its own message topics on the shared broker; neutron then
// notifies the new Nova; old computes are drained batch by batch (waiting for workloads, or redeploying
// them into the new region — live migration cannot cross two Nova deployments), upgraded and moved into
// the new environment; the old Nova controllers and their endpoint are retired last.

import { inventoryError } from '../../inventory/locate.js';
import type { DrainMode } from '../../inventory/types.js';
import { computeBatches } from './compute-batches.js';
import { isNovaController, projectsPresent } from './context.js';
import { finalPhase } from './final-phase.js';
import type { Kit } from './kit.js';
import { colocatedComputes, dedicatedComputes, networkOnlyHosts, novaControllerHosts } from './nova-hosts.js';
import { prepareComputes } from './prepare-computes.js';
import { membersOf, neutronPhase, projectPhases, startTiers } from './project-phase.js';

export function parallelDrainMode(kit: Kit): Exclude<DrainMode, 'none' | 'live-migrate'> {
  const drain = kit.ctx.inventory.policy.drain;
  if (drain === 'wait' || drain === 'cold-migrate') return drain;
  kit.b.warn({
    id: 'parallel-drain-mode',
    text:
      `policy.drain is ${drain}, but instances cannot live-migrate between two Nova deployments: old computes ` +
      'are drained by waiting for their workloads to end, which interrupts none of them but can take long. ' +
      'Set drain: cold-migrate to redeploy them into the new region instead (snapshot, boot there, move ' +
      'floating IPs, delete the original: each instance is interrupted).',
  });
  // Waiting keeps the scenario's promise (no workload is interrupted); redeploying is the operator's call.
  return 'wait';
}

export function planParallelCompute(kit: Kit): void {
  const { b, ctx } = kit;
  if (ctx.spares.length === 0) {
    throw inventoryError(
      ctx.inventory,
      'spare_hosts',
      'parallel-compute needs spare hosts for the new Nova environment, and the inventory lists none',
      {
        hint: 'add spare_hosts (new nodes with role compute, and one with role controller), or pick live-compute',
      },
    );
  }
  if (!ctx.spares.some((h) => h.services.includes('nova-compute'))) {
    throw inventoryError(
      ctx.inventory,
      'spare_hosts',
      'parallel-compute needs at least one spare compute host: the new Nova environment must be able to run ' +
        'instances before the first old compute is moved into it',
      { hint: 'add a spare host with role compute' },
    );
  }
  const oldRegion = ctx.inventory.openstack.region ?? 'RegionOne';
  const region = `${oldRegion}-${ctx.to.name}`;
  const newDatabase = `${ctx.to.databases.nova ?? 'nova'}_${ctx.to.name}`;
  kit.preflight([{ check: 'no-error-instances' }]);
  kit.backups();
  const drain = parallelDrainMode(kit);
  const oldControllers = novaControllerHosts(kit);
  const dedicated = dedicatedComputes(kit);
  const computes = [...dedicated, ...colocatedComputes(kit)];

  prepareComputes(kit, computes, {
    title: `Old computes stay on ${ctx.from.name} for a while: config`,
    pin: false,
  });

  // Neutron goes before the new Nova: Icehouse nova-compute waits for vif-plugged events that only an
  // Icehouse neutron sends (facts §0.3), and the old Havana computes do not wait for them.
  const projects = projectsPresent(ctx);
  projectPhases(
    kit,
    projects.filter((p) => p !== 'nova' && p !== 'neutron'),
  );
  if (projects.includes('neutron')) neutronPhase(kit, dedicated);

  b.startPhase('new-nova', `New ${ctx.to.name} Nova on spare hosts as region ${region}`);
  const spareMembers = membersOf(kit, 'nova', ctx.spares).map((m) => ({
    host: m.host,
    services: m.host.services,
  }));
  const environment = { defs: ctx.pack.parallelEnvironment, name: 'edit-environment' };
  for (const m of spareMembers) {
    kit.upgrade(m.host.name, m.services, { env: 'new' });
    kit.editAll(m.host, m.services, 'upgrade', { env: 'new' });
    kit.editAll(m.host, m.services, 'final', { env: 'new' });
    kit.edit(m.host, 'nova', 'upgrade', { env: 'new' }, environment);
  }
  const syncOn = spareMembers.find((m) => m.services.some((s) => isNovaController(ctx, s)));
  const syncId =
    syncOn === undefined
      ? undefined
      : kit.sync('nova', syncOn.host.name, [], { env: 'new', database: newDatabase, fresh: true });
  const tiers = startTiers(kit, spareMembers, [syncId], { env: 'new' });
  // Cinder is shared: the new region gets a volume endpoint too, so the new Nova finds it (RH5).
  const registered = (['compute', 'volume'] as const).map((service) =>
    b.onCloud(
      `register-${service}-endpoint`,
      { kind: 'register-endpoint', service, region },
      {
        after: tiers.flat(),
        env: 'new',
      },
    ),
  );
  // neutron-server now notifies the new Nova, one server at a time so the network API stays up.
  let previous: string | undefined;
  for (const host of ctx.hosts.filter((h) => h.services.includes('neutron-server'))) {
    const opts = { after: [...registered, previous] };
    const edited = kit.edit(host, 'neutron', 'upgrade', opts, {
      defs: ctx.pack.parallelNeutron,
      name: 'edit-notifications',
    });
    if (edited !== undefined)
      previous = kit.restart(host.name, ['neutron-server'], opts, 'restart-neutron-server');
  }
  b.closePhase('verify', {
    kind: 'verify',
    checks: [
      { check: 'services-up', env: 'new' },
      { check: 'api', api: 'compute-api', env: 'new' },
      { check: 'smoke-boot', env: 'new' },
    ],
  });
  b.warn({
    id: 'parallel-environment',
    text:
      `The new Nova (region ${region}, database ${newDatabase}) starts empty: create its flavors, keypairs and ` +
      'quotas before instances are redeployed into it. Spare hosts need their nova.conf from your ' +
      'configuration management; stackhop sets the database, the message topics and the region only.',
  });

  const retired = new Map<string, string[]>();
  const retire = (host: string, services: readonly string[]) =>
    retired.set(host, [...(retired.get(host) ?? []), ...services]);
  if (computes.length > 0) {
    b.startPhase(
      'computes',
      `Old computes in batches: disable → drain (${drain}) → upgrade → move to ${region}`,
    );
    computeBatches(kit, {
      computes,
      computeCount: computes.length,
      drain,
      ...(drain === 'cold-migrate' ? { drainToRegion: region } : {}),
      outEnv: 'old',
      inEnv: 'new',
      // Before the last old computes go, the old scheduler stops taking new instances, so no user is
      // left with a region that accepts boots it can never place (Fuel Octane's last-compute guard).
      beforeLastBatch: () =>
        oldControllers
          .filter((h) => h.services.includes('nova-scheduler'))
          .map((h) => {
            retire(h.name, ['nova-scheduler']);
            return b.onHost(
              h.name,
              'retire-scheduler',
              { kind: 'decommission', services: ['nova-scheduler'] },
              { env: 'old' },
            );
          }),
      body: (h) => {
        const services = kit.notUpgraded(h).filter((s) => !isNovaController(ctx, s));
        kit.stop(h.name, services, { env: 'old' });
        const oldNova = h.services.filter(
          (s) => isNovaController(ctx, s) && !(retired.get(h.name) ?? []).includes(s),
        );
        if (oldNova.length > 0) {
          // A controller that is also a compute: its old Nova controller services go before its packages
          // can move to the new release (they share the nova packages).
          b.onHost(h.name, 'retire-nova', { kind: 'decommission', services: oldNova }, { env: 'old' });
          retire(h.name, oldNova);
        }
        kit.upgrade(h.name, services, { env: 'new' });
        kit.editAll(h, services, 'upgrade', { env: 'new' });
        kit.edit(h, 'nova', 'upgrade', { env: 'new' }, environment);
        b.onHost(h.name, 'retarget', { kind: 'retarget-compute', region }, { env: 'new' });
        startTiers(kit, [{ host: h, services }], [], { env: 'new' });
      },
    });
  }

  b.startPhase('retire-old-nova', `Retire the old ${ctx.from.name} Nova: controller services and endpoint`);
  for (const h of [...oldControllers, ...networkOnlyHosts(kit)]) {
    const gone = retired.get(h.name) ?? [];
    const left = h.services.filter((s) => ctx.svc(s).project === 'nova' && !gone.includes(s));
    if (left.length === 0) continue;
    b.onHost(h.name, 'retire-nova', { kind: 'decommission', services: left }, { env: 'old' });
    retire(h.name, left);
  }
  b.onCloud(
    'deregister-endpoint',
    { kind: 'decommission', services: [], endpoints: [{ service: 'compute', region: oldRegion }] },
    { env: 'old', after: [...b.stepsOfPhase] },
  );
  b.closePhase('verify', { kind: 'verify', checks: [{ check: 'services-up', env: 'new' }] });

  finalPhase(kit, ctx.hosts, retired, { nova: newDatabase });
}
