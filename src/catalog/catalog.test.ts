import { describe, expect, it } from 'vitest';
import { InternalError } from '../errors.js';
import {
  CATALOG,
  familyOf,
  findPack,
  forFamily,
  knownServiceNames,
  orderServices,
  packagesOf,
  projectOfService,
  releaseOf,
  serviceDef,
  servicesForRoles,
  unitsOf,
} from './index.js';
import {
  type ConfigValue,
  DISTROS,
  type DistroFamily,
  NETWORKING_MODES,
  type PerFamily,
  type ProjectName,
  ROLES,
  SCENARIOS,
} from './types.js';

const FAMILIES: readonly DistroFamily[] = ['ubuntu', 'rhel'];
const pack = findPack(CATALOG, 'havana', 'icehouse')!;
const havana = releaseOf(CATALOG, 'havana');
const icehouse = releaseOf(CATALOG, 'icehouse');
const releases = [havana, icehouse];

const hasFamily = <T>(v: PerFamily<T>, fam: DistroFamily) => forFamily(v, fam) !== undefined;

describe('release definitions', () => {
  it('defines exactly the logical services of DESIGN §3', () => {
    expect(new Set(knownServiceNames(icehouse))).toEqual(
      new Set([
        'keystone',
        'glance-api',
        'glance-registry',
        'nova-api',
        'nova-scheduler',
        'nova-conductor',
        'nova-cert',
        'nova-consoleauth',
        'nova-novncproxy',
        'nova-compute',
        'nova-network',
        'neutron-server',
        'neutron-dhcp-agent',
        'neutron-l3-agent',
        'neutron-metadata-agent',
        'neutron-openvswitch-agent',
        'cinder-api',
        'cinder-scheduler',
        'cinder-volume',
        'horizon',
        'heat-api',
        'heat-api-cfn',
        'heat-engine',
        'ceilometer-api',
        'ceilometer-collector',
        'ceilometer-agent-central',
        'ceilometer-agent-notification',
        'ceilometer-agent-compute',
        'ceilometer-alarm-evaluator',
        'ceilometer-alarm-notifier',
      ]),
    );
    expect(knownServiceNames(icehouse)).toHaveLength(30);
  });

  it.each(releases.map((r) => [r.name, r] as const))(
    '%s: every service has packages and units for both families',
    (_, r) => {
      for (const s of r.services) {
        for (const fam of FAMILIES) {
          expect(forFamily(s.packages, fam)?.length, `${s.name} packages on ${fam}`).toBeGreaterThan(0);
          expect(forFamily(s.units, fam)?.length, `${s.name} units on ${fam}`).toBeGreaterThan(0);
        }
      }
    },
  );

  it('uses the distro unit names of facts §1.4', () => {
    expect(unitsOf(icehouse, ['nova-api', 'neutron-openvswitch-agent', 'horizon'], 'ubuntu')).toEqual([
      'nova-api',
      'neutron-plugin-openvswitch-agent',
      'apache2',
    ]);
    expect(unitsOf(icehouse, ['nova-api', 'neutron-openvswitch-agent', 'horizon'], 'rhel')).toEqual([
      'openstack-nova-api',
      'neutron-openvswitch-agent',
      'httpd',
    ]);
    expect(packagesOf(icehouse, ['glance-api', 'glance-registry'], 'rhel')).toEqual([
      'openstack-glance',
      'python-glance',
    ]);
  });

  it('marks DB access, APIs and compute-side services', () => {
    const db = icehouse.services.filter((s) => s.dbAccess).map((s) => s.name);
    expect(db).not.toContain('nova-compute');
    expect(db).not.toContain('nova-network');
    expect(db).not.toContain('neutron-openvswitch-agent');
    expect(db).toContain('nova-conductor');
    expect(db).toContain('neutron-server');
    expect(icehouse.services.filter((s) => s.computeSide).map((s) => s.name)).toEqual([
      'nova-compute',
      'nova-network',
    ]);
    const apis = Object.fromEntries(icehouse.services.filter((s) => s.api).map((s) => [s.name, s.api]));
    expect(apis).toEqual({
      keystone: 'identity-api',
      'glance-api': 'image-api',
      'nova-api': 'compute-api',
      'neutron-server': 'network-api',
      'cinder-api': 'volume-api',
      'heat-api': 'orchestration-api',
      'ceilometer-api': 'telemetry-api',
      horizon: 'dashboard',
    });
  });

  it.each(releases.map((r) => [r.name, r] as const))(
    '%s: every role is defined and names known services',
    (_, r) => {
      expect(new Set(r.roles.map((x) => x.role))).toEqual(new Set(ROLES));
      const known = new Set(knownServiceNames(r));
      for (const role of r.roles) {
        for (const list of Object.values(role.services)) {
          for (const s of list) expect(known.has(s), `${role.role}: ${s}`).toBe(true);
        }
      }
    },
  );

  it.each(releases.map((r) => [r.name, r] as const))(
    '%s: every project has a config dir and databases are named',
    (_, r) => {
      for (const s of r.services) {
        const dirs = r.configDirs[s.project];
        expect(dirs, s.project).toBeDefined();
        for (const fam of FAMILIES) expect(hasFamily(dirs!, fam)).toBe(true);
      }
      expect(Object.keys(r.databases).sort()).toEqual(
        ['ceilometer', 'cinder', 'glance', 'heat', 'keystone', 'neutron', 'nova'].sort(),
      );
    },
  );
});

