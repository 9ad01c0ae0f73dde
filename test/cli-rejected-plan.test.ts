// `stackhop plan` on a plan the checker rejects: exit 1, the violations on stderr, nothing on stdout and
// no output file. The real planners only produce good plans, so this file replaces `planUpgrade` (the
// seam: plan.ts imports it from planners/index.js) with the real planner followed by a mutation.

import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Plan } from '../src/plan/types.js';
import { runCli } from './support/cli.js';
import { MUTATIONS, mutate } from './support/plan-mutations.js';

const state = vi.hoisted(() => ({ mutation: undefined as string | undefined }));

vi.mock('../src/plan/planners/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/plan/planners/index.js')>();
  return {
    ...real,
    planUpgrade: (...args: Parameters<typeof real.planUpgrade>): Plan => {
      const plan = real.planUpgrade(...args);
      const m = MUTATIONS.find((x) => x.name === state.mutation);
      return m === undefined ? plan : (mutate(plan, m) ?? plan);
    },
  };
});

const HA = relative(process.cwd(), join(import.meta.dirname, '..', 'examples', 'ha-ubuntu.yaml'));
const tmp = mkdtempSync(join(tmpdir(), 'stackhop-rejected-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cases = MUTATIONS.filter((m) => m.scenarios.includes('live-compute')).map((m) => [m.name, m] as const);

describe('plan rejected by the checker', () => {
  it('an unmutated plan still exits 0 through the mocked seam', async () => {
    state.mutation = undefined;
    const r = await runCli(['plan', HA, '--scenario', 'live-compute', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
  });

  it.each(cases)('%s → exit 1 naming the invariant', async (_name, m) => {
    state.mutation = m.name;
    const r = await runCli(['plan', HA, '--scenario', 'live-compute']);
    state.mutation = undefined;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith('plan rejected:'), r.stderr).toBe(true);
    expect(r.stderr).toContain(`✗ ${m.invariant}: `);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('with -o, a rejected plan writes no file at all', async () => {
    const out = join(tmp, 'plan.json');
    state.mutation = MUTATIONS.find((x) => x.invariant === 'live.unpin-after-computes')!.name;
    const r = await runCli(['plan', HA, '--scenario', 'live-compute', '--format', 'json', '-o', out]);
    state.mutation = undefined;
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
