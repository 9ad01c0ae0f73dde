import { describe, expect, it } from 'vitest';
import type { Plan, Step } from '../types.js';
import { renderPlan } from './index.js';
import { renderJson } from './json.js';
import { testPlan } from './test-plans.js';

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reverseKeys(v)]),
  );
}

describe('renderJson', () => {
  const plan = testPlan({ computes: 12 });
  const json = renderJson(plan);

  it('round-trips the plan', () => {
    expect(JSON.parse(json)).toEqual(plan);
    expect(json.endsWith('}\n')).toBe(true);
    expect(renderPlan(plan, 'json')).toBe(json);
  });

  it('uses the contract key order whatever order the objects were built in', () => {
    const scrambled = reverseKeys(plan) as Plan;
    expect(Object.keys(scrambled)[0]).toBe('estimate');
    expect(renderJson(scrambled)).toBe(json);
    const parsed = JSON.parse(json) as Plan;
    expect(Object.keys(parsed)).toEqual([
      'format',
      'cloud',
      'scenario',
      'from',
      'to',
      'distro',
      'networking',
      'policy',
      'phases',
      'steps',
      'warnings',
      'estimate',
    ]);
    const drained = parsed.steps.find((s) => s.action.kind === 'drain-compute')!;
    expect(Object.keys(drained)).toEqual([
      'id',
      'phase',
      'host',
      'action',
      'after',
      'estimate_s',
      'opens',
      'closes',
      'batch',
    ]);
    expect(Object.keys(drained.action)).toEqual(['kind', 'mode', 'instances']);
    const sync = parsed.steps.find((s) => s.action.kind === 'db-sync')!;
    expect(Object.keys(sync).slice(-1)).toEqual(['irreversible']);
    expect(Object.keys(sync.action)).toEqual(['kind', 'project', 'database', 'from_head', 'to_head']);
  });

  it('puts optional fields in a fixed order and unknown fields last, sorted', () => {
    const step = {
      zeta: 1,
      irreversible: true,
      batch: 2,
      env: 'new',
      closes: [],
      opens: [],
      estimate_s: 1,
      after: [],
      action: {
        edits: [
          {
            ops: [{ value: { literal: 'x' }, key: 'k', section: 's', op: 'set' }],
            format: 'ini',
            file: '/etc/nova/nova.conf',
            id: 'e1',
          },
        ],
        project: 'nova',
        kind: 'edit-config',
      },
      host: 'h',
      phase: 'p',
      id: 'p/h/x',
      alpha: 2,
    } as unknown as Step;
    const out = renderJson({ ...plan, steps: [step] });
    const parsed = JSON.parse(out) as { steps: Array<Record<string, unknown>> };
    expect(Object.keys(parsed.steps[0]!)).toEqual([
      'id',
      'phase',
      'host',
      'action',
      'after',
      'estimate_s',
      'opens',
      'closes',
      'env',
      'batch',
      'irreversible',
      'alpha',
      'zeta',
    ]);
    expect(out).toContain('"kind": "edit-config",\n        "project": "nova",\n        "edits": [');
    expect(out).toContain(
      '"op": "set",\n                "section": "s",\n                "key": "k",\n                "value": {\n                  "literal": "x"',
    );
  });
});
