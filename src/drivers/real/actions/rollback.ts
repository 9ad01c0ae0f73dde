// Rollback (facts §2.4, OPS "Rolling Back a Failed Upgrade"): the configuration archives and file
// copies a run made put back, its verified dumps restored, and every package it upgraded reinstalled
// at the version it had before. Everything comes from what the run left on each host.

import { StepFailure } from '../../../engine/driver.js';
import { readManifest, restoreDatabase } from '../../db/mysql-backup.js';
import { quote, shellCommand } from '../../ssh/shell-quote.js';
import type { RealContext } from '../real-context.js';
import { backupDir, configRestoreCommand } from '../render/backup.js';
import { parseVersions } from '../render/packages.js';
import { installedVersions } from './packages.js';
import type { ActionHandler } from './types.js';

/** Package versions recorded before an upgrade step: `# at <ms>` then `name version` lines. */
export interface VersionRecord {
  at: number;
  versions: Map<string, string>;
}

export function parseVersionRecords(text: string): VersionRecord[] {
  const out: VersionRecord[] = [];
  let current: VersionRecord | undefined;
  for (const line of text.split('\n')) {
    const at = /^# at (\d+)$/.exec(line.trim());
    if (at !== null) {
      current = { at: Number(at[1]), versions: new Map() };
      out.push(current);
      continue;
    }
    // The same lines the version query prints (with dpkg's status): only installed packages count.
    if (current !== undefined) for (const [p, v] of parseVersions(line)) current.versions.set(p, v);
  }
  return out;
}

/** The version each package had before the run first changed it: the earliest record wins. */
export function versionsBefore(records: readonly VersionRecord[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of [...records].sort((a, b) => a.at - b.at)) {
    for (const [p, v] of r.versions) if (!out.has(p)) out.set(p, v);
  }
  return out;
}

async function recordedVersions(rc: RealContext, host: string, run: string): Promise<Map<string, string>> {
  const dir = `${backupDir(run)}/packages`;
  const r = await rc.exec.exec(host, `cat ${quote(dir)}/*.versions 2>/dev/null || true`);
  return versionsBefore(parseVersionRecords(r.stdout));
}

function downgradeCommand(rc: RealContext, pins: readonly [string, string][]): string {
  if (rc.profile.packageManager === 'apt') {
    // --force-yes: apt of 12.04/14.04 has no --allow-downgrades; the versions were the host's own.
    return shellCommand([
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'apt-get',
      '-y',
      '-q',
      '--force-yes',
      '-o',
      'Dpkg::Options::=--force-confold',
      'install',
      ...pins.map(([p, v]) => `${p}=${v}`),
    ]);
  }
  return shellCommand(['yum', '-y', '-q', 'downgrade', ...pins.map(([p, v]) => `${p}-${v}`)]);
}

async function changedPackages(rc: RealContext, host: string, run: string): Promise<[string, string][]> {
  const before = await recordedVersions(rc, host, run);
  if (before.size === 0) return [];
  const now = await installedVersions(rc, host, [...before.keys()]);
  return [...before].filter(([p, v]) => now.get(p) !== undefined && now.get(p) !== v);
}

export const downgradePackages: ActionHandler<'downgrade-packages'> = {
  async execute(step, action, io) {
    const pins = await changedPackages(io.rc, step.host, action.run);
    if (pins.length === 0) return { summary: 'no package to take back' };
    await io.must(step.host, downgradeCommand(io.rc, pins));
    const left = await changedPackages(io.rc, step.host, action.run);
    if (left.length > 0) {
      throw new StepFailure(
        `${step.host}: still not at the versions before run ${action.run}: ${left.map(([p, v]) => `${p} (want ${v})`).join(', ')}`,
      );
    }
    return {
      summary: `${pins.length} package(s) back: ${pins
        .slice(0, 6)
        .map(([p, v]) => `${p} ${v}`)
        .join(', ')}${pins.length > 6 ? ', …' : ''}`,
    };
  },
  probe: async (step, action, rc) =>
    (await changedPackages(rc, step.host, action.run)).length === 0 ? 'done' : 'not-done',
};

export const restoreConfig: ActionHandler<'restore-config'> = {
  async execute(step, action, io) {
    const dir = backupDir(action.run);
    const list = await io.must(
      step.host,
      `ls -1 ${quote(`${dir}/config`)} 2>/dev/null | grep '\\.tgz$' || true`,
    );
    const archives = list.stdout.split('\n').filter((l) => l !== '');
    for (const a of archives) await io.must(step.host, configRestoreCommand(`${dir}/config/${a}`));
    // Files edited by the run were copied before their first edit: put each back as it was.
    const files = `${dir}/files`;
    const copied = await io.must(
      step.host,
      `if test -d ${quote(files)}; then cd ${quote(files)} && find . -type f | sed 's|^\\.||'; fi`,
    );
    const paths = copied.stdout.split('\n').filter((l) => l.startsWith('/'));
    // Through a temp name beside each file: a crash never leaves a config half copied.
    for (const p of paths) {
      const tmp = `${p}.stackhop-restore`;
      await io.must(
        step.host,
        `${shellCommand(['cp', '-p', '--', `${files}${p}`, tmp])} && ${shellCommand(['mv', '-f', '--', tmp, p])}`,
      );
    }
    return {
      summary: `${archives.length} archive(s) and ${paths.length} file(s) restored from run ${action.run}`,
    };
  },
  // Restoring again is harmless and leaves the same files.
  probe: async () => 'unknown',
};

export const restoreDatabaseHandler: ActionHandler<'restore-database'> = {
  async execute(step, action, io) {
    const { rc } = io;
    const dir = `${backupDir(action.run)}/db`;
    const done: string[] = [];
    for (const d of action.databases) {
      const m = await readManifest(rc.exec, step.host, dir, d.database);
      if (m === undefined)
        throw new StepFailure(`${step.host}: run ${action.run} left no verified dump of ${d.database}`, {
          permanent: true,
        });
      io.note(
        `[${step.host}] restoring ${d.database} from ${m.file} (${m.tables} tables, sha256 ${m.sha256})`,
      );
      await restoreDatabase(rc.exec, step.host, m, {
        signal: io.ctx.signal,
        ...(rc.dbCredentials !== undefined ? { credentials: rc.dbCredentials } : {}),
      });
      done.push(d.database);
    }
    return { summary: `restored ${done.join(', ')}` };
  },
  probe: async () => 'unknown',
};
