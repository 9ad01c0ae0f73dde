// A Havana cloud for real runs in tests: the SSH fleet (real sshd per host, shims for the OpenStack
// programs) seeded as controller, network node and computes; a private MariaDB holding the catalog's
// databases; the INTERIM OpenStack stand-in whose services follow the fleet's service states.

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CATALOG, familyOf, packagesOf, unitsOf } from '../../src/catalog/index.js';
import type { DistroId, ProjectName } from '../../src/catalog/types.js';
import { parseInventory } from '../../src/inventory/load.js';
import type { Inventory } from '../../src/inventory/types.js';
import { resolveUpgrade } from '../../src/plan/upgrade-pair.js';
import { type Fleet, type HostSeed, startFleet } from '../fleet/fleet.js';
import { havanaConfigFiles } from './havana-configs.js';
import { type Standin, startStandin } from './openstack-standin/index.js';
import { type PrivateMariadb, startPrivateMariadb } from './private-mariadb.js';

const NOVA_CONTROLLER_SERVICES = [
  'nova-api',
  'nova-scheduler',
  'nova-conductor',
  'nova-cert',
  'nova-consoleauth',
  'nova-novncproxy',
];

export const VERSIONS = {
  havana: { apt: '1:2013.2.3-0ubuntu1~cloud0', yum: '2013.2.3-1.el6' },
  icehouse: { apt: '1:2014.1.5-0ubuntu1~cloud0', yum: '2014.1.5-1.el6' },
} as const;

export interface FleetCloudOptions {
  dir: string;
  /** First loopback address of the fleet (each test file its own range). */
  firstAddress: string;
  /** The private MariaDB's port (each test file its own). */
  dbPort: number;
  computes?: number;
  spares?: number;
  instancesPerCompute?: number;
  distro?: DistroId;
  policy?: string;
  migrationDelayMs?: number;
  /** The cloud admin's password (OS_PASSWORD). */
  password?: string;
  /** Instances end by themselves this long after the start (parallel-compute's drains wait for it). */
  serverLifetimeMs?: number;
}