describe('lookups', () => {
  it('servicesForRoles: neutron modes', () => {
    for (const mode of ['neutron-ovs', 'neutron-ml2'] as const) {
      expect(servicesForRoles(icehouse, ['compute'], mode)).toEqual([
        'nova-compute',
        'neutron-openvswitch-agent',
      ]);
      expect(servicesForRoles(icehouse, ['network'], mode)).toEqual([
        'neutron-dhcp-agent',
        'neutron-l3-agent',
        'neutron-metadata-agent',
        'neutron-openvswitch-agent',
      ]);
      expect(servicesForRoles(icehouse, ['controller'], mode)).toContain('neutron-server');
    }
  });

  it('servicesForRoles: nova-network mode', () => {
    expect(servicesForRoles(icehouse, ['compute'], 'nova-network')).toEqual(['nova-compute', 'nova-network']);
    expect(servicesForRoles(icehouse, ['network'], 'nova-network')).toEqual(['nova-network']);
    const ctl = servicesForRoles(icehouse, ['controller'], 'nova-network');
    expect(ctl.some((s) => s.startsWith('neutron'))).toBe(false);
    expect(ctl).toEqual([
      'keystone',
      'glance-api',
      'glance-registry',
      'nova-api',
      'nova-scheduler',
      'nova-conductor',
      'nova-cert',
      'nova-consoleauth',
      'nova-novncproxy',
      'cinder-api',
      'cinder-scheduler',
      'horizon',
      'heat-api',
      'heat-api-cfn',
      'heat-engine',
    ]);
  });

  it('servicesForRoles dedupes, keeps release order and implies no ceilometer', () => {
    const all = servicesForRoles(
      icehouse,
      ['compute', 'controller', 'network', 'dashboard', 'storage'],
      'neutron-ovs',
    );
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(orderServices(icehouse, all));
    expect(all.indexOf('keystone')).toBe(0);
    expect(all.some((s) => s.startsWith('ceilometer'))).toBe(false);
    expect(servicesForRoles(icehouse, ['database', 'messaging'], 'neutron-ml2')).toEqual([]);
  });

  it('forFamily prefers the family entry and falls back to default', () => {
    expect(forFamily({ ubuntu: 'a', default: 'b' }, 'ubuntu')).toBe('a');
    expect(forFamily({ ubuntu: 'a', default: 'b' }, 'rhel')).toBe('b');
    expect(forFamily({ ubuntu: 'a' }, 'rhel')).toBeUndefined();
  });

  it('familyOf, projectOfService, findPack, and errors for unknown names', () => {
    expect(familyOf('centos-6-rdo')).toBe('rhel');
    expect(familyOf('ubuntu-14.04')).toBe('ubuntu');
    expect(projectOfService(icehouse, 'heat-api-cfn')).toBe('heat');
    expect(findPack(CATALOG, 'icehouse', 'juno')).toBeUndefined();
    expect(() => serviceDef(icehouse, 'swift-proxy')).toThrow(InternalError);
    expect(() => releaseOf(CATALOG, 'juno')).toThrow(InternalError);
    expect(() => orderServices(icehouse, ['nova-api', 'nope'])).toThrow(InternalError);
  });
});

