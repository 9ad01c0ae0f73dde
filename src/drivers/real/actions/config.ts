// backup-config, edit-config and the RPC pins: files are read over SFTP, edited as text by
// drivers/config, written atomically, and their previous version kept in the run's backup folder.

import type { ConfigEditOp, ConfigFormat, ConfigValue } from '../../../catalog/types.js';
import { StepFailure } from '../../../engine/driver.js';
import type { ConfigEdit } from '../../../plan/types.js';
import { secretsOf } from '../../../security/config-secrets.js';
import {
  applyConfigEdits,
  ConfigEditError,
  clearRpcPinOps,
  describeValue,
  editsApplied,
  IniDocument,
  setRpcPinOps,
  valuesNeeded,
} from '../../config/index.js';
import { quote, shellCommand } from '../../ssh/shell-quote.js';
import type { RealContext } from '../real-context.js';
import { backupDir, configBackupCommand, fileBackupPath, fileNameOf } from '../render/backup.js';
import type { StepIO } from '../step-io.js';
import type { ActionHandler } from './types.js';

const NOVA_CONF = '/etc/nova/nova.conf';

function archiveOf(rc: RealContext, stepId: string): string {
  return `${backupDir(rc.runId)}/config/${fileNameOf(stepId)}.tgz`;
}

export const backupConfig: ActionHandler<'backup-config'> = {
  async execute(step, action, io) {
    const archive = archiveOf(io.rc, step.id);
    await io.must(step.host, configBackupCommand(action.paths, archive));
    const r = await io.must(step.host, shellCommand(['stat', '-c', '%s', archive]));
    return { summary: `${action.paths.length} path(s) → ${archive} (${r.stdout.trim()} bytes)` };
  },
  async probe(step, _action, rc) {
    const r = await rc.exec.exec(step.host, `test -s ${quote(archiveOf(rc, step.id))}`);
    return r.code === 0 ? 'done' : 'not-done';
  },
};

/** Resolves every non-literal value once per step; secrets among them join the redactor. */
async function resolver(
  rc: RealContext,
  host: string,
  ops: readonly ConfigEditOp[],
  signal: AbortSignal | undefined,
) {
  const values = new Map<string, string>();
  for (const v of valuesNeeded(ops)) {
    let value: string | undefined;
    if ('copyFrom' in v) {
      const { file, section, key } = v.copyFrom;
      const text = await rc.exec.readFile(host, file, signal);
      value = text === undefined ? undefined : IniDocument.parse(text).get(section, key);
      if (value === undefined)
        throw new StepFailure(`${host}: cannot find ${describeValue(v)}`, { permanent: true });
      addIfSecret(rc, key, value);
    } else if ('lookup' in v && v.lookup.startsWith('parallel-')) {
      value = await parallelLookup(rc, v.lookup, signal);
    } else if ('lookup' in v) {
      value = rc.lookups.get(v.lookup);
      if (value === undefined) {
        if (rc.cloud === undefined)
          throw new StepFailure(`${host}: ${describeValue(v)} needs the OpenStack APIs`, { permanent: true });
        value = await rc.cloud.lookup(v.lookup);
      }
    }
    if (value !== undefined) values.set(JSON.stringify(v), value);
  }
  return (v: ConfigValue): string => {
    if ('literal' in v) return v.literal;
    const value = values.get(JSON.stringify(v));
    if (value === undefined) throw new StepFailure(`${host}: ${describeValue(v)} was not resolved`);
    return value;
  };
}

/** The new deployment's values (parallel-compute): from the plan, and its database URL from the old one's. */
async function parallelLookup(
  rc: RealContext,
  name: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  const p = rc.parallel;
  if (p === undefined)
    throw new StepFailure(`${name}: this plan builds no parallel deployment`, { permanent: true });
  if (name === 'parallel-region') return p.region;
  if (name === 'parallel-nova-api-url') return p.apiUrl;
  const { host, file } = p.connectionFrom;
  const text = await rc.exec.readFile(host, file, signal);
  const doc = text === undefined ? undefined : IniDocument.parse(text);
  const old = doc?.get('database', 'connection') ?? doc?.get('DEFAULT', 'sql_connection');
  if (old === undefined) {
    throw new StepFailure(`${host}: no [database] connection in ${file} to derive the new deployment's`, {
      permanent: true,
    });
  }
  // Same server and credentials, the new deployment's own database (a query string is kept).
  const url = old.replace(/\/[^/?]*(\?.*)?$/, `/${p.database}$1`);
  addIfSecret(rc, 'connection', url);
  return url;
}

function addIfSecret(rc: RealContext, key: string, value: string): void {
  for (const secret of secretsOf(key, value)) rc.redactor.add(secret);
}