export interface FleetCloud {
  fleet: Fleet;
  standin: Standin;
  db: PrivateMariadb;
  inventory: Inventory;
  inventoryFile: string;
  inventoryText: string;
  /** OS_* variables for the stand-in (v3). */
  env: NodeJS.ProcessEnv;
  hosts: readonly string[];
  computes: readonly string[];
  /** A unit's state on a host, as the fleet's `service` shim keeps it. */
  unitState(host: string, unit: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

function inventoryYaml(
  o: FleetCloudOptions,
  fleet: Fleet,
  computes: string[],
  spares: string[],
  distro: DistroId,
): string {
  const addr = (h: string) => fleet.host(h).address;
  const line = (h: string, roles: string) => `  - { name: ${h}, address: ${addr(h)}, roles: [${roles}] }`;
  return [
    'cloud: fleet',
    'upgrade: { from: havana, to: icehouse }',
    `distro: ${distro}`,
    'networking: neutron-ml2',
    `ssh: { user: root, port: ${fleet.host('ctl1').port}, identity_file: ${fleet.clientKeyPath}, known_hosts: ${fleet.knownHostsPath} }`,
    'database: { host: ctl1 }',
    'hosts:',
    line('ctl1', 'controller, database, messaging'),
    line('net1', 'network'),
    ...computes.map((c) => line(c, 'compute')),
    ...(spares.length > 0 ? ['spare_hosts:', ...spares.map((s) => line(s, 'compute'))] : []),
    `facts: { instances: ${computes.length * (o.instancesPerCompute ?? 2)}, instance_ram_mb: 512, migration_bandwidth_mbps: 1000 }`,
    `policy: ${o.policy ?? '{ max_parallel_computes: 2, canary: [1, 2], max_failed_hosts: 1, drain: live-migrate }'}`,
    '',
  ].join('\n');
}

/** The project whose schema a package carries (the first package of a DB-using service). */
function projectPackages(inventory: Inventory): Record<string, string> {
  const { from } = resolveUpgrade(inventory, CATALOG);
  const family = familyOf(inventory.distro);
  const out: Record<string, string> = {};
  for (const s of from.services) {
    if (!s.dbAccess || out[s.project] !== undefined) continue;
    const pkg = packagesOf(from, [s.name], family)[0];
    if (pkg !== undefined) out[s.project] = pkg;
  }
  return out;
}

function seedFor(inventory: Inventory, host: string): HostSeed {
  const { from, to, pack } = resolveUpgrade(inventory, CATALOG);
  const family = familyOf(inventory.distro);
  const h = [...inventory.hosts, ...inventory.spare_hosts].find((x) => x.name === host);
  if (h === undefined) throw new Error(`no host ${host}`);
  const services = h.services;
  const units = new Set([
    ...unitsOf(from, services, family),
    ...unitsOf(
      to,
      services.filter((s) => to.services.some((d) => d.name === s)),
      family,
    ),
  ]);
  const pkgs = new Set([...packagesOf(from, services, family)]);
  const version = VERSIONS.havana[family === 'rhel' ? 'yum' : 'apt'];
  const heads: Record<string, Record<string, string>> = { havana: {}, icehouse: {} };
  const schema: Record<string, string> = {};
  for (const d of pack.dbSync) {
    if (d.fromHead === '') continue;
    (heads.havana as Record<string, string>)[d.project] = d.fromHead;
    (heads.icehouse as Record<string, string>)[d.project] = d.toHead;
    schema[d.project] = d.fromHead;
  }
  const projects = projectPackages(inventory);
  for (const p of Object.values(projects))
    if (h.services.length > 0 && !h.spare && hostRunsProjectOf(inventory, host, p)) pkgs.add(p);
  // A spare host may become the new deployment's controller (parallel-compute): its units exist, stopped.
  if (h.spare) for (const u of unitsOf(to, NOVA_CONTROLLER_SERVICES, family)) units.add(u);
  return {
    services: Object.fromEntries([...units].map((u) => [u, h.spare ? 'stopped' : 'running'])),
    packages: h.spare ? {} : Object.fromEntries([...pkgs].map((p) => [p, version])),
    versions: VERSIONS,
    repo: 'havana',
    heads,
    projectPackage: projects,
    schema,
    files: havanaConfigFiles(family),
  };
}

function hostRunsProjectOf(inventory: Inventory, host: string, pkg: string): boolean {
  const { from } = resolveUpgrade(inventory, CATALOG);
  const family = familyOf(inventory.distro);
  const h = inventory.hosts.find((x) => x.name === host);
  return h !== undefined && packagesOf(from, h.services, family).includes(pkg);
}

/** Small databases with the catalog's names and the tables the pre-sync fixes touch. */
async function seedDatabases(db: PrivateMariadb, inventory: Inventory): Promise<void> {
  const { from, pack } = resolveUpgrade(inventory, CATALOG);
  const statements: string[] = [];
  for (const [project, database] of Object.entries(from.databases)) {
    statements.push(
      `DROP DATABASE IF EXISTS ${database}`,
      `CREATE DATABASE ${database} CHARACTER SET latin1`,
    );
    const tables = new Set<string>(['migrate_version', 'services']);
    for (const f of pack.preSync)
      if (f.project === (project as ProjectName)) for (const t of f.tables ?? []) tables.add(t);
    for (const t of tables) {
      statements.push(
        `CREATE TABLE ${database}.${t} (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(64)) CHARACTER SET latin1`,
      );
      statements.push(
        `INSERT INTO ${database}.${t} (name) VALUES ('${project}-a'), ('${project}-b'), ('${project}-c')`,
      );
    }
  }
  await db.sql(statements.join(';\n'));
}

export async function startFleetCloud(o: FleetCloudOptions): Promise<FleetCloud> {
  const computes = Array.from({ length: o.computes ?? 6 }, (_, i) => `cmp${i + 1}`);
  const spares = Array.from({ length: o.spares ?? 0 }, (_, i) => `new${i + 1}`);
  const hosts = ['ctl1', 'net1', ...computes, ...spares];
  mkdirSync(o.dir, { recursive: true });
  // The fleet's non-root users must reach their files below it.
  chmodSync(o.dir, 0o755);
  const fleet = await startFleet({ dir: path.join(o.dir, 'fleet'), hosts, firstAddress: o.firstAddress });
  let db: PrivateMariadb | undefined;
  let standin: Standin | undefined;
  try {
    db = await startPrivateMariadb(path.join(o.dir, 'mariadb'), o.dbPort);
    const distro = o.distro ?? 'ubuntu-12.04-uca';
    const inventoryText = inventoryYaml(o, fleet, computes, spares, distro);
    const inventoryFile = path.join(o.dir, 'inventory.yaml');
    writeFileSync(inventoryFile, inventoryText);
    const inventory = parseInventory(inventoryText, inventoryFile, CATALOG);
    await seedDatabases(db, inventory);
    const myCnf = `[client]\nhost=127.0.0.1\nport=${o.dbPort}\nuser=root\n`;
    await Promise.all(
      hosts.map(async (h) => {
        await fleet.seed(h, seedFor(inventory, h));
        await fleet.write(h, '/root/.my.cnf', myCnf);
      }),
    );
    const unitState = async (host: string, unit: string) =>
      (await fleet.read(host, `/var/lib/stackhop-fake/services/${unit}`))?.trim();
    const controllerUnit: Record<string, string> = {
      identity: 'keystone',
      compute: 'nova-api',
      image: 'glance-api',
      network: 'neutron-server',
      volume: 'cinder-api',
      orchestration: 'heat-api',
    };
    standin = await startStandin({
      computes: computes.map((host) => ({ host, ramMb: 8192 })),
      controllers: ['ctl1'],
      servers: computes.flatMap((host) =>
        Array.from({ length: o.instancesPerCompute ?? 2 }, (_, i) => ({
          host,
          name: `${host}-vm${i + 1}`,
          ramMb: 512,
        })),
      ),
      migrationDelayMs: o.migrationDelayMs ?? 30,
      ...(o.password !== undefined ? { user: { password: o.password } } : {}),
      serviceUp: async (host, binary) => (await unitState(host, binary)) === 'running',
      apiUp: async (api) => {
        const unit = controllerUnit[api];
        if (unit === undefined) return true;
        return (await unitState('ctl1', unit)) === 'running';
      },
      ...(o.serverLifetimeMs !== undefined ? { serverLifetimeMs: o.serverLifetimeMs } : {}),
      ...(spares.length > 0
        ? {
            secondNova: {
              listen: { host: fleet.host('new1').address, port: 8774 },
              controllers: ['new1'],
              computes: [...computes, ...spares],
              // A compute belongs to the deployment its nova.conf's topics point at.
              deploymentOf: async (host: string) =>
                /^\s*compute_topic\s*=\s*compute_icehouse/m.test(
                  (await fleet.read(host, '/etc/nova/nova.conf')) ?? '',
                )
                  ? ('second' as const)
                  : ('first' as const),
              apiUp: async () => (await unitState('new1', 'nova-api')) === 'running',
            },
          }
        : {}),
    });
    const s = standin;
    const d = db;
    return {
      fleet,
      standin: s,
      db: d,
      inventory,
      inventoryFile,
      inventoryText,
      env: { ...s.env('3') },
      hosts,
      computes,
      unitState,
      stop: async () => {
        await s.close();
        await d.stop();
        await fleet.stop();
      },
    };
  } catch (err) {
    await standin?.close();
    await db?.stop();
    await fleet.stop();
    throw err;
  }
}
