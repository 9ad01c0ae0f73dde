// Scenario 4 (RH5 upgrade-4, RDOWIKI, Icehouse release notes): everything but Nova and Neutron first;
// then every Nova controller service, conductor included, on the new release with the compute RPC pinned
// (`icehouse-compat`: the one version both releases speak, facts §3.2); then neutron-server with Nova
// notifications; then computes batch by batch (disable → drain → stop → upgrade → start → enable);
// finally unpin and restart every Nova service.

import { appliesToNetworking } from '../../catalog/index.js';
import { compareVersions } from '../../catalog/versions.js';
import { inventoryError } from '../../inventory/locate.js';
import type { VerifyCheck } from '../types.js';
import { instancesOn } from './batches.js';
import { computeBatches, disableAndDrain } from './compute-batches.js';
import { isComputeSide, projectsPresent } from './context.js';
import { finalPhase } from './final-phase.js';
import type { Kit } from './kit.js';
import { colocatedComputes, dedicatedComputes, networkOnlyHosts, novaControllerHosts } from './nova-hosts.js';
import { prepareComputes } from './prepare-computes.js';
import { membersOf, neutronPhase, projectPhases, startTiers, upgradeProject } from './project-phase.js';

export function checkMinimumVersions(kit: Kit): void {
  const { ctx } = kit;
  for (const min of ctx.pack.liveMinimum) {
    const known = ctx.inventory.facts.versions[min.service];
    if (known !== undefined && compareVersions(known, min.version) < 0) {
      throw inventoryError(
        ctx.inventory,
        `facts.versions.${min.service}`,
        `${min.service} ${known} is older than ${min.version}, the minimum for live-compute: ${min.reason}`,
        { hint: `upgrade ${min.service} within ${ctx.from.name} first, or choose another scenario` },
      );
    }
  }
}

