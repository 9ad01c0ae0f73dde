import { describe, expect, it } from 'vitest';
import { CATALOG } from '../catalog/index.js';
import { parseInventory } from '../inventory/load.js';
import { parsePlan } from './load-plan.js';
import { planUpgrade } from './planners/index.js';
import { renderPlan } from './render/index.js';

const inventory = parseInventory(
  `cloud: t
upgrade: { from: havana, to: icehouse }
distro: ubuntu-12.04-uca
networking: neutron-ovs
hosts:
  - { name: ctl1, address: 10.0.0.1, roles: [controller] }
  - { name: "cmp[1:2]", address: "10.0.1.[1:2]", roles: [compute] }
facts: { versions: { nova-compute: 2013.2.3 } }
`,
  't.yaml',
  CATALOG,
);
const plan = planUpgrade(inventory, CATALOG, 'live-compute');
const json = renderPlan(plan, 'json');

describe('parsePlan', () => {
  it('reads back what `plan --format json` writes', () => {
    const back = parsePlan(json, 'p.json');
    expect(back.steps.map((s) => s.id)).toEqual(plan.steps.map((s) => s.id));
    expect(back.steps[3]?.action).toEqual(plan.steps[3]?.action);
  });

  it('names the file and line of broken JSON, exit 2', () => {
    const broken = json.replace('"scenario"', '"scenario" oops');
    expect(() => parsePlan(broken, 'p.json')).toThrow(/^p\.json:\d+:\d+: not valid JSON/);
    expect(() => parsePlan(broken, 'p.json')).toThrow(expect.objectContaining({ exitCode: 2 }));
  });

  it('names the step, line and field of a wrong value', () => {
    const data = JSON.parse(json);
    const victim = data.steps[5];
    victim.action.kind = 'reboot-everything';
    const text = JSON.stringify(data, null, 2);
    const line = text.split('\n').findIndex((l) => l.includes(`"id": "${victim.id}"`)) + 1;
    let message = '';
    try {
      parsePlan(text, 'p.json');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^p\.json:(\d+):\d+: steps\.5\.action\.kind: /);
    expect(Number(/^p\.json:(\d+)/.exec(message)?.[1])).toBeGreaterThan(line);
  });

  it('refuses a file that is not a plan', () => {
    expect(() => parsePlan('{"format": "something/else"}', 'x.json')).toThrow(/x\.json:1:\d+: format: /);
  });
});
