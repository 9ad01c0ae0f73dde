// policy.json: set one top-level key of the JSON object, touching only that member's text (or adding
// one after the last member, indented like it), so a reviewer's diff is one line and the file's own
// layout — 4 spaces in the Havana policy files, 2 in some hand-written ones — stays.

import { assertSingleLine, ConfigEditError } from './errors.js';
import { detectEol } from './lines.js';

interface Member {
  key: string;
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

const DEFAULT_INDENT = '    ';

export function applyJsonSet(text: string, key: string, value: string): string {
  const context = { op: 'json-set', key } as const;
  assertSingleLine(key, 'key', context);
  assertSingleLine(value, 'value', context);
  const parsed = parseObject(text, context);
  if (Object.hasOwn(parsed, key) && parsed[key] === value) return text;
  const out = edit(text, key, JSON.stringify(value));
  const check = parseObject(out, context);
  if (check[key] !== value)
    throw new ConfigEditError('the edited file does not read back the value', context);
  return out;
}

function parseObject(text: string, context: { op: 'json-set'; key: string }): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ConfigEditError('not valid JSON', context, { cause });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigEditError('the file is not a JSON object', context);
  }
  return parsed as Record<string, unknown>;
}

function edit(text: string, key: string, valueJson: string): string {
  const { open, close, members } = topLevel(text);
  // Duplicate keys: JSON.parse and Python's json both keep the last, so that is the one to change.
  const existing = members.filter((m) => m.key === key).at(-1);
  if (existing !== undefined) {
    return text.slice(0, existing.valueStart) + valueJson + text.slice(existing.valueEnd);
  }
  const eol = detectEol(text);
  const last = members.at(-1);
  if (last === undefined) {
    const member = `${JSON.stringify(key)}: ${valueJson}`;
    return `${text.slice(0, open + 1)}${eol}${DEFAULT_INDENT}${member}${eol}${text.slice(close)}`;
  }
  const between = text.slice(last.keyEnd, last.valueStart);
  const member = `${JSON.stringify(key)}${between.includes('\n') ? ': ' : between}${valueJson}`;
  const lineStart = text.lastIndexOf('\n', last.keyStart - 1) + 1;
  const indent = text.slice(lineStart, last.keyStart);
  const ownLine = lineStart > open && /^[ \t]*$/.test(indent);
  const insert = ownLine ? `,${eol}${indent}${member}` : `, ${member}`;
  return text.slice(0, last.valueEnd) + insert + text.slice(last.valueEnd);
}

/** Positions of the root object's members. Runs on text JSON.parse accepted, so it checks nothing. */
function topLevel(text: string): { open: number; close: number; members: Member[] } {
  const open = skipSpace(text, 0);
  const members: Member[] = [];
  let i = open + 1;
  for (;;) {
    i = skipSpace(text, i);
    if (text[i] === '}') return { open, close: i, members };
    if (text[i] === ',') i = skipSpace(text, i + 1);
    const keyStart = i;
    const keyEnd = skipString(text, i);
    const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const valueEnd = skipValue(text, valueStart);
    members.push({
      key: JSON.parse(text.slice(keyStart, keyEnd)) as string,
      keyStart,
      keyEnd,
      valueStart,
      valueEnd,
    });
    i = valueEnd;
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  return i;
}

function skipString(text: string, i: number): number {
  let j = i + 1;
  while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j + 1;
}

function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    let j = i;
    do {
      const d = text[j];
      if (d === '"') {
        j = skipString(text, j);
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') depth--;
      j++;
    } while (depth > 0);
    return j;
  }
  let j = i;
  while (j < text.length && !' \t\r\n,}]'.includes(text[j]!)) j++;
  return j;
}
