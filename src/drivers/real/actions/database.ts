// backup-database, pre-sync and db-sync: dumps verified before any schema change; syncs run as the
// service user and are proved by the schema version they leave.

import { StepFailure } from '../../../engine/driver.js';
import type { Step } from '../../../plan/types.js';
import { BackupError, backupDatabase, readManifest, withOptionFile } from '../../db/mysql-backup.js';
import { defaultsArg } from '../../db/mysql-credentials.js';
import { quote } from '../../ssh/shell-quote.js';
import type { RealContext } from '../real-context.js';
import { asUser } from '../render/as-user.js';
import { backupDir } from '../render/backup.js';
import { parseSchemaVersion, sameHead } from '../render/schema-version.js';
import type { StepIO } from '../step-io.js';
import type { ActionHandler } from './types.js';

export function dumpDir(rc: RealContext): string {
  return `${backupDir(rc.runId)}/db`;
}

export const backupDatabaseHandler: ActionHandler<'backup-database'> = {
  async execute(step, action, io) {
    const { rc } = io;
    const parts: string[] = [];
    for (const db of action.databases) {
      io.note(`[${step.host}] mysqldump ${db} → ${dumpDir(rc)}`);
      try {
        const m = await backupDatabase(rc.exec, step.host, dumpDir(rc), db, {
          signal: io.ctx.signal,
          onLine: (_s, line) => io.note(`  ! ${line}`),
          ...(rc.dbCredentials !== undefined ? { credentials: rc.dbCredentials } : {}),
        });
        io.note(`[${step.host}] ${db}: ${m.tables} tables, ${m.bytes} bytes, sha256 ${m.sha256}`);
        parts.push(`${db} ${m.tables} tables ${formatBytes(m.bytes)}`);
      } catch (err) {
        if (err instanceof BackupError) {
          const d = err.detail;
          throw new StepFailure(rc.redactor.redact(err.message), {
            ...(d.command !== undefined ? { command: d.command } : {}),
            ...(d.exitCode !== undefined ? { exitCode: d.exitCode } : {}),
            ...(d.stderrTail !== undefined ? { stderrTail: rc.redactor.redact(d.stderrTail) } : {}),
          });
        }
        throw io.failure(err);
      }
    }
    return { summary: `dumped ${parts.join('; ')}` };
  },
  async probe(step, action, rc) {
    for (const db of action.databases) {
      const m = await readManifest(rc.exec, step.host, dumpDir(rc), db);
      if (m === undefined) return 'not-done';
      const r = await rc.exec.exec(
        step.host,
        `echo ${quote(`${m.sha256}  ${m.file}`)} | sha256sum -c --quiet -`,
      );
      if (r.code !== 0) return 'not-done';
    }
    return 'done';
  },
};

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** `$NEUTRON_DB_URL` in a catalog command: the URL (with its password) comes from the host's config. */
const DB_URL_VARIABLE = '$NEUTRON_DB_URL';

async function runCatalogCommand(
  io: StepIO,
  host: string,
  user: string | undefined,
  command: string,
): Promise<void> {
  const creds = io.rc.dbCredentials;
  if (creds !== undefined && user === undefined && command.startsWith('mysql ')) {
    // A catalog `mysql -e …` (the UTF-8 conversions) with STACKHOP_DB_* credentials: as for the dumps,
    // an option file for the command's duration, never the password on a command line.
    await withOptionFile(io.rc.exec, host, dumpDir(io.rc), creds, (file) =>
      io.must(host, `mysql${defaultsArg(file)}${command.slice('mysql'.length)}`),
    );
    return;
  }
  if (!command.includes(DB_URL_VARIABLE)) {
    await io.must(host, asUser(user, command));
    return;
  }
  // The URL holds a password: it travels on stdin, never on a command line or in the journal.
  const conf = await io.rc.exec.readFile(host, '/etc/neutron/neutron.conf', io.ctx.signal);
  const url =
    conf === undefined
      ? undefined
      : /^\s*connection\s*=\s*(\S+)\s*$/m.exec(sectionText(conf, 'database'))?.[1];
  if (url === undefined) {
    throw new StepFailure(
      `${host}: no [database] connection in /etc/neutron/neutron.conf for ${DB_URL_VARIABLE}`,
    );
  }
  io.rc.redactor.add(url);
  const password = /:\/\/[^:/]+:([^@]+)@/.exec(url)?.[1];
  io.rc.redactor.add(password);
  await io.must(host, `IFS= read -r NEUTRON_DB_URL && export NEUTRON_DB_URL && ${asUser(user, command)}`, {
    stdin: `${url}\n`,
  });
}

function sectionText(ini: string, section: string): string {
  const start = ini.search(new RegExp(`^\\[${section}\\]\\s*$`, 'm'));
  if (start < 0) return '';
  const rest = ini.slice(start).split('\n').slice(1);
  const end = rest.findIndex((l) => /^\[/.test(l));
  return (end < 0 ? rest : rest.slice(0, end)).join('\n');
}

export const preSync: ActionHandler<'pre-sync'> = {
  async execute(step, action, io) {
    const def = io.rc.pack.preSync.find((p) => p.project === action.project && p.fix === action.fix);
    if (def === undefined)
      throw new StepFailure(`no ${action.fix} fix for ${action.project} in the catalog`, { permanent: true });
    for (const c of def.commands) await runCatalogCommand(io, step.host, def.asUser, c);
    return { summary: `${action.project} ${action.fix}` };
  },
  // Token flush and the UTF-8 conversion are idempotent; the ML2 conversion is guarded by its schema stamp.
  probe: async () => 'unknown',
};

function syncDef(rc: RealContext, step: Step, project: string) {
  const def = rc.pack.dbSync.find((d) => d.project === project);
  if (def === undefined)
    throw new StepFailure(`${step.host}: no db sync for ${project} in the catalog`, { permanent: true });
  return def;
}

/** The schema head a project's version command prints (first word of its last line). */
export async function schemaVersion(
  rc: RealContext,
  host: string,
  project: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const def = rc.pack.dbSync.find((d) => d.project === project);
  if (def === undefined || def.versionCommand === '') return undefined;
  const r = await rc.exec.exec(
    host,
    asUser(def.asUser, def.versionCommand),
    signal !== undefined ? { signal } : {},
  );
  if (r.code !== 0) return undefined;
  return parseSchemaVersion(r.stdout);
}

export const dbSync: ActionHandler<'db-sync'> = {
  async execute(step, action, io) {
    const def = syncDef(io.rc, step, action.project);
    for (const c of def.commands) await runCatalogCommand(io, step.host, def.asUser, c);
    if (def.versionCommand === '') return { summary: `${action.project} synced (no version to check)` };
    const head = await schemaVersion(io.rc, step.host, action.project, io.ctx.signal);
    if (!sameHead(head, action.to_head)) {
      throw new StepFailure(
        `${step.host}: ${action.project} schema is at ${head ?? 'unknown'} after the sync, expected ${action.to_head}`,
        {
          command: asUser(def.asUser, def.versionCommand),
        },
      );
    }
    return { summary: `${action.project} schema ${action.from_head} → ${head}` };
  },
  async probe(step, action, rc) {
    const def = syncDef(rc, step, action.project);
    if (def.versionCommand === '') return 'unknown';
    return sameHead(await schemaVersion(rc, step.host, action.project), action.to_head) ? 'done' : 'not-done';
  },
};