describe('distros', () => {
  it('every distro ships both releases of some pack, and every pack has a distro', () => {
    const needed = new Set(CATALOG.packs.flatMap((p) => [p.from, p.to]));
    expect(needed).toEqual(new Set(['havana', 'icehouse', 'zed']));
    const ships = (id: (typeof DISTROS)[number], p: { from: string; to: string }) =>
      CATALOG.distros[id].repositories[p.from] !== undefined &&
      CATALOG.distros[id].repositories[p.to] !== undefined;
    for (const id of DISTROS) {
      const d = CATALOG.distros[id];
      expect(d.id).toBe(id);
      expect(
        CATALOG.packs.some((p) => ships(id, p)),
        id,
      ).toBe(true);
      expect(d.newConfigSuffix).toBe(d.family === 'rhel' ? '.rpmnew' : '.dpkg-dist');
      expect(d.packageManager).toBe(d.family === 'rhel' ? 'yum' : 'apt');
    }
    for (const p of CATALOG.packs)
      expect(
        DISTROS.some((id) => ships(id, p)),
        `${p.from} → ${p.to}`,
      ).toBe(true);
    // The 2013 distros ship Havana and Icehouse, Debian 12 only Zed.
    for (const id of DISTROS.filter((d) => d !== 'debian-12'))
      expect(ships(id, CATALOG.packs[0]!)).toBe(true);
    expect(Object.keys(CATALOG.distros['debian-12'].repositories)).toEqual(['zed']);
  });

  it('switches the Cloud Archive and RDO release packages as OPS does', () => {
    expect(CATALOG.distros['ubuntu-12.04-uca'].repositories.icehouse).toMatchObject({
      remove: ['cloud-archive:havana'],
      add: ['cloud-archive:icehouse'],
      refresh: 'apt-get update',
    });
    for (const id of ['rhel-6-rdo', 'centos-6-rdo'] as const) {
      expect(CATALOG.distros[id].repositories.icehouse).toMatchObject({
        remove: ['rdo-release-havana'],
        add: [
          'https://repos.fedorapeople.org/repos/openstack/openstack-icehouse/rdo-release-icehouse-3.noarch.rpm',
        ],
      });
    }
  });
});

