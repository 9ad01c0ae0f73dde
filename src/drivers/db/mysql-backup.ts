// Per-database dumps on the DB host before any schema change, verified before a db-sync may start,
// and their restore for rollback. Everything runs where the data is; only small facts come back.

import type { RemoteExecutor } from '../ssh/executor.js';
import { quote } from '../ssh/shell-quote.js';
import { defaultsArg, type MysqlCredentials, optionFile } from './mysql-credentials.js';

export interface DumpManifest {
  database: string;
  file: string;
  bytes: number;
  sha256: string;
  /** Base tables in the dump, equal to the live count when it was verified. */
  tables: number;
}

export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(
    readonly host: string,
    readonly database: string,
    message: string,
    readonly detail: { command?: string; exitCode?: number; stderrTail?: string } = {},
  ) {
    super(`${host}: backup of ${database}: ${message}`);
  }
}

function checkName(database: string): void {
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new Error(`not a database name: ${database}`);
}

export function dumpFile(dir: string, database: string): string {
  checkName(database);
  return `${dir}/${database}.sql.gz`;
}

/**
 * mysqldump into a temp file, then rename: a dump with the final name is complete. pipefail so a
 * failing mysqldump is not hidden by gzip's success.
 */
export function dumpCommand(dir: string, database: string, defaultsFile?: string): string {
  const file = dumpFile(dir, database);
  const script = [
    'set -e -o pipefail',
    // Dumps hold every secret of the cloud's databases: root's only.
    'umask 077',
    `mkdir -p ${quote(dir)}`,
    `mysqldump${defaultsArg(defaultsFile)} --single-transaction --routines --triggers --add-drop-database --databases ${database} | gzip -c > ${quote(`${file}.tmp`)}`,
    `mv -f ${quote(`${file}.tmp`)} ${quote(file)}`,
  ].join('\n');
  return `bash -c ${quote(script)}`;
}

/**
 * One line of facts about a finished dump: bytes, sha256, CREATE TABLEs in it, base tables live, and
 * whether mysqldump wrote its closing line (it does only when it finished).
 */
