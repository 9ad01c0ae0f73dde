// Backups come before any change to what they back up: they are the only rollback there is
// (facts §2.3, §2.4: schema downgrades are unsupported, the ML2 conversion cannot roll back).

import { reaches } from '../graph.js';
import type { ActionKind } from '../types.js';
import { CLOUD } from '../types.js';
import type { Model } from './model.js';
import type { Reporter } from './report.js';

export function checkDatabaseFirst(m: Model, r: Reporter): void {
  const id = 'backup.database-first';
  const backups = m.stepsOf('backup-database');
  const presyncs = m.stepsOf('pre-sync');
  for (const d of m.stepsOf('db-sync')) {
    const a = m.plan.steps[d]!.action;
    // A schema created from nothing (parallel-compute's new database) has no data to lose.
    if (a.kind !== 'db-sync' || a.from_head === 'empty') continue;
    const candidates = backups.filter((b) => {
      const ba = m.plan.steps[b]!.action;
      return ba.kind === 'backup-database' && ba.databases.includes(a.database);
    });
    if (candidates.length === 0) {
      r.add(id, `no backup-database step dumps database ${a.database} before ${m.id(d)} migrates it`, [
        m.id(d),
      ]);
      continue;
    }
    const env = m.stepEnv[d]!;
    const targets = [
      d,
      ...presyncs.filter((ps) => {
        const pa = m.plan.steps[ps]!.action;
        return pa.kind === 'pre-sync' && pa.project === a.project && m.stepEnv[ps] === env;
      }),
    ];
    if (candidates.some((b) => targets.every((t) => reaches(m.g, b, t)))) continue;
    const b = candidates[0]!;
    const missed = targets.find((t) => !reaches(m.g, b, t)) ?? d;
    r.add(id, `${m.id(missed)} changes database ${a.database} and may run before its backup ${m.id(b)}`, [
      m.id(missed),
      ...candidates.map((c) => m.id(c)),
    ]);
  }
}

const CONFIG_CHANGES: ReadonlySet<ActionKind> = new Set<ActionKind>([
  'edit-config',
  'set-rpc-pin',
  'clear-rpc-pin',
  'upgrade-packages',
  'switch-repository',
  'retarget-compute',
]);

export function checkConfigFirst(m: Model, r: Reporter): void {
  const id = 'backup.config-first';
  const backupsOn = m.perHost('backup-config');
  const missingReported = new Set<string>();
  const steps = m.plan.steps;
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s]!;
    // Spare hosts start empty: there is nothing of the cloud's on them to back up.
    if (!CONFIG_CHANGES.has(step.action.kind) || step.host === CLOUD || m.spare.has(step.host)) continue;
    if (r.full(id)) return;
    const backups = backupsOn.get(step.host);
    if (backups === undefined) {
      if (!missingReported.has(step.host)) {
        missingReported.add(step.host);
        r.add(id, `host ${step.host} has no backup-config step, yet ${step.id} changes it`, [step.id]);
      }
      continue;
    }
    const before = backups.filter((b) => reaches(m.g, b, s));
    if (before.length === 0) {
      r.add(id, `${step.id} may change ${step.host} before its configuration is backed up`, [
        step.id,
        ...backups.map((b) => m.id(b)),
      ]);
      continue;
    }
    // Coverage: every file an edit-config step writes (a symlink op's file is the link itself) lies
    // under a path some preceding backup-config of the host copies.
    const a = step.action;
    if (a.kind !== 'edit-config') continue;
    const paths: string[] = [];
    for (const b of before) {
      const ba = steps[b]!.action;
      if (ba.kind === 'backup-config') paths.push(...ba.paths);
    }
    for (const file of new Set(a.edits.map((e) => e.file))) {
      if (paths.some((p) => underPath(file, p))) continue;
      r.add(
        id,
        `${step.id} edits ${file} on ${step.host}, which no backup-config before it copies (paths: ${paths.join(', ')})`,
        [step.id, ...before.map((b) => m.id(b))],
      );
      if (r.full(id)) return;
    }
  }
}

/** `file` is `dir` or lies under it, at a `/` boundary (`/etc/nova` covers `/etc/nova/nova.conf`, not `/etc/novaX`). */
export function underPath(file: string, dir: string): boolean {
  const d = dir.length > 1 && dir.endsWith('/') ? dir.replace(/\/+$/, '') : dir;
  if (d === '/') return file.startsWith('/');
  return file === d || file.startsWith(`${d}/`);
}
