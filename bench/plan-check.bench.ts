// Benchmark: plan + check every scenario for a cloud of 10,000 computes and 3 controllers.
// Target (issue 2): all four together < 1 s and peak RSS < 300 MB on the project's 2-core machine.
// Run: npm run bench   (results go in docs/benchmarks.md)

import { CATALOG } from '../src/catalog/index.js';
import { SCENARIOS } from '../src/catalog/types.js';
import { parseInventory } from '../src/inventory/load.js';
import { checkPlan } from '../src/plan/check/index.js';
import { checkContextFor } from '../src/plan/check-context.js';
import { planUpgrade } from '../src/plan/planners/index.js';
import { benchInventoryYaml } from './support/inventory.js';

const COMPUTES = Number(process.env.BENCH_COMPUTES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const yaml = benchInventoryYaml(COMPUTES);

const inventory = parseInventory(yaml, 'bench/10k.yaml', CATALOG);
const rows: string[] = [];
let best = Number.POSITIVE_INFINITY;
for (let round = 0; round < ROUNDS; round++) {
  const t0 = performance.now();
  const parts: string[] = [];
  for (const scenario of SCENARIOS) {
    const s0 = performance.now();
    const plan = planUpgrade(inventory, CATALOG, scenario);
    const s1 = performance.now();
    const result = checkPlan(plan, checkContextFor(inventory, CATALOG, scenario));
    const s2 = performance.now();
    if (!result.ok) throw new Error(`${scenario}: plan rejected: ${result.violations[0]?.message}`);
    parts.push(
      `${scenario} ${plan.steps.length} steps plan ${(s1 - s0).toFixed(0)} ms check ${(s2 - s1).toFixed(0)} ms`,
    );
  }
  const total = performance.now() - t0;
  best = Math.min(best, total);
  rows.push(`round ${round + 1}: ${total.toFixed(0)} ms  (${parts.join('; ')})`);
}
const rssMb = process.resourceUsage().maxRSS / 1024;
console.log(rows.join('\n'));
console.log(
  `\ncomputes ${COMPUTES}, all four scenarios planned + checked: best ${best.toFixed(0)} ms, peak RSS ${rssMb.toFixed(0)} MB`,
);
console.log(`target: < 1000 ms and < 300 MB → ${best < 1000 && rssMb < 300 ? 'met' : 'NOT met'}`);
