// Shared by the discover tests: snapshots shaped like a Havana cloud and like the Zed lab.

import type { CloudSnapshot, SnapshotEndpoint, SnapshotService } from '../src/discover/snapshot.js';

export function endpoints(host: string, types: readonly string[], region = 'RegionOne'): SnapshotEndpoint[] {
  return types.flatMap((type) =>
    (['public', 'internal', 'admin'] as const).map((i) => ({ type, interface: i, region, host })),
  );
}

const up = (binary: string, host: string): SnapshotService => ({
  binary,
  host,
  state: 'up',
  status: 'enabled',
});

/** The Zed lab: lab-ctl with the control plane, three fake-driver computes, every endpoint at 127.0.0.1. */
export function zedSnapshot(): CloudSnapshot {
  const computes = ['lab-cmp1', 'lab-cmp2', 'lab-cmp3'];
  return {
    source: { osCloud: 'lab', authHost: '127.0.0.1' },
    regions: ['RegionOne'],
    region: 'RegionOne',
    endpoints: endpoints('127.0.0.1', ['identity', 'compute', 'placement']),
    compute: {
      maxMicroversion: { ok: true, value: '2.93' },
      services: {
        ok: true,
        value: [
          up('nova-scheduler', 'lab-ctl'),
          up('nova-conductor', 'lab-ctl'),
          ...computes.map((h) => up('nova-compute', h)),
        ],
      },
      hypervisors: {
        ok: true,
        value: computes.map((h) => ({
          hostname: h,
          host: h,
          hostIp: '127.0.0.1',
          memoryMb: 8192,
          runningVms: 1,
        })),
      },
      servers: {
        ok: true,
        value: { count: 3, byFlavor: { '1': 2, '2': 1 }, embeddedRamMb: 0, embeddedRamCount: 0 },
      },
      flavors: { ok: true, value: { '1': 512, '2': 2048 } },
    },
    network: { agents: { ok: false, reason: 'no network endpoint in the catalog' } },
    volume: { services: { ok: false, reason: 'no volume endpoint in the catalog' } },
  };
}

/** A Havana cloud: ctl1, a network node, three computes with the OVS agent, one Cinder storage node. */
export function havanaSnapshot(): CloudSnapshot {
  const computes = ['cmp1', 'cmp2', 'cmp3'];
  return {
    source: { authHost: 'ctl1' },
    regions: ['RegionOne'],
    region: 'RegionOne',
    endpoints: endpoints('ctl1', [
      'identity',
      'compute',
      'image',
      'network',
      'volume',
      'volumev2',
      'orchestration',
      'cloudformation',
    ]),
    compute: {
      maxMicroversion: { ok: true, value: null },
      services: {
        ok: true,
        value: [
          up('nova-cert', 'ctl1'),
          up('nova-consoleauth', 'ctl1'),
          up('nova-scheduler', 'ctl1'),
          up('nova-conductor', 'ctl1'),
          ...computes.map((h) => up('nova-compute', h)),
        ],
      },
      hypervisors: {
        ok: true,
        value: computes.map((h, i) => ({
          hostname: `${h}.example.com`,
          host: h,
          hostIp: `10.0.1.${i + 1}`,
          memoryMb: 65536,
          runningVms: 10,
        })),
      },
      servers: {
        ok: true,
        value: { count: 30, byFlavor: { '2': 20, '3': 10 }, embeddedRamMb: 0, embeddedRamCount: 0 },
      },
      flavors: { ok: true, value: { '1': 512, '2': 2048, '3': 4096 } },
    },
    network: {
      agents: {
        ok: true,
        value: [
          { binary: 'neutron-dhcp-agent', host: 'net1' },
          { binary: 'neutron-l3-agent', host: 'net1' },
          { binary: 'neutron-metadata-agent', host: 'net1' },
          { binary: 'neutron-openvswitch-agent', host: 'net1' },
          ...computes.map((h) => ({ binary: 'neutron-openvswitch-agent', host: h })),
        ],
      },
    },
    volume: {
      services: {
        ok: true,
        value: [up('cinder-scheduler', 'ctl1'), up('cinder-volume', 'stor1@lvm')],
      },
    },
  };
}
