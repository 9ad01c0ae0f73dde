// How oslo.config reads an INI file (oslo_config/iniparser.py), as an index over the file's lines.
// We accept exactly the files oslo accepts: a file it would refuse (a key before any section, a line
// without `=` or `:`, an indented line that continues nothing) is one no service reads, and editing
// it would only hide the problem.

import { ConfigEditError } from './errors.js';
import type { Line } from './lines.js';

/** One assignment: its key line and the continuation lines after it, [first, end). */
export interface IniEntry {
  key: string;
  first: number;
  end: number;
}

/** A section header and the lines up to the next one; `name` null for the text before the first header. */
export interface IniBlock {
  name: string | null;
  header: number;
  end: number;
  entries: IniEntry[];
}

export function scanIni(lines: readonly Line[]): IniBlock[] {
  const blocks: IniBlock[] = [{ name: null, header: -1, end: 0, entries: [] }];
  let open: IniEntry | undefined;
  lines.forEach((line, i) => {
    const block = blocks.at(-1)!;
    block.end = i + 1;
    const text = line.text.trimEnd();
    if (text === '') {
      open = undefined;
      return;
    }
    if (text.startsWith(' ') || text.startsWith('\t')) {
      if (open === undefined) throw parseError(i, 'an indented line continues no key');
      open.end = i + 1;
      return;
    }
    open = undefined;
    if (text.startsWith('[')) {
      if (!text.endsWith(']')) throw parseError(i, 'section header without a closing ]');
      if (text.length <= 2) throw parseError(i, 'empty section name');
      blocks.push({ name: text.slice(1, -1), header: i, end: i + 1, entries: [] });
      return;
    }
    if (text.startsWith('#') || text.startsWith(';')) return;
    const split = splitAssignment(text);
    if (split === undefined) throw parseError(i, "neither '=' nor ':' on a line that is not a comment");
    if (split.key === '') throw parseError(i, 'empty key');
    if (block.name === null) throw parseError(i, 'key before the first section header');
    open = { key: split.key, first: i, end: i + 1 };
    block.entries.push(open);
  });
  return blocks;
}

function parseError(i: number, what: string): ConfigEditError {
  return new ConfigEditError(`${what} (oslo.config refuses this file too)`, { line: i + 1 });
}

/** oslo splits at the first `=` or `:`, whichever comes first. */
export function splitAssignment(text: string): { key: string; delim: number } | undefined {
  const colon = text.indexOf(':');
  const equal = text.indexOf('=');
  if (colon < 0 && equal < 0) return undefined;
  const delim = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon;
  return { key: text.slice(0, delim).trim(), delim };
}

/**
 * oslo.config ≥ 1.2 (Havana) lowercases section names, except DEFAULT: `[OVS]` and `[ovs]` are the
 * same group, `[default]` is not `[DEFAULT]`.
 */
export function sameSection(a: string, b: string): boolean {
  if (a === b) return true;
  if (a === 'DEFAULT' || b === 'DEFAULT') return false;
  return a.toLowerCase() === b.toLowerCase();
}

/** The value oslo reads: stripped, one pair of matching quotes removed, continuation lines joined by \n. */
export function entryValue(lines: readonly Line[], entry: IniEntry): string {
  const first = lines[entry.first]!.text.trimEnd();
  const { delim } = splitAssignment(first)!;
  let value = first.slice(delim + 1).trim();
  if (value !== '' && (value[0] === '"' || value[0] === "'") && value[0] === value.at(-1)) {
    value = value.slice(1, -1);
  }
  const parts = [value];
  for (let i = entry.first + 1; i < entry.end; i++) parts.push(lines[i]!.text.trim());
  return parts.join('\n');
}

/** The text that oslo reads back as `value`: quoted when stripping or unquoting would change it. */
export function encodeValue(value: string): string {
  const quoteLike = value !== '' && (value[0] === '"' || value[0] === "'") && value[0] === value.at(-1);
  return quoteLike || value !== value.trim() ? `"${value}"` : value;
}

/** The key line with its value replaced, keeping the key and the spacing around the delimiter. */
export function withValue(keyLine: string, value: string): string {
  const text = keyLine.trimEnd();
  const { delim } = splitAssignment(text)!;
  const head = text.slice(0, delim + 1);
  const encoded = encodeValue(value);
  if (encoded === '') return head;
  const after = /^[ \t]*/.exec(text.slice(delim + 1))![0];
  const spaced = after !== '' ? after : /\s$/.test(text.slice(0, delim)) ? ' ' : '';
  return `${head}${spaced}${encoded}`;
}

/** The key line renamed, keeping the delimiter and value text as written. */
export function withKey(keyLine: string, key: string, toKey: string): string {
  const at = keyLine.indexOf(key);
  return keyLine.slice(0, at) + toKey + keyLine.slice(at + key.length);
}

/** `key = value` or `key=value`: whichever the given key line uses (spaced when there is none). */
export function separatorOf(keyLine: string | undefined): string {
  if (keyLine === undefined) return ' = ';
  const { delim } = splitAssignment(keyLine.trimEnd())!;
  return /\s/.test(keyLine[delim - 1] ?? '') || /\s/.test(keyLine[delim + 1] ?? '') ? ' = ' : '=';
}
