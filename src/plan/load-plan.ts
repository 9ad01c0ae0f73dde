// Reads a plan JSON (`stackhop plan --format json`, maybe edited by hand) back into a Plan. Only its
// shape is checked here; whether it is safe is the checker's business. Errors name the file, the line
// and the field, with exit code 2.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { PLAN_FORMAT, type Plan } from './types.js';

const ACTION_KINDS = [
  'backup-database',
  'backup-config',
  'switch-repository',
  'upgrade-packages',
  'stop-services',
  'start-services',
  'restart-services',
  'edit-config',
  'pre-sync',
  'db-sync',
  'set-rpc-pin',
  'clear-rpc-pin',
  'disable-compute',
  'enable-compute',
  'drain-compute',
  'wait-services',
  'verify',
  'gate',
  'register-endpoint',
  'retarget-compute',
  'decommission',
] as const;

const stepSchema = z.looseObject({
  id: z.string().min(1),
  phase: z.string().min(1),
  host: z.string().min(1),
  action: z.looseObject({ kind: z.enum(ACTION_KINDS) }),
  after: z.array(z.string()),
  estimate_s: z.number().nonnegative(),
  opens: z.array(z.string()),
  closes: z.array(z.string()),
});

const planSchema = z.looseObject({
  format: z.literal(PLAN_FORMAT),
  cloud: z.string(),
  scenario: z.enum(['all-at-once', 'service-by-service', 'parallel-compute', 'live-compute']),
  from: z.string(),
  to: z.string(),
  distro: z.string(),
  networking: z.string(),
  policy: z.looseObject({
    max_parallel_computes: z.number().int().positive(),
    max_failed_hosts: z.number().int().nonnegative(),
  }),
  phases: z.array(z.looseObject({ id: z.string(), title: z.string() })),
  steps: z.array(stepSchema),
  warnings: z.array(z.unknown()),
  estimate: z.unknown(),
});

export function parsePlan(text: string, file: string): Plan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const { line, col } = jsonErrorPosition(text, err);
    throw new InputError({ file, line, col }, '', `not valid JSON: ${(err as Error).message}`);
  }
  const result = planSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    const { line, col } = locateField(text, data, issue.path);
    throw new InputError({ file, line, col }, field, issue.message, {
      hint: 'a plan file is the output of `stackhop plan --format json`',
    });
  }
  return result.data as unknown as Plan;
}

export async function loadPlan(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError({ file, line: 0, col: 0 }, '', `cannot read the plan: ${(err as Error).message}`);
  }
  return parsePlan(text, file);
}

function jsonErrorPosition(text: string, err: unknown): { line: number; col: number } {
  const m = /position (\d+)/.exec(String((err as Error).message));
  if (m === null) return { line: 1, col: 1 };
  return lineCol(text, Number(m[1]));
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, col: offset - last };
}

/**
 * Where a field is, approximately: for `steps.N.…`, the line of that step's id (found by its value),
 * then the first occurrence of the offending key after it. Enough to land on the right step of a
 * hand-edited plan.
 */
function locateField(
  text: string,
  data: unknown,
  path: readonly PropertyKey[],
): { line: number; col: number } {
  let from = 0;
  if (path[0] === 'steps' && typeof path[1] === 'number') {
    const id = (data as { steps?: Array<{ id?: unknown }> }).steps?.[path[1]]?.id;
    if (typeof id === 'string') {
      const at = text.search(new RegExp(`"id"\\s*:\\s*${escapeRegExp(JSON.stringify(id))}`));
      if (at >= 0) from = at;
    }
  }
  const last = [...path].reverse().find((k) => typeof k === 'string' && k !== 'steps');
  if (typeof last === 'string') {
    const at = text.indexOf(`"${last}"`, from);
    if (at >= 0) from = at;
  }
  return lineCol(text, from);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
