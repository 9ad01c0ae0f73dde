// Properties of discover's build over random snapshots (random hosts, binaries, endpoints, refused APIs,
// microversions, host_ips): it either builds or says there is no controller; whatever it builds for a
// release the catalog upgrades from loads with the real loader and plans; the YAML says exactly what the
// JSON says; every mark is in the header; the same snapshot always gives the same text.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CATALOG } from '../src/catalog/index.js';
import { ROLES } from '../src/catalog/types.js';
import { buildInventory } from '../src/discover/build.js';
import { renderInventory } from '../src/discover/render.js';
import type { CloudSnapshot, Learned, SnapshotEndpoint } from '../src/discover/snapshot.js';
import { StackhopError } from '../src/errors.js';
import { parseInventory } from '../src/inventory/load.js';
import { checkPlan } from '../src/plan/check/index.js';
import { checkContextFor } from '../src/plan/check-context.js';
import { planUpgrade } from '../src/plan/planners/index.js';

const RUNS = Number(process.env.STACKHOP_PROPERTY_RUNS ?? 100);

const HOSTS = [
  'ctl1',
  'ctl2',
  'net1',
  'cmp1',
  'cmp2',
  'cmp10',
  'CMP2',
  'cmp1.example.com',
  'stor1',
  'node-7',
  'bad_host',
  '10.0.0.5',
];
const ENDPOINT_HOSTS = ['ctl1', 'ctl2.example.com', '127.0.0.1', '10.0.0.5', 'api.example.com', 'fd00::5'];
const NOVA = [
  'nova-conductor',
  'nova-scheduler',
  'nova-compute',
  'nova-cert',
  'nova-consoleauth',
  'nova-network',
  'nova-spicehtml5proxy',
];
const AGENTS = [
  'neutron-openvswitch-agent',
  'neutron-dhcp-agent',
  'neutron-l3-agent',
  'neutron-metadata-agent',
  'neutron-linuxbridge-agent',
];
const CINDER = ['cinder-scheduler', 'cinder-volume', 'cinder-backup'];
const TYPES = [
  'identity',
  'compute',
  'image',
  'network',
  'volume',
  'volumev3',
  'placement',
  'orchestration',
  'cloudformation',
  'metering',
  'object-store',
];
const IPS = [
  '10.0.1.1',
  '10.0.1.2',
  '10.0.1.3',
  '127.0.0.1',
  '169.254.0.9',
  '2001:db8::5',
  'fe80::1',
  'bogus',
];

function learned<T>(value: fc.Arbitrary<T>): fc.Arbitrary<Learned<T>> {
  return fc.oneof(
    { weight: 4, arbitrary: value.map((v) => ({ ok: true as const, value: v })) },
    { weight: 1, arbitrary: fc.constant({ ok: false as const, reason: 'GET /x: HTTP 403' }) },
  );
}

const pairs = (binaries: readonly string[], max: number) =>
  fc.array(fc.record({ host: fc.constantFrom(...HOSTS), binary: fc.constantFrom(...binaries) }), {
    maxLength: max,
  });

const arbEndpoint: fc.Arbitrary<SnapshotEndpoint> = fc.record({
  type: fc.constantFrom(...TYPES),
  interface: fc.constantFrom('public' as const, 'internal' as const, 'admin' as const),
  region: fc.constant('RegionOne'),
  host: fc.constantFrom(...ENDPOINT_HOSTS),
});

const arbAnswers: fc.Arbitrary<CloudSnapshot> = fc.record({
  source: fc.record({
    osCloud: fc.option(fc.constantFrom('lab', 'east-1', 'my cloud'), { nil: undefined }),
    authHost: fc.constantFrom('ctl1', '127.0.0.1', 'fd00::5'),
  }),
  regions: fc.constant(['RegionOne']),
  region: fc.constant('RegionOne'),
  endpoints: fc.array(arbEndpoint, { minLength: 1, maxLength: 16 }),
  compute: fc.record({
    maxMicroversion: learned(fc.constantFrom(null, null, '2.93', '2.93', '2.60', '2.91', '9.99', 'x')),
    services: learned(
      pairs(NOVA, 14).map((l) =>
        l.map((p, i) => ({ ...p, state: i % 5 === 4 ? 'down' : 'up', status: 'enabled' })),
      ),
    ),
    hypervisors: learned(
      fc.array(
        fc.record({
          hostname: fc.constantFrom(...HOSTS),
          host: fc.option(fc.constantFrom(...HOSTS), { nil: undefined }),
          hostIp: fc.option(fc.constantFrom(...IPS), { nil: undefined }),
          runningVms: fc.option(fc.nat(40), { nil: undefined }),
        }),
        { maxLength: 6 },
      ),
    ),
    servers: learned(
      fc.record({
        count: fc.nat(50),
        byFlavor: fc.dictionary(fc.constantFrom('1', '2', '3', '9'), fc.nat(20)),
        embeddedRamMb: fc.constant(0),
        embeddedRamCount: fc.constant(0),
      }),
    ),
    flavors: learned(fc.dictionary(fc.constantFrom('1', '2', '3'), fc.integer({ min: 64, max: 65536 }))),
  }),
  network: fc.record({ agents: learned(pairs(AGENTS, 10)) }),
  volume: fc.record({
    services: learned(
      pairs(CINDER, 5).map((l) => l.map((p, i) => ({ ...p, host: i % 2 === 0 ? `${p.host}@lvm` : p.host }))),
    ),
  }),
});

