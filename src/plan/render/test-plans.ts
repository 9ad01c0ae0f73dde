// Hand-built plans for the renderers' tests: shaped like a live-compute plan (pre-flight, controllers,
// computes in canary-ramped batches, final unpin) without depending on the planners.

import type { Action, Plan, Step } from '../types.js';
import { CLOUD, PLAN_FORMAT } from '../types.js';

export interface TestPlanOptions {
  computes?: number;
  /** Batch sizes; the last one repeats (Ansible's `serial`). */
  ramp?: readonly number[];
  /** Digits of the compute numbers (`cmp001` is 3). */
  pad?: number;
  controllers?: number;
}

/** Batch sizes for `total` hosts under a ramp whose last entry repeats. */
export function batchSizes(total: number, ramp: readonly number[]): number[] {
  const sizes: number[] = [];
  let left = total;
  let i = 0;
  while (left > 0) {
    const size = Math.min(left, ramp[Math.min(i, ramp.length - 1)] ?? 1);
    sizes.push(size);
    left -= size;
    i += 1;
  }
  return sizes;
}

export function testPlan(opts: TestPlanOptions = {}): Plan {
  const computes = opts.computes ?? 120;
  const ramp = opts.ramp ?? [1, 5, 10];
  const pad = opts.pad ?? 3;
  const controllers = Array.from({ length: opts.controllers ?? 3 }, (_, i) => `ctl${i + 1}`);
  const steps: Step[] = [];
  const add = (
    phase: string,
    host: string,
    name: string,
    action: Action,
    after: readonly string[],
    estimate_s: number,
    extra: Partial<Step> = {},
  ): string => {
    const id = `${phase}/${host}/${name}`;
    steps.push({ id, phase, host, action, after, estimate_s, opens: [], closes: [], ...extra });
    return id;
  };

  // 1. Pre-flight.
  const verify = add(
    'preflight',
    CLOUD,
    'verify',
    {
      kind: 'verify',
      checks: [
        { check: 'min-version', service: 'nova-compute', version: '2013.2.2' },
        { check: 'services-up' },
      ],
    },
    [],
    30,
  );
  const backup = add(
    'preflight',
    'ctl1',
    'backup-db',
    { kind: 'backup-database', databases: ['nova', 'keystone'] },
    [verify],
    300,
  );
  const gate = add(
    'preflight',
    CLOUD,
    'gate',
    { kind: 'gate', prompt: 'Start the "real" upgrade [y/N]?' },
    [backup],
    0,
  );

  // 2. Controllers: stop, upgrade, pin, sync on the first, start.
  const started: string[] = [];
  const stopped = controllers.map((h) =>
    add(
      'controllers',
      h,
      'stop',
      { kind: 'stop-services', services: ['nova-api', 'nova-scheduler'] },
      [gate],
      10,
      {
        opens: ['compute-api'],
      },
    ),
  );
  const upgraded = controllers.map((h, i) =>
    add(
      'controllers',
      h,
      'upgrade',
      {
        kind: 'upgrade-packages',
        services: ['nova-api', 'nova-scheduler'],
        packages: ['nova-api', 'nova-scheduler'],
        release: 'icehouse',
      },
      [stopped[i]!],
      120,
    ),
  );
  const utf8 = add(
    'controllers',
    'ctl1',
    'utf8',
    { kind: 'pre-sync', project: 'nova', fix: 'utf8-conversion', tables: ['instances', 'migrations'] },
    stopped,
    200,
    { irreversible: true },
  );
  const sync = add(
    'controllers',
    'ctl1',
    'db-sync',
    { kind: 'db-sync', project: 'nova', database: 'nova', from_head: '216', to_head: '233' },
    [utf8, ...upgraded],
    400,
    { irreversible: true },
  );
  controllers.forEach((h, i) => {
    const pin = add(
      'controllers',
      h,
      'pin',
      { kind: 'set-rpc-pin', service: 'compute', level: 'icehouse-compat' },
      [upgraded[i]!],
      5,
    );
    started.push(
      add(
        'controllers',
        h,
        'start',
        { kind: 'start-services', services: ['nova-api', 'nova-scheduler'] },
        [pin, sync],
        10,
        {
          closes: ['compute-api'],
        },
      ),
    );
  });

  // 3. Computes, one batch after the other.
  let previous: readonly string[] = started;
  let n = 1;
  batchSizes(computes, ramp).forEach((size, b) => {
    const batch = b + 1;
    const done: string[] = [];
    for (let k = 0; k < size; k += 1, n += 1) {
      const h = `cmp${String(n).padStart(pad, '0')}`;
      const phase = 'computes';
      const x = { batch };
      const off = add(
        phase,
        h,
        'disable',
        { kind: 'disable-compute', reason: 'stackhop upgrade' },
        previous,
        2,
        x,
      );
      const drain = add(
        phase,
        h,
        'drain',
        { kind: 'drain-compute', mode: 'live-migrate', instances: n % 7 },
        [off],
        300,
        x,
      );
      const stop = add(phase, h, 'stop', { kind: 'stop-services', services: ['nova-compute'] }, [drain], 20, {
        ...x,
        opens: [`compute-control:${h}`],
      });
      const up = add(
        phase,
        h,
        'upgrade',
        {
          kind: 'upgrade-packages',
          services: ['nova-compute'],
          packages: ['nova-compute'],
          release: 'icehouse',
        },
        [stop],
        90,
        x,
      );
      const start = add(phase, h, 'start', { kind: 'start-services', services: ['nova-compute'] }, [up], 20, {
        ...x,
        closes: [`compute-control:${h}`],
      });
      done.push(add(phase, h, 'enable', { kind: 'enable-compute' }, [start], 2, x));
    }
    previous = done;
  });

  // 4. Unpin and restart.
  for (const h of controllers) {
    const clear = add(
      'final',
      h,
      'unpin',
      { kind: 'clear-rpc-pin', service: 'compute', level: 'icehouse-compat' },
      previous,
      5,
    );
    add(
      'final',
      h,
      'restart',
      { kind: 'restart-services', services: ['nova-api', 'nova-scheduler'] },
      [clear],
      15,
    );
  }

  return {
    format: PLAN_FORMAT,
    cloud: 'east-1',
    scenario: 'live-compute',
    from: 'havana',
    to: 'icehouse',
    distro: 'ubuntu-12.04-uca',
    networking: 'neutron-ovs',
    policy: {
      max_parallel_computes: 10,
      canary: [...ramp],
      max_failed_hosts: 2,
      drain: 'live-migrate',
      gates: ['before-changes'],
    },
    phases: [
      { id: 'preflight', title: 'Pre-flight checks and backups' },
      { id: 'controllers', title: 'Nova controller services' },
      { id: 'computes', title: 'Compute hosts, batch by batch' },
      { id: 'final', title: 'Unpin and restart' },
    ],
    steps,
    warnings: [
      {
        id: 'utf8-irreversible',
        text: 'The UTF-8 conversion cannot be undone short of restoring the DB backup.',
        steps: ['controllers/ctl1/utf8'],
      },
      {
        id: 'live-compute-new',
        text: 'Live compute upgrade is the newest, least tested path.',
        steps: steps.filter((s) => s.id.endsWith('/stop') && s.phase === 'computes').map((s) => s.id),
      },
    ],
    estimate: {
      duration_s: 36_000,
      outages: { 'network-api': 0, 'compute-api': 660, 'identity-api': 30, dashboard: 5 },
      compute_control: { hosts: computes, host_seconds: computes * 130, longest_s: 130 },
      migrations: { live: 300, cold: 0, gb_moved: 1200 },
    },
  };
}