export function inspectCommand(dir: string, database: string, defaultsFile?: string): string {
  const file = dumpFile(dir, database);
  const count = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='${database}' AND table_type IN ('BASE TABLE', 'SYSTEM VERSIONED')`;
  const script = [
    'set -e -o pipefail',
    `bytes=$(stat -c %s ${quote(file)})`,
    `sum=$(sha256sum ${quote(file)} | cut -d' ' -f1)`,
    `dumped=$(gzip -dc ${quote(file)} | grep -c '^CREATE TABLE' || true)`,
    `complete=$(gzip -dc ${quote(file)} | tail -n 1 | grep -c 'Dump completed' || true)`,
    `live=$(mysql${defaultsArg(defaultsFile)} -N -B -e ${quote(count)})`,
    'echo "$bytes $sum $dumped $live $complete"',
  ].join('\n');
  return `bash -c ${quote(script)}`;
}

export function restoreCommand(dir: string, database: string, sha256: string, defaultsFile?: string): string {
  const file = dumpFile(dir, database);
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('restore needs the dump checksum');
  const script = [
    'set -e -o pipefail',
    `echo ${quote(`${sha256}  ${file}`)} | sha256sum -c --quiet -`,
    `gzip -dc ${quote(file)} | mysql${defaultsArg(defaultsFile)}`,
  ].join('\n');
  return `bash -c ${quote(script)}`;
}

export function manifestFile(dir: string, database: string): string {
  return `${dumpFile(dir, database)}.manifest.json`;
}

interface RunOptions {
  signal?: AbortSignal;
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  credentials?: MysqlCredentials;
  timeoutMs?: number;
}

/** Runs `work` with an option file for the credentials in place, removed afterwards whatever happens. */
export async function withOptionFile<T>(
  exec: RemoteExecutor,
  host: string,
  dir: string,
  credentials: MysqlCredentials | undefined,
  work: (file: string | undefined) => Promise<T>,
): Promise<T> {
  if (credentials === undefined) return work(undefined);
  const file = `${dir}/.stackhop-my.cnf`;
  await exec.exec(host, `mkdir -p ${quote(dir)} && chmod 700 ${quote(dir)}`);
  await exec.writeFile(host, file, optionFile(credentials), { mode: 0o600 });
  try {
    return await work(file);
  } finally {
    await exec.exec(host, `rm -f ${quote(file)}`).catch(() => undefined);
  }
}

function opts(o: RunOptions) {
  return {
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
    ...(o.onLine !== undefined ? { onLine: o.onLine } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  };
}

function tail(s: string): string {
  return s.trim().split('\n').slice(-5).join('\n');
}

/** Dumps one database and proves the dump complete before returning its manifest. */
export async function backupDatabase(
  exec: RemoteExecutor,
  host: string,
  dir: string,
  database: string,
  o: RunOptions = {},
): Promise<DumpManifest> {
  return withOptionFile(exec, host, dir, o.credentials, async (defaults) => {
    const dump = dumpCommand(dir, database, defaults);
    const r = await exec.exec(host, dump, opts(o));
    if (r.code !== 0) {
      throw new BackupError(host, database, `mysqldump failed (exit ${r.code})`, {
        command: dump,
        exitCode: r.code,
        stderrTail: tail(r.stderr),
      });
    }
    const manifest = await inspectDump(exec, host, dir, database, defaults, o);
    await exec.writeFile(host, manifestFile(dir, database), `${JSON.stringify(manifest, null, 2)}\n`, {
      mode: 0o600,
    });
    return manifest;
  });
}

async function inspectDump(
  exec: RemoteExecutor,
  host: string,
  dir: string,
  database: string,
  defaults: string | undefined,
  o: RunOptions,
): Promise<DumpManifest> {
  const cmd = inspectCommand(dir, database, defaults);
  const r = await exec.exec(host, cmd, opts(o));
  const fields = r.stdout.trim().split(/\s+/);
  if (r.code !== 0 || fields.length !== 5) {
    throw new BackupError(host, database, 'cannot verify the dump', {
      command: cmd,
      exitCode: r.code,
      stderrTail: tail(r.stderr),
    });
  }
  const [bytes, sha256, dumped, live, complete] = fields;
  const manifest: DumpManifest = {
    database,
    file: dumpFile(dir, database),
    bytes: Number(bytes),
    sha256: sha256 ?? '',
    tables: Number(dumped),
  };
  if (complete !== '1')
    throw new BackupError(host, database, 'the dump has no closing line: mysqldump did not finish');
  if (manifest.bytes <= 0) throw new BackupError(host, database, 'the dump is empty');
  if (Number(dumped) !== Number(live)) {
    throw new BackupError(host, database, `the dump holds ${dumped} tables, the database ${live}`);
  }
  return manifest;
}

/** Reads a manifest written by backupDatabase (probe and rollback). */
export async function readManifest(
  exec: RemoteExecutor,
  host: string,
  dir: string,
  database: string,
): Promise<DumpManifest | undefined> {
  const text = await exec.readFile(host, manifestFile(dir, database));
  if (text === undefined) return undefined;
  return JSON.parse(text) as DumpManifest;
}

/** Restores one database from its verified dump (the checksum must still match). */
export async function restoreDatabase(
  exec: RemoteExecutor,
  host: string,
  manifest: DumpManifest,
  o: RunOptions = {},
): Promise<void> {
  const dir = manifest.file.slice(0, manifest.file.lastIndexOf('/'));
  await withOptionFile(exec, host, dir, o.credentials, async (defaults) => {
    const cmd = restoreCommand(dir, manifest.database, manifest.sha256, defaults);
    const r = await exec.exec(host, cmd, opts(o));
    if (r.code !== 0) {
      throw new BackupError(host, manifest.database, `restore failed (exit ${r.code})`, {
        command: cmd,
        exitCode: r.code,
        stderrTail: tail(r.stderr),
      });
    }
  });
}
