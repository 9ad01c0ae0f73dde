// Pre-flight: everything that must hold before a real run changes anything. The plan's own first step
// checks the cloud (services up, versions, ERROR instances); this checks that stackhop can act at all:
// every host reachable as the right user with root rights, the distro and release as declared, room
// for the backups, and the APIs when the plan needs them.

import { packageReleaseVersion, packagesOf } from '../catalog/index.js';
import type { DistroId } from '../catalog/types.js';
import { withOptionFile } from '../drivers/db/mysql-backup.js';
import { defaultsArg } from '../drivers/db/mysql-credentials.js';
import { fanOut } from '../drivers/real/actions/verify.js';
import type { RealContext, RealHost } from '../drivers/real/real-context.js';
import { BACKUP_ROOT, backupDir } from '../drivers/real/render/backup.js';
import { isOnRelease, parseVersions, versionQuery } from '../drivers/real/render/packages.js';
import type { SshPool } from '../drivers/ssh/pool.js';
import { quote } from '../drivers/ssh/shell-quote.js';
import type { Plan } from '../plan/types.js';
import { DISTRO_QUERY, matchesDistro, parseDistro } from './os-release.js';

export interface PreflightProblem {
  host: string;
  check: string;
  message: string;
}

/** Actions that can only be done through the OpenStack APIs. */
const API_ACTIONS = new Set([
  'disable-compute',
  'enable-compute',
  'drain-compute',
  'register-endpoint',
  'decommission',
]);

export async function preflight(
  rc: RealContext,
  pool: SshPool,
  plan: Plan,
  distro: DistroId,
  expectedUser: (host: string) => string,
): Promise<PreflightProblem[]> {
  const problems: PreflightProblem[] = [];
  const hosts = [...rc.hosts.values()];
  const reachable = new Set<string>();
  await fanOut(hosts, rc.fanOut, async (h) => {
    try {
      const who = await pool.execAsUser(h.name, 'id -un', { timeoutMs: 30_000 });
      const user = who.stdout.trim();
      if (user !== expectedUser(h.name)) {
        problems.push({
          host: h.name,
          check: 'user',
          message: `logged in as ${user}, expected ${expectedUser(h.name)}`,
        });
        return;
      }
      // Root rights through sudo -n: the pool throws a clear error when sudo would ask a password.
      const root = await pool.exec(h.name, 'id -u', { timeoutMs: 30_000 });
      if (root.stdout.trim() !== '0') {
        problems.push({
          host: h.name,
          check: 'sudo',
          message: `cannot act as root (${root.stderr.trim() || `uid ${root.stdout.trim()}`})`,
        });
        return;
      }
      reachable.add(h.name);
    } catch (err) {
      problems.push({
        host: h.name,
        check: 'ssh',
        message: err instanceof Error ? err.message : String(err),
      });
    }
  });

  await fanOut(
    hosts.filter((h) => reachable.has(h.name)),
    rc.fanOut,
    async (h) => {
      try {
        await checkHost(h);
      } catch (err) {
        // A host that drops or hangs now is a pre-flight finding, not a crash.
        problems.push({
          host: h.name,
          check: 'ssh',
          message: err instanceof Error ? err.message : String(err),
        });
      }
    },
  );

  async function checkHost(h: RealHost): Promise<void> {
    const d = parseDistro((await pool.exec(h.name, DISTRO_QUERY, { timeoutMs: 30_000 })).stdout);
    if (d === undefined || !matchesDistro(d, distro)) {
      problems.push({
        host: h.name,
        check: 'distro',
        message: `runs ${d?.pretty || 'an unknown system'}, the inventory says ${distro}`,
      });
    }
    // Spare hosts start empty; the others must run the release the inventory declares (or, on a
    // resumed upgrade, the target one already).
    if (h.spare) return;
    const pkgs = packagesOf(rc.from, h.services, rc.family);
    if (pkgs.length === 0) return;
    const versions = parseVersions(
      (await pool.exec(h.name, versionQuery(rc.profile, pkgs), { timeoutMs: 30_000 })).stdout,
    );
    const wrong = [...versions].filter(
      ([p, v]) =>
        !isOnRelease(v, packageReleaseVersion(rc.from, p)) &&
        !isOnRelease(v, packageReleaseVersion(rc.to, p)),
    );
    if (versions.size === 0) {
      problems.push({
        host: h.name,
        check: 'release',
        message: `none of ${pkgs.slice(0, 4).join(', ')}… is installed`,
      });
    } else if (wrong.length > 0) {
      problems.push({
        host: h.name,
        check: 'release',
        message: `${wrong.map(([p, v]) => `${p} ${v}`).join(', ')}: neither ${rc.from.name} (${rc.from.version}) nor ${rc.to.name}`,
      });
    }
  }

  const dumps = plan.steps.filter((s) => s.action.kind === 'backup-database');
  for (const s of dumps) {
    if (s.action.kind !== 'backup-database' || !reachable.has(s.host)) continue;
    const names = s.action.databases.map((d) => `'${d.replace(/[^A-Za-z0-9_]/g, '')}'`).join(',');
    const sql = `SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables WHERE table_schema IN (${names})`;
    let size: { code: number; stdout: string; stderr: string };
    let df: { stdout: string };
    try {
      // With STACKHOP_DB_* the credentials reach the host as an option file, as for the dumps.
      size = await withOptionFile(pool, s.host, `${backupDir(rc.runId)}/db`, rc.dbCredentials, (file) =>
        pool.exec(s.host, `mysql${defaultsArg(file)} -N -B -e ${quote(sql)}`, { timeoutMs: 60_000 }),
      );
      df = await pool.exec(
        s.host,
        `p=${quote(BACKUP_ROOT)}; while [ ! -e "$p" ]; do p=$(dirname "$p"); done; df -P -B1 "$p" | tail -n 1`,
        { timeoutMs: 30_000 },
      );
    } catch (err) {
      problems.push({
        host: s.host,
        check: 'database',
        message: err instanceof Error ? err.message : String(err),
      });
      continue;
    }
    const need = Number(size.stdout.trim());
    const free = Number(df.stdout.trim().split(/\s+/)[3]);
    if (size.code !== 0) {
      problems.push({
        host: s.host,
        check: 'database',
        message: `cannot query the database sizes: ${size.stderr.trim()}`,
      });
    } else if (!(free >= need * 1.2)) {
      problems.push({
        host: s.host,
        check: 'free-disk',
        message: `${free} bytes free under ${BACKUP_ROOT}, the dumps need about ${need}`,
      });
    }
  }

  if (rc.cloud === undefined) {
    const needing = plan.steps.filter((s) => API_ACTIONS.has(s.action.kind));
    if (needing.length > 0) {
      problems.push({
        host: '@cloud',
        check: 'openstack',
        message: `${needing.length} step(s) act through the OpenStack APIs (e.g. ${needing[0]?.id}), and no credentials were found (OS_* variables, OS_CLOUD or the inventory's openstack block)`,
      });
    }
  }
  return problems;
}
