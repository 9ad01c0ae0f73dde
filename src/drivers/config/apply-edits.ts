// The driver's entry point for a catalog config edit: text in, text out, no I/O. The driver reads the
// file, resolves the run-time values (`valuesNeeded`), calls `applyConfigEdits`, and writes back only
// when something changed; `editsApplied` is its probe on resume.
//
// Idempotence: every op is idempotent on its own. A list is when no op writes a key (set, move
// target) that an earlier op moves away, maps or unsets, and no op writes into a section the list
// comments out; otherwise the next run would undo the write and redo it. The catalog's lists qualify
// (tested).

import type { ConfigEditOp, ConfigFormat, ConfigValue } from '../../catalog/types.js';
import { assertSingleLine, ConfigEditError } from './errors.js';
import { IniDocument } from './ini.js';
import { applyJsonSet } from './json-set.js';
import { applyPythonAssign } from './python-assign.js';

/** Resolves a `copyFrom` or `lookup` value; literals never reach it. */
export type ResolveValue = (value: ConfigValue) => string;

export interface EditResult {
  text: string;
  /** The text differs from the input: the driver must write it. */
  changed: boolean;
}

export function applyConfigEdits(
  text: string,
  format: ConfigFormat,
  ops: readonly ConfigEditOp[],
  resolve: ResolveValue,
): EditResult {
  const out = edit(text, format, ops, resolve);
  return { text: out, changed: out !== text };
}

/** True when applying the edits would change nothing: they are already in the file. */
export function editsApplied(
  text: string,
  format: ConfigFormat,
  ops: readonly ConfigEditOp[],
  resolve: ResolveValue,
): boolean {
  return !applyConfigEdits(text, format, ops, resolve).changed;
}

/** The run-time values the ops need (copyFrom and lookup), each once, in op order. */
export function valuesNeeded(ops: readonly ConfigEditOp[]): ConfigValue[] {
  const seen = new Map<string, ConfigValue>();
  for (const op of ops) {
    if (op.op !== 'set' || 'literal' in op.value) continue;
    const id = JSON.stringify(op.value);
    if (!seen.has(id)) seen.set(id, op.value);
  }
  return [...seen.values()];
}

/** Where a value comes from, for messages: never the value, which may be a password. */
export function describeValue(value: ConfigValue): string {
  if ('literal' in value) return 'the literal value';
  if ('lookup' in value) return `the looked-up value ${value.lookup}`;
  const c = value.copyFrom;
  return `the value copied from ${c.file} [${c.section}] ${c.key}`;
}

function edit(
  text: string,
  format: ConfigFormat,
  ops: readonly ConfigEditOp[],
  resolve: ResolveValue,
): string {
  switch (format) {
    case 'symlink':
      throw symlinkError();
    case 'ini': {
      const doc = IniDocument.parse(text);
      for (const op of ops) editIni(doc, op, resolve);
      return doc.toString();
    }
    case 'python':
      return ops.reduce((t, op) => {
        if (op.op !== 'python-assign') throw wrongFormat(op, format);
        return applyPythonAssign(t, op.name, op.map);
      }, text);
    case 'json':
      return ops.reduce((t, op) => {
        if (op.op !== 'json-set') throw wrongFormat(op, format);
        return applyJsonSet(t, op.key, op.value);
      }, text);
  }
}

function editIni(doc: IniDocument, op: ConfigEditOp, resolve: ResolveValue): void {
  switch (op.op) {
    case 'set':
      doc.set(op.section, op.key, resolveValue(op, resolve));
      break;
    case 'unset':
      doc.unset(op.section, op.key);
      break;
    case 'move':
      doc.move(op.section, op.key, op.toSection, op.toKey);
      break;
    case 'map':
      doc.map(op.section, op.key, op.map);
      break;
    case 'comment-section':
      doc.commentSection(op.section, op.keep);
      break;
    default:
      throw wrongFormat(op, 'ini');
  }
}

function resolveValue(op: Extract<ConfigEditOp, { op: 'set' }>, resolve: ResolveValue): string {
  const value = 'literal' in op.value ? op.value.literal : resolve(op.value);
  assertSingleLine(value, describeValue(op.value), { op: 'set', section: op.section, key: op.key });
  return value;
}

function symlinkError(): ConfigEditError {
  return new ConfigEditError('a symlink is not a text edit: the driver creates the link itself', {
    op: 'symlink',
  });
}

function wrongFormat(op: ConfigEditOp, format: ConfigFormat): ConfigEditError {
  if (op.op === 'symlink') return symlinkError();
  return new ConfigEditError(`op ${op.op} does not apply to a ${format} file`, { op: op.op });
}