export function planLiveCompute(kit: Kit): void {
  const { b, ctx } = kit;
  checkMinimumVersions(kit);
  const policy = ctx.inventory.policy;
  const checks: VerifyCheck[] = ctx.pack.liveMinimum.map((m) => ({
    check: 'min-version',
    service: m.service,
    version: m.version,
  }));
  if (policy.drain !== 'none') checks.push({ check: 'no-error-instances' });
  const preflight = kit.preflight(checks);
  for (const min of ctx.pack.liveMinimum) {
    const known = ctx.inventory.facts.versions[min.service];
    b.warn({
      id: `minimum-${min.service}`,
      text:
        `Every ${min.service} must run ${ctx.from.name} ${min.version} or later before this upgrade starts ` +
        `(${known === undefined ? 'version not given in facts.versions; ' : `facts.versions says ${known}; `}` +
        `the pre-flight check refuses older ones): ${min.reason}`,
      steps: [preflight],
    });
  }

  kit.backups();

  const controllers = novaControllerHosts(kit);
  const computes = dedicatedComputes(kit);
  const colocated = colocatedComputes(kit);
  const networkNodes = networkOnlyHosts(kit);
  const computeCount = computes.length + colocated.length;
  const pins = ctx.pack.pins
    .filter((p) => appliesToNetworking(p, ctx.inventory.networking))
    .map((p) => `${p.service}=${p.level}`)
    .join(', ');
  if (
    computeCount < 2 &&
    (policy.drain === 'live-migrate' || policy.drain === 'cold-migrate') &&
    ctx.facts.instances > 0
  ) {
    throw inventoryError(
      ctx.inventory,
      'policy.drain',
      `drain: ${policy.drain} moves a compute's instances to another compute, and this cloud has ${computeCount}`,
      {
        hint: 'use drain: wait (instances end by themselves) or none (they stay; their network blips), or add a compute',
      },
    );
  }
  if (colocated.length > policy.max_parallel_computes) {
    throw inventoryError(
      ctx.inventory,
      'policy.max_parallel_computes',
      `live-compute takes the nova-compute of ${colocated.length} controllers (${colocated.map((h) => h.name).join(', ')}) ` +
        `out together, more than max_parallel_computes (${policy.max_parallel_computes})`,
      {
        hint: 'these controllers also run nova-compute and share its packages; raise the limit or move the computes',
      },
    );
  }

  prepareComputes(kit, [...computes, ...colocated], {
    title: `Computes staying on ${ctx.from.name} for now: pin RPC (${pins}), config`,
    pin: true,
  });

  const projects = projectsPresent(ctx);
  projectPhases(
    kit,
    projects.filter((p) => p !== 'nova' && p !== 'neutron'),
  );

  b.startPhase('nova-controllers', `Nova controller services, conductor first, with the RPC pin (${pins})`);
  const colocatedDrain = policy.drain !== 'none' && computes.length > 0 ? policy.drain : undefined;
  if (colocated.length > 0) {
    b.warn({
      id: 'colocated-compute',
      text:
        `${colocated.map((h) => h.name).join(', ')} run Nova controller and compute services, which share the nova ` +
        'packages: their nova-compute is stopped and upgraded with the controllers and starts again after ' +
        (colocatedDrain === undefined
          ? 'neutron; there is no other compute to move their instances to, so the instances stay (unmanaged meanwhile).'
          : `neutron; their instances are moved first (${colocatedDrain}).`),
    });
    disableAndDrain(kit, colocated, {
      drain: colocatedDrain,
      instancesOf: (h) =>
        instancesOn(computes.length + colocated.indexOf(h), computeCount, ctx.facts.instances),
    });
  }
  const novaMembers = membersOf(kit, 'nova', controllers);
  const nova = upgradeProject(kit, 'nova', novaMembers, {
    beforeStart: (m) => kit.pin(m.host),
    deferStart: (s) => isComputeSide(ctx, s),
  });
  // A test boot needs a running compute: none is left when every compute shares a controller's packages.
  const boot: VerifyCheck[] = computes.length > 0 ? [{ check: 'smoke-boot' }] : [];
  b.closePhase('verify', { kind: 'verify', checks: [...nova.checks, ...boot] });
  const gate = kit.gate('after-controllers', 'Nova controllers run the new release with the pin. Continue?');
  if (gate !== undefined) b.setBarrier(gate);

  if (networkNodes.length > 0) {
    // nova-network nodes (single-host mode): no instances to move; the controllers' network pin keeps
    // them working on the old release until now.
    b.startPhase('nova-network', 'nova-network nodes: stop → upgrade → start on the new conductor');
    const members = networkNodes.map((host) => ({
      host,
      services: host.services.filter((s) => isComputeSide(ctx, s)),
    }));
    const phase = upgradeProject(kit, 'nova', members);
    b.closePhase('verify', { kind: 'verify', checks: phase.checks });
  }

  if (projects.includes('neutron')) neutronPhase(kit, computes);

  if (colocated.length > 0) {
    b.startPhase(
      'colocated-computes',
      `Compute services of the controllers, now that conductor${projects.includes('neutron') ? ' and neutron are' : ' is'} new`,
    );
    for (const h of colocated) {
      startTiers(kit, [{ host: h, services: h.services.filter((s) => isComputeSide(ctx, s)) }], []);
      b.onHost(h.name, 'enable', { kind: 'enable-compute' });
    }
    b.closePhase('verify', {
      kind: 'verify',
      checks: [{ check: 'services-up', services: ['nova-compute'] }],
    });
  }

  if (computes.length > 0) {
    b.startPhase('computes', 'Compute nodes in batches: disable → drain → stop → upgrade → start → enable');
    computeBatches(kit, {
      computes,
      computeCount,
      drain: policy.drain === 'none' ? undefined : policy.drain,
      body: (h) => {
        const services = kit.notUpgraded(h);
        kit.stop(h.name, services);
        // The host is empty now: its full distribution upgrade happens here, not in the final phase
        // (a dist-upgrade may restart open-iscsi and disconnect volumes, OPS).
        kit.upgrade(h.name, h.services, { full: true });
        kit.editAll(h, services, 'upgrade');
        startTiers(kit, [{ host: h, services }], []);
      },
    });
  }

  finalPhase(kit, ctx.hosts);
}
