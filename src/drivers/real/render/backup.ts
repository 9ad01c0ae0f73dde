// Where a run keeps what it may need to undo: on each host, under /var/backups/stackhop/<run>/, so the
// backups sit next to what they restore and survive the loss of the machine running stackhop.

import { quote } from '../../ssh/shell-quote.js';

export const BACKUP_ROOT = '/var/backups/stackhop';

export function backupDir(runId: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(runId)) throw new Error(`not a run id: ${runId}`);
  return `${BACKUP_ROOT}/${runId}`;
}

/** A step id as a file name (`backup/ctl1/backup-config` → `backup_ctl1_backup-config`). */
export function fileNameOf(stepId: string): string {
  return stepId.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/**
 * Archives the paths that exist (a host without /etc/heat has nothing to keep there) into a temp file,
 * then renames it: an archive with the final name is always complete.
 */
export function configBackupCommand(paths: readonly string[], archive: string): string {
  const rel = paths.map((p) => quote(p.replace(/^\/+/, '')));
  return [
    'set -e',
    // Config files hold credentials: the archive and its folders are root's only.
    'umask 077',
    `mkdir -p ${quote(archive.slice(0, archive.lastIndexOf('/')))}`,
    'set --',
    `for p in ${rel.join(' ')}; do if test -e "/$p"; then set -- "$@" "$p"; fi; done`,
    // GNU tar refuses an empty archive; an empty list of paths (-T /dev/null) makes one.
    `if [ $# -eq 0 ]; then tar -C / -czf ${quote(`${archive}.tmp`)} -T /dev/null; else tar -C / -czf ${quote(`${archive}.tmp`)} "$@"; fi`,
    `mv -f ${quote(`${archive}.tmp`)} ${quote(archive)}`,
  ].join('\n');
}

/** Restores an archive made by configBackupCommand over / (rollback). */
export function configRestoreCommand(archive: string): string {
  return `tar -C / -xzpf ${quote(archive)}`;
}

/** Keeps the previous version of one edited file beside the run's other backups (first copy wins). */
export function fileBackupPath(runId: string, path: string): string {
  return `${backupDir(runId)}/files${path}`;
}
