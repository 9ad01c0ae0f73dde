// Problems only a planner can see (a scenario's needs) are still bad input: exit 2, file:line, field.

import { describe, expect, it } from 'vitest';
import { CATALOG } from '../src/catalog/index.js';
import { InputError } from '../src/errors.js';
import { parseInventory } from '../src/inventory/load.js';
import { planUpgrade } from '../src/plan/planners/index.js';

const base = (extra: string) => `
cloud: lab
upgrade: { from: havana, to: icehouse }
distro: ubuntu-12.04-uca
networking: neutron-ml2
hosts:
  - { name: ctl1, roles: [controller] }
  - { name: "cmp[1:2]", roles: [compute] }
${extra}`;

function planError(yaml: string, scenario: 'live-compute' | 'parallel-compute'): InputError {
  const inventory = parseInventory(yaml, 'lab.yaml', CATALOG);
  try {
    planUpgrade(inventory, CATALOG, scenario);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('planning succeeded');
}

describe('input errors found while planning', () => {
  it('names the line of a Havana nova-compute older than 2013.2.2 for live-compute', () => {
    const err = planError(base('facts:\n  versions:\n    nova-compute: "2013.2.1"\n'), 'live-compute');
    expect(err.exitCode).toBe(2);
    expect(err.field).toBe('facts.versions.nova-compute');
    expect(err.message).toMatch(
      /^lab\.yaml:11:5: facts\.versions\.nova-compute: nova-compute 2013\.2\.1 is older/,
    );
  });

  it('accepts a new enough version', () => {
    const inventory = parseInventory(
      base('facts:\n  versions:\n    nova-compute: "2013.2.3"\n'),
      'lab.yaml',
      CATALOG,
    );
    expect(planUpgrade(inventory, CATALOG, 'live-compute').steps.length).toBeGreaterThan(0);
  });

  it('refuses parallel-compute without spare hosts, naming the field', () => {
    const err = planError(base(''), 'parallel-compute');
    expect(err.exitCode).toBe(2);
    expect(err.field).toBe('spare_hosts');
    expect(err.message).toContain('lab.yaml');
  });

  it('names the policy line when more controllers run nova-compute than may be out at once', () => {
    const yaml = `
cloud: lab
upgrade: { from: havana, to: icehouse }
distro: ubuntu-12.04-uca
networking: neutron-ml2
hosts:
  - { name: "ctl[1:2]", roles: [controller, compute] }
  - { name: cmp1, roles: [compute] }
policy:
  max_parallel_computes: 1
`;
    const err = planError(yaml, 'live-compute');
    expect(err.field).toBe('policy.max_parallel_computes');
    expect(err.message).toMatch(/^lab\.yaml:10:3: policy\.max_parallel_computes:/);
  });
});