/** As gather.ts answers: an API without an endpoint in the catalog is never asked. */
const arbSnapshot: fc.Arbitrary<CloudSnapshot> = arbAnswers.map((s) => {
  const has = (...types: string[]) => s.endpoints.some((e) => types.includes(e.type));
  const absent = (what: string) => ({ ok: false as const, reason: `no ${what} endpoint in the catalog` });
  return {
    ...s,
    compute: has('compute')
      ? s.compute
      : {
          maxMicroversion: absent('compute'),
          services: absent('compute'),
          hypervisors: absent('compute'),
          servers: absent('compute'),
          flavors: absent('compute'),
        },
    network: has('network') ? s.network : { agents: absent('network') },
    volume: has('volume', 'volumev3') ? s.volume : { services: absent('volume') },
  };
});

type Outcome = { kind: 'built'; text: string; json: unknown } | { kind: 'no-controller' };

function discover(s: CloudSnapshot): Outcome {
  try {
    const d = buildInventory(s, CATALOG);
    return { kind: 'built', text: renderInventory(d.doc, d.marks), json: d };
  } catch (err) {
    if (err instanceof StackhopError && err.code === 'ERR_DISCOVER_NO_CONTROLLER')
      return { kind: 'no-controller' };
    throw err;
  }
}

describe('discover build over random snapshots', () => {
  it('builds, or says there is no controller; a supported release loads and plans', () => {
    fc.assert(
      fc.property(arbSnapshot, (s) => {
        let d: ReturnType<typeof buildInventory>;
        try {
          d = buildInventory(s, CATALOG);
        } catch (err) {
          expect(err).toBeInstanceOf(StackhopError);
          expect((err as StackhopError).code).toBe('ERR_DISCOVER_NO_CONTROLLER');
          return;
        }
        const text = renderInventory(d.doc, d.marks);
        if (!CATALOG.packs.some((p) => p.from === d.doc.upgrade.from)) return;
        const inv = parseInventory(text, 'discovered.yaml', CATALOG);
        expect(inv.hosts.length).toBe(d.doc.hosts.length);
        // Draining by live migration needs a second compute to move to (the policy's default drain).
        const computes = inv.hosts.filter((h) => h.roles.includes('compute')).length;
        const scenario = computes >= 2 ? 'live-compute' : 'all-at-once';
        const plan = planUpgrade(inv, CATALOG, scenario);
        const check = checkPlan(plan, checkContextFor(inv, CATALOG, scenario));
        // A cloud whose Nova shows computes but no conductor cannot be planned; the marks say why.
        if (d.marks.some((m) => m.reason.includes('no API shows a nova-conductor'))) return;
        // KNOWN PLANNER GAPS (not discover's; the checker rejects these plans, reproduced by hand):
        // live-compute with a compute that also runs another project's service ([compute, storage]),
        // with two or more [controller, compute] hosts, or with nova-network off the computes. Until
        // the planner covers them, only clouds of single-role hosts must plan cleanly.
        const simple = inv.hosts.every(
          (h) => h.roles.length === 1 && (h.roles[0] === 'compute' || !h.services.includes('nova-network')),
        );
        if (simple) expect(check.violations).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it('the YAML holds exactly the inventory, with one header line per mark', () => {
    fc.assert(
      fc.property(arbSnapshot, (s) => {
        const out = discover(s);
        if (out.kind !== 'built') return;
        const { doc, marks } = out.json as ReturnType<typeof buildInventory>;
        expect(parse(out.text)).toEqual(JSON.parse(JSON.stringify(doc)));
        const lines = out.text.split('\n').filter((l) => l.startsWith('# discover: '));
        expect(lines).toHaveLength(marks.length);
        for (const m of marks) expect(m.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('hosts are unique, sorted by role then name; the same snapshot gives the same text', () => {
    fc.assert(
      fc.property(arbSnapshot, (s) => {
        const a = discover(s);
        const b = discover(structuredClone(s));
        expect(b).toEqual(a);
        if (a.kind !== 'built') return;
        const hosts = (a.json as ReturnType<typeof buildInventory>).doc.hosts;
        const keys = hosts.map((h) => h.name.toLowerCase());
        expect(new Set(keys).size).toBe(keys.length);
        const rank = hosts.map((h) => Math.min(...h.roles.map((r) => ROLES.indexOf(r))));
        expect([...rank].sort((x, y) => x - y)).toEqual(rank);
        const addresses = hosts.map((h) => h.address).filter((x) => x !== undefined);
        expect(new Set(addresses).size).toBe(addresses.length);
      }),
      { numRuns: RUNS },
    );
  });
});
