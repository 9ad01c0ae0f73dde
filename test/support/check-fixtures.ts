// A tiny catalog (services, one upgrade pack) and two small plans that satisfy every invariant:
// one live-compute, one parallel-compute. Checker tests break them one edge at a time.

import type { ServiceDef, UpgradePack } from '../../src/catalog/types.js';
import type { Host } from '../../src/inventory/types.js';
import type { CheckContext } from '../../src/plan/check/index.js';
import {
  backupConfig,
  backupDb,
  dbSync,
  disable,
  drain,
  enable,
  PlanBuilder,
  pin,
  restart,
  start,
  stop,
  unpin,
  upgrade,
  verify,
} from './plan-builder.js';

const svc = (
  name: string,
  project: ServiceDef['project'],
  dbAccess: boolean,
  computeSide = false,
): ServiceDef => ({
  name,
  project,
  packages: { default: [name] },
  units: { default: [name] },
  dbAccess,
  ...(computeSide ? { computeSide } : {}),
});

export const SERVICES: Readonly<Record<string, ServiceDef>> = Object.fromEntries(
  [
    svc('keystone', 'keystone', true),
    svc('nova-api', 'nova', true),
    svc('nova-scheduler', 'nova', true),
    svc('nova-conductor', 'nova', true),
    svc('nova-compute', 'nova', false, true),
    svc('neutron-server', 'neutron', true),
    svc('neutron-openvswitch-agent', 'neutron', false),
  ].map((d) => [d.name, d]),
);

export function services(name: string): ServiceDef {
  const d = SERVICES[name];
  if (d === undefined) throw new Error(`unknown service ${name}`);
  return d;
}

export const PACK: UpgradePack = {
  from: 'havana',
  to: 'icehouse',
  title: 'test pack',
  order: [],
  neutronAfterNovaControllers: true,
  mixedVersion: ['nova'],
  preSync: [
    // Offline: the project's DB-using services must be stopped while it runs.
    { project: 'neutron', fix: 'utf8-conversion', commands: [], reason: 'test', cost: { fixed_s: 1 } },
    // Online: safe while keystone runs.
    {
      project: 'keystone',
      fix: 'token-flush',
      commands: [],
      online: true,
      reason: 'test',
      cost: { fixed_s: 1 },
    },
  ],
  dbSync: (['keystone', 'nova', 'neutron'] as const).map((project) => ({
    project,
    commands: [],
    asUser: project,
    versionCommand: '',
    fromHead: '1',
    toHead: '2',
    heavy: [],
    fixed_s: 1,
    downWhileRunning: '',
  })),
  configEdits: [],
  pins: [
    {
      service: 'compute',
      level: 'icehouse-compat',
      aliases: {},
      hosts: ['nova-api', 'nova-scheduler', 'nova-conductor', 'nova-compute'],
      reason: 'test',
    },
  ],
  liveMinimum: [{ service: 'nova-compute', version: '2013.2.2', reason: 'compute RPC 3.0' }],
  finalRestart: [],
  parallelEnvironment: [],
  parallelNeutron: [],
  warnings: [],
  sources: {},
};

export function host(name: string, svcs: readonly string[], spare = false): Host {
  return { name, address: undefined, roles: [], services: svcs, group: name, spare, line: 1 };
}

export const CONTROLLER = ['nova-api', 'nova-scheduler', 'nova-conductor'];

export function ctxOf(hosts: readonly Host[], spareHosts: readonly Host[] = []): CheckContext {
  return { services, pack: PACK, hosts, spareHosts };
}