describe('the havana→icehouse pack', () => {
  const known = new Set(knownServiceNames(icehouse));
  const dbProjects = new Set(Object.keys(icehouse.databases));
  const sourceIds = Object.keys(pack.sources);
  const citesSource = (text: string) =>
    sourceIds.some((id) => text.includes(id)) || /assum|inference/i.test(text);

  it('order covers every project with a DB sync (and horizon), once each', () => {
    const order = pack.order.map((o) => o.project);
    expect(new Set(order).size).toBe(order.length);
    for (const s of pack.dbSync) expect(order).toContain(s.project);
    expect(order).toContain('horizon');
    expect(order).toEqual([
      'keystone',
      'glance',
      'cinder',
      'heat',
      'ceilometer',
      'horizon',
      'nova',
      'neutron',
    ]);
    expect(pack.neutronAfterNovaControllers).toBe(true);
    expect(pack.mixedVersion).toEqual(['nova']);
  });

  it('every pre-sync and DB sync names a project with a database', () => {
    for (const p of pack.preSync) expect(dbProjects.has(p.project), p.project).toBe(true);
    for (const s of pack.dbSync) expect(dbProjects.has(s.project), s.project).toBe(true);
    expect(new Set(pack.dbSync.map((s) => s.project)).size).toBe(pack.dbSync.length);
  });

  it('schema heads of the releases match the pack', () => {
    for (const s of pack.dbSync) {
      const project = s.project as ProjectName;
      expect(icehouse.schemaHeads[project] ?? '', `${project} to`).toBe(s.toHead);
      expect(havana.schemaHeads[project] ?? '', `${project} from`).toBe(s.fromHead);
    }
    for (const project of Object.keys(icehouse.schemaHeads)) {
      expect(
        pack.dbSync.some((s) => s.project === project),
        project,
      ).toBe(true);
    }
  });

  it('heavy migrations name project.table keys', () => {
    for (const s of pack.dbSync) {
      for (const h of s.heavy) {
        expect(h.table.startsWith(`${s.project}.`), h.table).toBe(true);
        expect(h.s_per_row).toBeGreaterThan(0);
      }
    }
    for (const p of pack.preSync) {
      if (p.cost.table !== undefined) expect(p.cost.table.startsWith(`${p.project}.`)).toBe(true);
    }
  });

  it('the ML2 conversion is irreversible, OVS-only, and carries no credentials', () => {
    const ml2 = pack.preSync.find((p) => p.fix === 'ml2-conversion')!;
    expect(ml2.irreversible).toBe(true);
    expect(ml2.networking).toEqual(['neutron-ovs']);
    expect(ml2.commands.at(-1)).toContain('$NEUTRON_DB_URL');
    const utf8 = pack.preSync.find((p) => p.project === 'neutron' && p.fix === 'utf8-conversion')!;
    expect(new Set(utf8.tables).size).toBe(utf8.tables!.length);
  });

  it('every config edit names known services, its own project and a file per family', () => {
    const ids = pack.configEdits.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of pack.configEdits) {
      expect(e.scope.services.length, e.id).toBeGreaterThan(0);
      for (const s of e.scope.services) {
        expect(known.has(s), `${e.id}: ${s}`).toBe(true);
        expect(projectOfService(icehouse, s), `${e.id}: ${s}`).toBe(e.project);
      }
      for (const fam of e.scope.families ?? FAMILIES) {
        expect(hasFamily(e.file, fam), `${e.id} file on ${fam}`).toBe(true);
        if (e.installs) expect(hasFamily(e.installs, fam), `${e.id} installs on ${fam}`).toBe(true);
      }
      for (const sc of e.scope.scenarios ?? []) expect(SCENARIOS).toContain(sc);
      for (const n of e.scope.networking ?? []) expect(NETWORKING_MODES).toContain(n);
    }
  });

  it('no literal in any config edit looks like a secret', () => {
    const values: { key: string; value: ConfigValue }[] = [];
    for (const e of pack.configEdits) {
      for (const op of e.ops) if (op.op === 'set') values.push({ key: op.key, value: op.value });
    }
    expect(values.length).toBeGreaterThan(10);
    for (const { key, value } of values) {
      if (/pass|secret|token|key$/i.test(key)) expect('literal' in value, key).toBe(false);
      if ('literal' in value) expect(value.literal, key).not.toMatch(/:\/\/[^/\s]*:[^/\s]*@/);
    }
    const commands = [...pack.preSync, ...pack.dbSync].flatMap((s) => s.commands);
    for (const c of commands) {
      expect(c).not.toMatch(/:\/\/[^/\s]*:[^/\s]*@/);
      expect(c).not.toMatch(/\s-p\S/);
    }
  });

  it('pins and service lists name known services', () => {
    for (const p of pack.pins) {
      for (const h of p.hosts) expect(known.has(h), h).toBe(true);
      // A level is an alias of the table, or one of its versions written literally (safer where the old
      // release may not know the alias).
      const levelKnown = p.aliases[p.level] !== undefined || Object.values(p.aliases).includes(p.level);
      expect(levelKnown, `${p.service} level ${p.level} is an alias or a version of the alias table`).toBe(
        true,
      );
    }
    const compute = pack.pins.find((p) => p.service === 'compute')!;
    expect(compute.level).toBe('icehouse-compat');
    expect(compute.aliases['icehouse-compat']).toBe('3.0');
    expect(compute.hosts).toContain('nova-compute');
    expect(compute.hosts).toContain('nova-conductor');
    expect(pack.pins.find((p) => p.service === 'network')?.networking).toEqual(['nova-network']);
    for (const m of pack.liveMinimum) expect(known.has(m.service)).toBe(true);
    expect(pack.liveMinimum).toContainEqual(
      expect.objectContaining({ service: 'nova-compute', version: '2013.2.2' }),
    );
    for (const s of pack.finalRestart) expect(known.has(s)).toBe(true);
  });

  it('every reason cites a source or says it is an assumption', () => {
    const reasons = [
      ...pack.order.map((o) => o.reason),
      ...pack.preSync.map((p) => p.reason),
      ...pack.configEdits.map((e) => e.reason),
      ...pack.pins.map((p) => p.reason),
      ...pack.liveMinimum.map((m) => m.reason),
      ...pack.warnings.map((w) => w.text),
    ];
    for (const r of reasons) expect(citesSource(r), r).toBe(true);
  });

  it('warnings have unique ids and valid scenarios', () => {
    const ids = pack.warnings.map((w) => w.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const w of pack.warnings) for (const s of w.scenarios ?? []) expect(SCENARIOS).toContain(s);
  });
});

describe('durations', () => {
  it('are non-negative numbers', () => {
    for (const [k, v] of Object.entries(CATALOG.durations)) {
      expect(Number.isFinite(v), k).toBe(true);
      expect(v, k).toBeGreaterThanOrEqual(0);
    }
  });
});
