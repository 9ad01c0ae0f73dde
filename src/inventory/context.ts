// What every inventory check needs to turn a finding into one InputError at the right line: the file name
// and the parsed document with its line counter.

import type { Document, LineCounter } from 'yaml';
import { InputError } from '../errors.js';
import { type DocPath, positionOf } from './positions.js';

export interface SourceContext {
  file: string;
  doc: Document;
  lc: LineCounter;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `hosts[3].roles[0]`; keys that are not identifiers are quoted: `facts.db_rows["nova.instances"]`. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A user value quoted and escaped for a message: control characters never reach the terminal raw. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

export interface ErrorOptions {
  hint?: string;
  /** Point at the key rather than its value (unknown or forbidden keys). */
  key?: boolean;
  code?: string;
}

export function inputError(
  ctx: SourceContext,
  path: DocPath,
  message: string,
  opts: ErrorOptions = {},
): InputError {
  const { line, col } = positionOf(ctx.doc, ctx.lc, path, { key: opts.key ?? false });
  return new InputError({ file: ctx.file, line, col }, formatPath(path), message, {
    ...(opts.hint === undefined ? {} : { hint: opts.hint }),
    code: opts.code ?? 'ERR_INVENTORY',
  });
}