/** ctl1 (Nova controllers + neutron-server), cmp1 and cmp2 (nova-compute), one compute at a time. */
export function livePlan(): { b: PlanBuilder; ctx: CheckContext } {
  const ctx = ctxOf([
    host('ctl1', [...CONTROLLER, 'neutron-server']),
    host('cmp1', ['nova-compute']),
    host('cmp2', ['nova-compute']),
  ]);
  const b = new PlanBuilder('live-compute');
  b.add(
    'pre/@cloud/min-version',
    '@cloud',
    verify({ check: 'min-version', service: 'nova-compute', version: '2013.2.3' }),
  )
    .add('pre/@cloud/backup-db', '@cloud', backupDb('nova', 'neutron'), ['pre/@cloud/min-version'])
    .add('pre/ctl1/backup-config', 'ctl1', backupConfig(), ['pre/@cloud/min-version'])
    .add('pre/cmp1/backup-config', 'cmp1', backupConfig(), ['pre/@cloud/min-version'])
    .add('pre/cmp2/backup-config', 'cmp2', backupConfig(), ['pre/@cloud/min-version'])
    .add('nova/ctl1/stop', 'ctl1', stop(...CONTROLLER), ['pre/ctl1/backup-config', 'pre/@cloud/backup-db'])
    .add('nova/ctl1/upgrade', 'ctl1', upgrade('icehouse', ...CONTROLLER), ['nova/ctl1/stop'])
    .add('nova/ctl1/pin', 'ctl1', pin(), ['nova/ctl1/upgrade'])
    .add('nova/ctl1/db-sync', 'ctl1', dbSync('nova'), ['nova/ctl1/pin'])
    .add('nova/ctl1/start', 'ctl1', start(...CONTROLLER), ['nova/ctl1/db-sync'])
    .add('neutron/ctl1/stop', 'ctl1', stop('neutron-server'), ['nova/ctl1/start'])
    .add('neutron/ctl1/upgrade', 'ctl1', upgrade('icehouse', 'neutron-server'), ['neutron/ctl1/stop'])
    .add('neutron/ctl1/db-sync', 'ctl1', dbSync('neutron'), ['neutron/ctl1/upgrade'])
    .add('neutron/ctl1/start', 'ctl1', start('neutron-server'), ['neutron/ctl1/db-sync']);
  for (const h of ['cmp1', 'cmp2']) {
    b.add(`pin/${h}/pin`, h, pin(), [`pre/${h}/backup-config`]).add(
      `pin/${h}/restart`,
      h,
      restart('nova-compute'),
      [`pin/${h}/pin`],
    );
  }
  const prev: Record<string, string[]> = {
    cmp1: ['neutron/ctl1/start', 'pin/cmp1/restart', 'pin/cmp2/restart'],
    cmp2: ['compute/cmp1/enable'],
  };
  for (const h of ['cmp1', 'cmp2']) {
    const c = `compute/${h}`;
    b.add(`${c}/disable`, h, disable(), prev[h])
      .add(`${c}/drain`, h, drain('live-migrate'), [`${c}/disable`])
      .add(`${c}/stop`, h, stop('nova-compute'), [`${c}/drain`])
      .add(`${c}/upgrade`, h, upgrade('icehouse', 'nova-compute'), [`${c}/stop`])
      .add(`${c}/start`, h, start('nova-compute'), [`${c}/upgrade`])
      .add(`${c}/enable`, h, enable(), [`${c}/start`]);
  }
  b.add('final/ctl1/unpin', 'ctl1', unpin(), ['compute/cmp1/enable', 'compute/cmp2/enable']).add(
    'final/ctl1/restart',
    'ctl1',
    restart(...CONTROLLER),
    ['final/ctl1/unpin'],
  );
  for (const h of ['cmp1', 'cmp2']) {
    b.add(`final/${h}/unpin`, h, unpin(), ['compute/cmp2/enable']).add(
      `final/${h}/restart`,
      h,
      restart('nova-compute'),
      [`final/${h}/unpin`],
    );
  }
  return { b, ctx };
}

/** Old ctl1 + cmp1, cmp2; spare new1 runs the new Nova; computes are emptied (wait) and moved one by one. */
export function parallelPlan(): { b: PlanBuilder; ctx: CheckContext } {
  const ctx = ctxOf(
    [host('ctl1', CONTROLLER), host('cmp1', ['nova-compute']), host('cmp2', ['nova-compute'])],
    [host('new1', [...CONTROLLER, 'nova-compute'], true)],
  );
  const b = new PlanBuilder('parallel-compute');
  b.policy = { ...b.policy, drain: 'wait' };
  b.add('pre/@cloud/backup-db', '@cloud', backupDb('nova'))
    .add('pre/new1/backup-config', 'new1', backupConfig())
    .add('pre/cmp1/backup-config', 'cmp1', backupConfig())
    .add('pre/cmp2/backup-config', 'cmp2', backupConfig())
    .add('new/new1/upgrade', 'new1', upgrade('icehouse', ...CONTROLLER, 'nova-compute'), [
      'pre/new1/backup-config',
    ])
    .add('new/new1/db-sync', 'new1', dbSync('nova'), ['new/new1/upgrade', 'pre/@cloud/backup-db'])
    .add('new/new1/start-controllers', 'new1', start(...CONTROLLER), ['new/new1/db-sync'])
    .add('new/new1/start-compute', 'new1', start('nova-compute'), ['new/new1/start-controllers'])
    .add('new/@cloud/register', '@cloud', { kind: 'register-endpoint', service: 'compute', region: 'new' }, [
      'new/new1/start-compute',
    ])
    .add(
      'new/@cloud/verify',
      '@cloud',
      verify(
        { check: 'services-up', env: 'new' },
        { check: 'capacity', env: 'new', instances: 2, ram_mb: 1024 },
      ),
      ['new/@cloud/register'],
    );
  const prev: Record<string, string[]> = {
    cmp1: ['new/@cloud/verify', 'pre/cmp1/backup-config'],
    cmp2: ['old/ctl1/decommission', 'pre/cmp2/backup-config'],
  };
  const move = (h: string): void => {
    const c = `move/${h}`;
    b.add(`${c}/disable`, h, disable(), prev[h])
      .add(`${c}/drain`, h, drain('wait'), [`${c}/disable`])
      .add(`${c}/stop`, h, stop('nova-compute'), [`${c}/drain`])
      .add(`${c}/retarget`, h, { kind: 'retarget-compute', region: 'new' }, [`${c}/stop`])
      .add(`${c}/upgrade`, h, upgrade('icehouse', 'nova-compute'), [`${c}/retarget`])
      .add(`${c}/start`, h, start('nova-compute'), [`${c}/upgrade`], { env: 'new' })
      .add(`${c}/enable`, h, enable(), [`${c}/start`], { env: 'new' });
  };
  move('cmp1');
  b.add('old/ctl1/decommission', 'ctl1', { kind: 'decommission', services: CONTROLLER }, [
    'move/cmp1/enable',
  ]);
  move('cmp2');
  return { b, ctx };
}
