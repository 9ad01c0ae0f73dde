// Horizon's local_settings(.py) is Python, read by Django: the `python-assign` op maps the string
// value of a top-level `NAME = '...'` from old to new (Havana's OPENSTACK_KEYSTONE_DEFAULT_ROLE
// "Member" → "_member_"). Only a module-level statement at column 0 whose value is a plain one-line
// string literal is edited: anything else (an expression, a name, a string with escapes, a line in a
// dict or a docstring) is not one of the known old values, so it stays.

import { assertIdempotentMap, ConfigEditError, mapped } from './errors.js';
import { joinLines, type Line, splitLines } from './lines.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `NAME = `; `==` is a comparison, not an assignment. */
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)[ \t]*=(?!=)[ \t]*/;
/** An optional prefix, a quote, text without quotes or backslashes, the same quote, a comment. */
const STRING = /^([uUrRbB]{0,2})(['"])([^'"\\]*)\2[ \t]*(#.*)?$/;

export function applyPythonAssign(text: string, name: string, map: Readonly<Record<string, string>>): string {
  const context = { op: 'python-assign', key: name } as const;
  if (!IDENTIFIER.test(name)) throw new ConfigEditError('not a Python name', context);
  assertIdempotentMap(map, context);
  const lines = splitLines(text);
  const starts = statementStarts(lines);
  lines.forEach((line, i) => {
    if (!starts[i]) return;
    const indent = /^[ \t]*/.exec(line.text)![0];
    const a = ASSIGNMENT.exec(line.text.slice(indent.length));
    if (a === null || a[1] !== name) return;
    const rest = line.text.slice(indent.length + a[0].length);
    const s = STRING.exec(rest);
    if (s === null) return;
    const [, prefix = '', quote = '', old = ''] = s;
    const to = mapped(map, old);
    if (to === undefined || to === old) return;
    // Inside an `if` or a `def`: maybe the setting, maybe not. Guessing either way could leave the
    // old value in force while the probe reports the edit done.
    if (indent !== '') {
      throw new ConfigEditError(`assigns '${old}' inside a block; edit it by hand`, {
        ...context,
        line: i + 1,
      });
    }
    if (to.includes(quote) || to.includes('\\')) {
      throw new ConfigEditError(`cannot write '${to}' inside ${quote}…${quote} without escapes`, context);
    }
    const at = a[0].length + prefix.length + 1;
    line.text = line.text.slice(0, at) + to + line.text.slice(at + old.length);
  });
  return joinLines(lines);
}

/**
 * Which lines begin a statement at module level: not inside brackets, a triple-quoted string or a
 * backslash continuation. A `NAME = ...` line inside a dict or a docstring is not an assignment.
 */
function statementStarts(lines: readonly Line[]): boolean[] {
  let depth = 0;
  let triple: string | null = null;
  let continued = false;
  return lines.map(({ text }) => {
    const start = depth === 0 && triple === null && !continued;
    continued = false;
    let i = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (triple !== null) {
        if (c === '\\') i += 2;
        else if (text.startsWith(triple, i)) {
          triple = null;
          i += 3;
        } else i++;
        continue;
      }
      if (c === '#') break;
      if (c === '"' || c === "'") {
        if (text.startsWith(c.repeat(3), i)) {
          triple = c.repeat(3);
          i += 3;
          continue;
        }
        i++;
        while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
        i++;
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
      else if (c === '\\' && i === text.length - 1) continued = true;
      i++;
    }
    return start;
  });
}
