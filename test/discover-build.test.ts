// discover's pure half: snapshot + catalog → inventory + marks. Every produced inventory goes through the
// real loader (and the real planner and checker), so the discovered YAML is proved usable, not just
// well-formed.

import { describe, expect, it } from 'vitest';
import { CATALOG } from '../src/catalog/index.js';
import type { ScenarioId } from '../src/catalog/types.js';
import { buildInventory, type Discovery } from '../src/discover/build.js';
import { releasesForMicroversion } from '../src/discover/releases.js';
import { renderInventory } from '../src/discover/render.js';
import { parseInventory } from '../src/inventory/load.js';
import type { Inventory } from '../src/inventory/types.js';
import { checkPlan } from '../src/plan/check/index.js';
import { checkContextFor } from '../src/plan/check-context.js';
import { planUpgrade } from '../src/plan/planners/index.js';
import { endpoints, havanaSnapshot, zedSnapshot } from './discover-support.js';

function load(d: Discovery): Inventory {
  return parseInventory(renderInventory(d.doc, d.marks), 'discovered.yaml', CATALOG);
}

function expectPlans(inv: Inventory, scenario: ScenarioId): void {
  const plan = planUpgrade(inv, CATALOG, scenario);
  const check = checkPlan(plan, checkContextFor(inv, CATALOG, scenario));
  expect(check.violations).toEqual([]);
  expect(check.ok).toBe(true);
}

const fields = (d: Discovery) => d.marks.map((m) => `${m.kind} ${m.field}`);
const reasons = (d: Discovery) => d.marks.map((m) => m.reason).join('\n');

