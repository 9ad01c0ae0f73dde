// Benchmark: how close the engine's schedule comes to the lower bound, next to Ansible-style fixed
// batches on the same plan. Every step takes exactly its estimate (EstimateDriver), so the bounds and
// the schedule use the same numbers.
//   lower bound = Σ over phases of max(the phase's critical path, its work ÷ parallelism, its compute
//                 work ÷ max_parallel_computes)
// Phases are barrier-separated (every step of a phase waits for every step of the one before), so the
// phase bounds add up; the last term is the policy's own limit (at most that many computes busy).
// Run: npm run bench   (BENCH_COMPUTES, BENCH_PARALLELISM change the size)

import { CATALOG } from '../src/catalog/index.js';
import { SCENARIOS } from '../src/catalog/types.js';
import { Engine } from '../src/engine/engine.js';
import { computeHosts } from '../src/engine/host-classes.js';
import { VirtualClock } from '../src/engine/virtual-clock.js';
import { parseInventory } from '../src/inventory/load.js';
import { checkPlan } from '../src/plan/check/index.js';
import { checkContextFor } from '../src/plan/check-context.js';
import { planUpgrade } from '../src/plan/planners/index.js';
import type { Plan } from '../src/plan/types.js';
import { MemoryJournal } from '../src/store/memory-journal.js';
import { EstimateDriver } from './support/estimate-driver.js';
import { fixedBatchMakespan } from './support/fixed-batches.js';
import { benchInventoryYaml } from './support/inventory.js';

const COMPUTES = Number(process.env.BENCH_COMPUTES ?? 10_000);
const PARALLELISM = Number(process.env.BENCH_PARALLELISM ?? 64);

const inventory = parseInventory(benchInventoryYaml(COMPUTES), 'bench/cloud.yaml', CATALOG);
const h = (s: number) => `${(s / 3600).toFixed(2)} h`;
console.log(
  `computes ${COMPUTES}, parallelism ${PARALLELISM}, max_parallel_computes ${inventory.policy.max_parallel_computes}`,
);
console.log(
  'scenario             engine     bound      engine/bound  fixed batches  fixed/bound  (whole plan: critical path, work/P, compute work/limit)',
);
for (const scenario of SCENARIOS) {
  const plan = planUpgrade(inventory, CATALOG, scenario);
  const check = checkPlan(plan, checkContextFor(inventory, CATALOG, scenario));
  const clock = new VirtualClock(0);
  const journal = new MemoryJournal();
  await journal.createRun(
    {
      id: 'bench',
      created_at: 0,
      created_wall: '',
      cloud: plan.cloud,
      scenario,
      plan_hash: '',
      driver: 'twin',
      options: {},
    },
    plan,
  );
  const engine = new Engine({
    runId: 'bench',
    plan,
    check,
    driver: new EstimateDriver(clock),
    clock,
    journal,
    parallelism: PARALLELISM,
    approveGate: async () => 'bench',
  });
  const t0 = performance.now();
  const outcome = await clock.run(() => engine.run());
  const wall = performance.now() - t0;
  if (outcome.status !== 'succeeded') throw new Error(`${scenario}: ${outcome.status}`);
  const makespan = (outcome.finishedAt - outcome.startedAt) / 1000;
  const { bound, cp, work, computeWork } = phaseBound(plan, PARALLELISM);
  const fixed = fixedBatchMakespan(plan, plan.policy.max_parallel_computes);
  console.log(
    `${scenario.padEnd(20)} ${h(makespan).padStart(9)}  ${h(bound).padStart(9)}  ${((makespan / bound - 1) * 100).toFixed(2).padStart(8)} %   ${h(fixed).padStart(12)}  ${((fixed / bound - 1) * 100).toFixed(1).padStart(8)} %   (${h(cp)}, ${h(work)}, ${h(computeWork)})  [engine ${wall.toFixed(0)} ms wall]`,
  );
}

function phaseBound(plan: Plan, parallelism: number) {
  const computes = computeHosts(plan);
  const limit = plan.policy.max_parallel_computes;
  const phaseOf = new Map(plan.steps.map((s) => [s.id, s.phase]));
  const finish = new Map<string, number>();
  const perPhase = new Map<string, { cp: number; work: number; computeWork: number }>();
  let work = 0;
  let computeWork = 0;
  // Planner output lists every step after its dependencies.
  for (const s of plan.steps) {
    let start = 0;
    for (const dep of s.after)
      if (phaseOf.get(dep) === s.phase) start = Math.max(start, finish.get(dep) ?? 0);
    finish.set(s.id, start + s.estimate_s);
    const p = perPhase.get(s.phase) ?? { cp: 0, work: 0, computeWork: 0 };
    p.cp = Math.max(p.cp, start + s.estimate_s);
    p.work += s.estimate_s;
    work += s.estimate_s;
    if (computes.has(s.host)) {
      p.computeWork += s.estimate_s;
      computeWork += s.estimate_s;
    }
    perPhase.set(s.phase, p);
  }
  let bound = 0;
  for (const p of perPhase.values()) bound += Math.max(p.cp, p.work / parallelism, p.computeWork / limit);
  return { bound, cp: plan.estimate.duration_s, work: work / parallelism, computeWork: computeWork / limit };
}