/** Keeps the file as it was before this run first touched it (a later edit must not overwrite that copy). */
async function keepOriginal(io: StepIO, host: string, path: string): Promise<void> {
  const copy = fileBackupPath(io.rc.runId, path);
  const dir = copy.slice(0, copy.lastIndexOf('/'));
  await io.must(
    host,
    // The copy goes through a temp name, so a crash never leaves a truncated "original" to restore.
    `umask 077 && mkdir -p ${quote(dir)} && { test -e ${quote(copy)} || { cp -p -- ${quote(path)} ${quote(`${copy}.tmp`)} && mv -f -- ${quote(`${copy}.tmp`)} ${quote(copy)}; }; }`,
  );
}

async function editFile(io: StepIO, host: string, edit: ConfigEdit): Promise<boolean> {
  const { rc } = io;
  if (edit.format === 'symlink') {
    const target = edit.ops.find((o) => o.op === 'symlink');
    if (target === undefined || target.op !== 'symlink')
      throw new StepFailure(`${host}: symlink edit ${edit.id} names no target`);
    const r = await io.run(host, `test "$(readlink -- ${quote(edit.file)})" = ${quote(target.target)}`);
    if (r.code === 0) return false;
    await io.must(host, shellCommand(['ln', '-sfn', target.target, edit.file]));
    return true;
  }
  const text = await rc.exec.readFile(host, edit.file, io.ctx.signal);
  if (text === undefined)
    throw new StepFailure(`${host}: ${edit.file} does not exist (edit ${edit.id})`, { permanent: true });
  const resolve = await resolver(rc, host, edit.ops, io.ctx.signal);
  let result: { text: string; changed: boolean };
  try {
    result = applyConfigEdits(text, edit.format as ConfigFormat, edit.ops, resolve);
  } catch (err) {
    if (err instanceof ConfigEditError)
      throw new StepFailure(`${host}: ${edit.file}: ${err.message}`, { permanent: true });
    throw err;
  }
  if (!result.changed) {
    io.note(`[${host}] ${edit.file}: ${edit.id} already applied`);
    return false;
  }
  await keepOriginal(io, host, edit.file);
  await rc.exec.writeFile(host, edit.file, result.text, { signal: io.ctx.signal });
  io.note(
    `[${host}] ${edit.file}: ${edit.id} written (previous copy in ${fileBackupPath(rc.runId, edit.file)})`,
  );
  return true;
}

async function applied(rc: RealContext, host: string, edit: ConfigEdit): Promise<boolean> {
  if (edit.format === 'symlink') {
    const target = edit.ops.find((o) => o.op === 'symlink');
    if (target?.op !== 'symlink') return false;
    return (
      (await rc.exec.exec(host, `test "$(readlink -- ${quote(edit.file)})" = ${quote(target.target)}`))
        .code === 0
    );
  }
  const text = await rc.exec.readFile(host, edit.file);
  if (text === undefined) return false;
  const resolve = await resolver(rc, host, edit.ops, undefined);
  return editsApplied(text, edit.format as ConfigFormat, edit.ops, resolve);
}

function installCommand(rc: RealContext, packages: readonly string[]): string {
  return rc.profile.packageManager === 'apt'
    ? shellCommand(['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', '-y', '-q', 'install', ...packages])
    : shellCommand(['yum', '-y', '-q', 'install', ...packages]);
}

export const editConfig: ActionHandler<'edit-config'> = {
  async execute(step, action, io) {
    if (action.install !== undefined && action.install.length > 0)
      await io.must(step.host, installCommand(io.rc, action.install));
    let written = 0;
    for (const e of action.edits) if (await editFile(io, step.host, e)) written++;
    return { summary: `${written} of ${action.edits.length} edit(s) written` };
  },
  async probe(step, action, rc) {
    for (const e of action.edits) if (!(await applied(rc, step.host, e))) return 'not-done';
    return 'done';
  },
};

function pinEdit(id: string, ops: ConfigEditOp[]): ConfigEdit {
  return { id, file: NOVA_CONF, format: 'ini', ops };
}

export const setRpcPin: ActionHandler<'set-rpc-pin'> = {
  async execute(step, action, io) {
    await editFile(
      io,
      step.host,
      pinEdit(`pin-${action.service}`, setRpcPinOps(action.service, action.level)),
    );
    return { summary: `[upgrade_levels] ${action.service} = ${action.level}` };
  },
  probe: async (step, action, rc) =>
    (await applied(rc, step.host, pinEdit('pin', setRpcPinOps(action.service, action.level))))
      ? 'done'
      : 'not-done',
};

export const clearRpcPin: ActionHandler<'clear-rpc-pin'> = {
  async execute(step, action, io) {
    await editFile(io, step.host, pinEdit(`unpin-${action.service}`, clearRpcPinOps(action.service)));
    return { summary: `[upgrade_levels] ${action.service} removed` };
  },
  probe: async (step, action, rc) =>
    (await applied(rc, step.host, pinEdit('unpin', clearRpcPinOps(action.service)))) ? 'done' : 'not-done',
};