describe('a Zed cloud (the lab: lab-ctl, three fake computes, endpoints at 127.0.0.1)', () => {
  const d = buildInventory(zedSnapshot(), CATALOG);

  it('reads the release from the microversion and the target from the catalog pack', () => {
    expect(d.doc.upgrade).toEqual({ from: 'zed', to: 'zed' });
    expect(fields(d)).not.toContain('guessed upgrade.from');
    expect(d.doc.cloud).toBe('lab');
    expect(d.doc.openstack).toEqual({ cloud: 'lab' });
  });

  it('finds the controller and the computes, with what runs on each', () => {
    expect(d.doc.hosts.map((h) => [h.name, h.roles])).toEqual([
      ['lab-ctl', ['controller']],
      ['lab-cmp1', ['compute']],
      ['lab-cmp2', ['compute']],
      ['lab-cmp3', ['compute']],
    ]);
    const ctl = d.doc.hosts[0];
    expect(ctl?.services).toEqual(
      expect.arrayContaining(['keystone', 'placement-api', 'nova-api', 'nova-conductor', 'nova-scheduler']),
    );
    // Seen nowhere: not listed (no neutron, no cinder, no horizon in this cloud's answers).
    expect(ctl?.services).not.toContain('neutron-server');
    expect(ctl?.services).not.toContain('cinder-api');
    for (const h of d.doc.hosts.slice(1)) expect(h.services).toEqual(['nova-compute']);
  });

  it('writes no address where host_ip is loopback, and says so', () => {
    for (const h of d.doc.hosts) expect(h.address).toBeUndefined();
    expect(reasons(d)).toContain('no address for lab-ctl (not a hypervisor) — the name is resolved');
    expect(reasons(d)).toContain('host_ip 127.0.0.1 is a loopback address');
  });

  it('places the endpoint services on the controller and marks it', () => {
    expect(reasons(d)).toMatch(/keystone, nova-api, placement-api: their endpoints \(127\.0\.0\.1\)/);
  });

  it('guesses the distro and says it', () => {
    expect(d.doc.distro).toBe('debian-12');
    expect(d.marks).toContainEqual(
      expect.objectContaining({
        field: 'distro',
        kind: 'guessed',
        reason: expect.stringContaining('debian-12'),
      }),
    );
  });

  it('learns the instance count and average RAM', () => {
    expect(d.doc.facts).toEqual({ instances: 3, instance_ram_mb: 1024 });
  });

  it('loads with the real loader and plans live-compute', () => {
    const inv = load(d);
    expect(inv.hosts.map((h) => h.name)).toEqual(['lab-ctl', 'lab-cmp1', 'lab-cmp2', 'lab-cmp3']);
    expect(inv.openstack.cloud).toBe('lab');
    expectPlans(inv, 'live-compute');
  });

  it('carries every mark as a `# discover:` line, and a comment beside guessed fields', () => {
    const text = renderInventory(d.doc, d.marks);
    expect(text.split('\n').filter((l) => l.startsWith('# discover: '))).toHaveLength(d.marks.length);
    expect(text).toMatch(/^distro: debian-12 # GUESSED/m);
  });
});

describe('a Havana cloud (controller, network node, three computes with OVS, Cinder storage)', () => {
  const d = buildInventory(havanaSnapshot(), CATALOG);

  it('takes havana for a Nova without microversions, and says icehouse fits too', () => {
    expect(d.doc.upgrade).toEqual({ from: 'havana', to: 'icehouse' });
    const m = d.marks.find((x) => x.field === 'upgrade.from');
    expect(m?.kind).toBe('guessed');
    expect(m?.reason).toContain('havana, icehouse');
  });

  it('derives roles from what runs where, addresses from the hypervisors', () => {
    expect(d.doc.hosts).toEqual([
      expect.objectContaining({ name: 'ctl1', roles: ['controller'] }),
      { name: 'net1', roles: ['network'] },
      { name: 'cmp1', address: '10.0.1.1', roles: ['compute'] },
      { name: 'cmp2', address: '10.0.1.2', roles: ['compute'] },
      { name: 'cmp3', address: '10.0.1.3', roles: ['compute'] },
      { name: 'stor1', roles: ['storage'] },
    ]);
  });

  it('lists what the controller runs and marks what no API can show', () => {
    const ctl = d.doc.hosts[0];
    expect(ctl?.services).toEqual(
      expect.arrayContaining([
        'keystone',
        'nova-api',
        'nova-conductor',
        'neutron-server',
        'cinder-scheduler',
      ]),
    );
    expect(ctl?.services).not.toContain('horizon');
    expect(reasons(d)).toMatch(
      /not listed: glance-registry \(ctl1\), heat-engine \(ctl1\), horizon \(ctl1\)/,
    );
  });

  it('guesses the OVS plug-in for Havana with the openvswitch agent, and marks it', () => {
    expect(d.doc.networking).toBe('neutron-ovs');
    expect(fields(d)).toContain('guessed networking');
  });

  it('averages instance RAM over the flavors', () => {
    expect(d.doc.facts).toEqual({ instances: 30, instance_ram_mb: Math.round((20 * 2048 + 10 * 4096) / 30) });
  });

  it('loads with the real loader and plans every scenario', () => {
    const inv = load(d);
    expect(inv.hosts.find((h) => h.name === 'stor1')?.services).toEqual(['cinder-volume']);
    expect(inv.database.host).toBe('ctl1');
    for (const scenario of ['all-at-once', 'service-by-service', 'live-compute'] as const)
      expectPlans(inv, scenario);
  });
});

describe('gaps and odd answers', () => {
  it('os-services refused: hosts come from the hypervisors and the endpoints, and the gap is marked', () => {
    const s = havanaSnapshot();
    s.compute.services = { ok: false, reason: 'GET /v2/t/os-services: HTTP 403' };
    const d = buildInventory(s, CATALOG);
    expect(d.marks).toContainEqual({
      field: 'nova os-services',
      kind: 'unknown',
      reason: 'GET /v2/t/os-services: HTTP 403',
    });
    expect(d.doc.hosts.filter((h) => h.roles.includes('compute')).map((h) => h.name)).toEqual([
      'cmp1',
      'cmp2',
      'cmp3',
    ]);
    // ctl1 is still a controller: the endpoints name it.
    expect(d.doc.hosts[0]).toMatchObject({ name: 'ctl1', roles: ['controller'] });
    load(d);
  });

  it('no host reports controller services and endpoints are addresses: the identity host is taken', () => {
    const s = zedSnapshot();
    s.compute.services = { ok: false, reason: 'GET /v2.1/os-services: HTTP 403' };
    const d = buildInventory(s, CATALOG);
    expect(d.doc.hosts[0]).toMatchObject({ name: '127.0.0.1', roles: ['controller'] });
    expect(reasons(d)).toContain("took the identity endpoint's host 127.0.0.1 as the controller");
    load(d);
  });

  it('FQDNs from one API and short names from another are one host', () => {
    const s = havanaSnapshot();
    if (s.network.agents.ok)
      s.network.agents = {
        ok: true,
        value: s.network.agents.value.map((a) =>
          a.host === 'cmp1' ? { ...a, host: 'cmp1.example.com' } : a,
        ),
      };
    const d = buildInventory(s, CATALOG);
    expect(d.doc.hosts.filter((h) => h.name.startsWith('cmp1'))).toEqual([
      { name: 'cmp1', address: '10.0.1.1', roles: ['compute'] },
    ]);
    expect(reasons(d)).toContain('cmp1.example.com and cmp1 are both reported');
  });

  it('the folded host keeps the name Nova knows it by (the real driver looks computes up by it)', () => {
    const s = havanaSnapshot();
    const rename = <T extends { host: string }>(x: T): T =>
      x.host === 'cmp1' ? { ...x, host: 'cmp1.example.com' } : x;
    if (s.compute.services.ok) s.compute.services = { ok: true, value: s.compute.services.value.map(rename) };
    if (s.compute.hypervisors.ok)
      s.compute.hypervisors = {
        ok: true,
        value: s.compute.hypervisors.value.map((h) =>
          h.host === 'cmp1' ? { ...h, host: 'cmp1.example.com', hostname: 'cmp1.example.com' } : h,
        ),
      };
    const d = buildInventory(s, CATALOG);
    expect(d.doc.hosts.map((h) => h.name)).toContain('cmp1.example.com');
    expect(d.doc.hosts.map((h) => h.name)).not.toContain('cmp1');
    expect(reasons(d)).toContain(
      'cmp1 and cmp1.example.com are both reported; taken as one host, cmp1.example.com',
    );
  });

  it('a shared host_ip is nobody’s address', () => {
    const s = havanaSnapshot();
    if (s.compute.hypervisors.ok)
      s.compute.hypervisors = {
        ok: true,
        value: s.compute.hypervisors.value.map((h) => ({ ...h, hostIp: '10.0.1.9' })),
      };
    const d = buildInventory(s, CATALOG);
    expect(d.doc.hosts.every((h) => h.address === undefined)).toBe(true);
    expect(reasons(d)).toContain('host_ip 10.0.1.9 is shared by several hosts');
    load(d);
  });

  it('host names the loader would refuse are skipped with a mark; unknown binaries are marked', () => {
    const s = havanaSnapshot();
    if (s.compute.services.ok)
      s.compute.services = {
        ok: true,
        value: [
          ...s.compute.services.value,
          { binary: 'nova-compute', host: 'bad_host' },
          { binary: 'nova-spicehtml5proxy', host: 'ctl1' },
        ],
      };
    const d = buildInventory(s, CATALOG);
    expect(d.doc.hosts.map((h) => h.name)).not.toContain('bad_host');
    expect(d.marks).toContainEqual(expect.objectContaining({ kind: 'skipped', field: 'hosts."bad_host"' }));
    expect(reasons(d)).toContain('binaries stackhop does not model, left out: nova-spicehtml5proxy (ctl1)');
    load(d);
  });

  it('a nova-network cloud (no network endpoint, nova-network on every compute)', () => {
    const s = havanaSnapshot();
    s.endpoints = s.endpoints.filter((e) => e.type !== 'network');
    s.network = { agents: { ok: false, reason: 'no network endpoint in the catalog' } };
    if (s.compute.services.ok)
      s.compute.services = {
        ok: true,
        value: [
          ...s.compute.services.value,
          ...['cmp1', 'cmp2', 'cmp3'].map((host) => ({ binary: 'nova-network', host })),
        ],
      };
    const d = buildInventory(s, CATALOG);
    expect(d.doc.networking).toBe('nova-network');
    expect(d.doc.hosts.find((h) => h.name === 'cmp1')).toEqual({
      name: 'cmp1',
      address: '10.0.1.1',
      roles: ['compute'],
    });
    expect(d.doc.hosts.map((h) => h.name)).not.toContain('net1');
    expectPlans(load(d), 'live-compute');
  });

  it('a release the catalog does not know: from = to, marked; services listed as seen', () => {
    const s = zedSnapshot();
    s.compute.maxMicroversion = { ok: true, value: '2.79' };
    const d = buildInventory(s, CATALOG);
    expect(d.doc.upgrade).toEqual({ from: 'train', to: 'train' });
    expect(fields(d)).toEqual(expect.arrayContaining(['unknown upgrade.from', 'unknown upgrade.to']));
    expect(d.doc.hosts.every((h) => h.services !== undefined)).toBe(true);
  });

  it('several regions and none asked for: the region read is written and marked', () => {
    const s = zedSnapshot();
    s.regions = ['RegionOne', 'RegionTwo'];
    s.endpoints = [...s.endpoints, ...endpoints('10.9.9.9', ['identity'], 'RegionTwo')].filter(
      (e) => e.region === 'RegionOne',
    );
    const d = buildInventory(s, CATALOG);
    expect(d.doc.openstack).toEqual({ cloud: 'lab', region: 'RegionOne' });
    expect(fields(d)).toContain('guessed openstack.region');
    expect(load(d).openstack.region).toBe('RegionOne');
  });

  it('servers refused: the count comes from running_vms, the RAM is unknown', () => {
    const s = zedSnapshot();
    s.compute.servers = { ok: false, reason: 'GET /v2.1/servers/detail: HTTP 403' };
    const d = buildInventory(s, CATALOG);
    expect(d.doc.facts).toEqual({ instances: 3 });
    expect(fields(d)).toEqual(
      expect.arrayContaining(['guessed facts.instances', 'unknown facts.instance_ram_mb']),
    );
  });

  it('a cloud name that is not valid as `cloud:` is made valid', () => {
    const s = zedSnapshot();
    s.source = { osCloud: 'my lab', authHost: '127.0.0.1' };
    const d = buildInventory(s, CATALOG);
    expect(d.doc.cloud).toBe('my-lab');
    expect(d.doc.openstack).toEqual({ cloud: 'my lab' });
    load(d);
  });
});

describe('the microversion → release table', () => {
  it.each([
    [null, ['havana', 'icehouse', 'juno'], true],
    ['2.93', ['zed'], true],
    ['2.90', ['xena', 'yoga'], true],
    ['2.95', ['2023.1', '2023.2'], true],
    ['2.91', ['zed'], false],
    ['2.200', ['2024.1'], false],
  ] as const)('%s → %j', (max, releases, exact) => {
    const m = releasesForMicroversion(max);
    expect(m?.candidates.map((c) => c.release)).toEqual(releases);
    expect(m?.exact).toBe(exact);
  });

  it.each([
    ['zed', zedSnapshot],
    ['havana', havanaSnapshot],
  ] as const)('an unreadable version document: the endpoints decide (%s)', (release, snapshot) => {
    const s = snapshot();
    s.compute.maxMicroversion = { ok: false, reason: 'GET /: HTTP 404' };
    const d = buildInventory(s, CATALOG);
    expect(d.doc.upgrade.from).toBe(release);
    expect(d.marks).toContainEqual(
      expect.objectContaining({
        field: 'upgrade.from',
        kind: 'guessed',
        reason: expect.stringContaining('GET /: HTTP 404'),
      }),
    );
    load(d);
  });

  it('a development build of Zed (2.91) is taken as zed, marked', () => {
    const s = zedSnapshot();
    s.compute.maxMicroversion = { ok: true, value: '2.91' };
    const d = buildInventory(s, CATALOG);
    expect(d.doc.upgrade.from).toBe('zed');
    expect(fields(d)).toContain('guessed upgrade.from');
  });
});
