import { describe, expect, it } from 'vitest';
import type { Action } from '../types.js';
import { actionShape, actionSummary, canonicalJson } from './summary.js';

describe('actionSummary', () => {
  it.each<[Action, string]>([
    [
      { kind: 'stop-services', services: ['nova-api', 'nova-scheduler'] },
      'stop-services nova-api, nova-scheduler',
    ],
    [
      {
        kind: 'upgrade-packages',
        services: ['keystone'],
        packages: ['keystone', 'python-keystone'],
        release: 'icehouse',
      },
      'upgrade-packages keystone (keystone, python-keystone) → icehouse',
    ],
    [
      { kind: 'upgrade-packages', services: [], packages: [], release: 'icehouse', full: true },
      'upgrade-packages full upgrade → icehouse',
    ],
    [
      { kind: 'db-sync', project: 'nova', database: 'nova', from_head: '216', to_head: '233' },
      'db-sync nova 216 → 233',
    ],
    [{ kind: 'pre-sync', project: 'keystone', fix: 'token-flush' }, 'pre-sync keystone token-flush'],
    [
      { kind: 'set-rpc-pin', service: 'compute', level: 'icehouse-compat' },
      'set-rpc-pin [upgrade_levels] compute=icehouse-compat',
    ],
    [
      {
        kind: 'edit-config',
        project: 'nova',
        edits: [
          { id: 'rpc_backend map', file: '/etc/nova/nova.conf', format: 'ini', ops: [] },
          { id: 'authtoken-cleanup', file: '/etc/nova/api-paste.ini', format: 'ini', ops: [] },
          { id: 'neutron-auth', file: '/etc/nova/nova.conf', format: 'ini', ops: [] },
        ],
      },
      'edit-config nova: nova.conf rpc_backend map, neutron-auth; api-paste.ini authtoken-cleanup',
    ],
    [
      { kind: 'drain-compute', mode: 'live-migrate', instances: 12 },
      'drain-compute live-migrate (12 instances)',
    ],
    [
      {
        kind: 'verify',
        checks: [
          { check: 'min-version', service: 'nova-compute', version: '2013.2.2' },
          { check: 'services-up' },
        ],
      },
      'verify min-version nova-compute ≥ 2013.2.2, services-up',
    ],
    [
      {
        kind: 'verify',
        checks: [
          { check: 'capacity', env: 'new', instances: 40, ram_mb: 4096 },
          { check: 'smoke-boot', env: 'new' },
        ],
      },
      'verify capacity [new] ≥ 40 instances, 4 GB RAM, smoke-boot [new]',
    ],
    [{ kind: 'gate', prompt: 'Canary looks good?' }, 'gate "Canary looks good?"'],
    [
      {
        kind: 'switch-repository',
        release: 'icehouse',
        remove: ['cloud-archive:havana'],
        add: ['cloud-archive:icehouse'],
      },
      'switch-repository → icehouse (−cloud-archive:havana, +cloud-archive:icehouse)',
    ],
    [
      { kind: 'register-endpoint', service: 'compute', region: 'RegionNew' },
      'register-endpoint compute in region RegionNew',
    ],
    [{ kind: 'retarget-compute', region: 'RegionNew' }, 'retarget-compute → region RegionNew'],
    [{ kind: 'enable-compute' }, 'enable-compute'],
  ])('%j', (action, text) => {
    expect(actionSummary(action)).toBe(text);
  });

  it('shortens long lists', () => {
    const services = Array.from({ length: 11 }, (_, i) => `svc${i}`);
    expect(actionSummary({ kind: 'restart-services', services })).toBe(
      'restart-services svc0, svc1, svc2, svc3, svc4, svc5, svc6, svc7 +3 more',
    );
  });
});

describe('actionShape', () => {
  it('ignores key order and per-host instance counts', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(actionShape({ kind: 'drain-compute', mode: 'wait', instances: 3 })).toBe(
      actionShape({ instances: 9, mode: 'wait', kind: 'drain-compute' }),
    );
    expect(actionShape({ kind: 'drain-compute', mode: 'wait', instances: 3 })).not.toBe(
      actionShape({ kind: 'drain-compute', mode: 'live-migrate', instances: 3 }),
    );
  });
});
