// Turns zod's issues into one InputError: the issue most likely to be the root cause (an unknown key is
// usually a typo that also makes a required key "missing"), else the first in the file.

import { z } from 'zod';
import { type InputError, InternalError } from '../errors.js';
import { formatPath, inputError, type SourceContext, show } from './context.js';
import { type DocPath, positionOf } from './positions.js';
import { didYouMean, guessHint } from './suggest.js';

type Issue = z.core.$ZodIssue;

function toDocPath(path: readonly PropertyKey[]): DocPath {
  return path.map((seg) => (typeof seg === 'number' ? seg : String(seg)));
}

function valueAt(data: unknown, path: DocPath): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** The keys an object schema accepts at `path`, for "did you mean". */
export function knownKeysAt(schema: z.ZodType, path: DocPath): string[] {
  let cur: z.ZodType | undefined = schema;
  const unwrap = (s: z.ZodType): z.ZodType => {
    let t = s;
    for (;;) {
      if (t instanceof z.ZodOptional || t instanceof z.ZodDefault || t instanceof z.ZodPrefault) {
        t = t.unwrap() as z.ZodType;
      } else return t;
    }
  };
  for (const seg of path) {
    if (cur === undefined) return [];
    const s = unwrap(cur);
    if (s instanceof z.ZodObject) cur = (s.shape as Record<string, z.ZodType>)[String(seg)];
    else if (s instanceof z.ZodArray) cur = s.element as z.ZodType;
    else if (s instanceof z.ZodRecord) cur = s.valueType as z.ZodType;
    else return [];
  }
  if (cur === undefined) return [];
  const last = unwrap(cur);
  return last instanceof z.ZodObject ? Object.keys(last.shape) : [];
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'int':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a mapping';
    default:
      return expected;
  }
}

function issueError(ctx: SourceContext, schema: z.ZodType, data: unknown, issue: Issue): InputError {
  const path = toDocPath(issue.path);
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      const known = knownKeysAt(schema, path);
      const where = path.length === 0 ? 'at the top level' : `in ${formatPath(path)}`;
      return inputError(ctx, [...path, key], `unknown key ${JSON.stringify(key)} ${where}`, {
        key: true,
        hint: didYouMean(key, known),
      });
    }
    case 'invalid_type': {
      const expected = describeExpected(issue.expected);
      if (value === undefined) return inputError(ctx, path, `missing; expected ${expected}`);
      return inputError(ctx, path, `expected ${expected}, found ${show(value)}`);
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => String(v));
      const found = value === undefined ? 'missing' : `found ${show(value)}`;
      const guess = typeof value === 'string' ? guessHint(value, allowed) : undefined;
      return inputError(ctx, path, `${found}; allowed: ${allowed.join(', ')}`, {
        ...(guess === undefined ? {} : { hint: guess }),
      });
    }
    case 'too_small': {
      if (issue.origin === 'number' || issue.origin === 'int') {
        const op = issue.inclusive === false ? '>' : '≥';
        return inputError(ctx, path, `found ${show(value)}; must be ${op} ${String(issue.minimum)}`);
      }
      return inputError(ctx, path, `found ${show(value)}; ${issue.message}`);
    }
    case 'too_big': {
      if (issue.origin === 'number' || issue.origin === 'int') {
        const op = issue.inclusive === false ? '<' : '≤';
        return inputError(ctx, path, `found ${show(value)}; must be ${op} ${String(issue.maximum)}`);
      }
      return inputError(ctx, path, `found ${show(value)}; ${issue.message}`);
    }
    case 'invalid_key': {
      const inner = issue.issues[0]?.message ?? issue.message;
      return inputError(ctx, path, `key ${show(path[path.length - 1])}: ${inner}`, { key: true });
    }
    default:
      return inputError(ctx, path, `found ${show(value)}; ${issue.message}`);
  }
}

function issuePosition(ctx: SourceContext, issue: Issue): number {
  const path = toDocPath(issue.path);
  const target = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0] ?? ''] : path;
  const { line, col } = positionOf(ctx.doc, ctx.lc, target, { key: issue.code === 'unrecognized_keys' });
  return line * 1_000_000 + col;
}

export function schemaError(
  ctx: SourceContext,
  schema: z.ZodType,
  data: unknown,
  issues: readonly Issue[],
): InputError {
  const keyed = issues.filter((i) => i.code === 'unrecognized_keys');
  const candidates = keyed.length > 0 ? keyed : issues;
  let first: Issue | undefined;
  let firstPos = Number.POSITIVE_INFINITY;
  for (const issue of candidates) {
    const pos = issuePosition(ctx, issue);
    if (pos < firstPos) {
      first = issue;
      firstPos = pos;
    }
  }
  if (first === undefined) throw new InternalError('schemaError called without issues');
  return issueError(ctx, schema, data, first);
}
