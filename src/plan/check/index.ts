// checkPlan: proves the ordering invariants of DESIGN §5 on the DAG's partial order (every order the
// engine may pick), not on one lucky order. A plan with any violation is never run.

import { buildGraph } from '../graph.js';
import type { Plan } from '../types.js';
import { checkConfigFirst, checkDatabaseFirst } from './backup.js';
import { checkConductorBeforeComputes, checkReenabled } from './compute.js';
import { checkGraphProblems, checkHostsAndPhases, checkServiceStepsOrdered } from './dag.js';
import {
  checkPresyncBeforeSync,
  checkSingleSync,
  checkStoppedDuringSync,
  checkSyncBeforeNewCode,
} from './db.js';
import {
  checkControllersBeforeComputes,
  checkMinVersionPreflight,
  checkNeutronBetween,
  checkPinBeforeControllerStart,
  checkPinOnMigratingComputes,
  checkUnpinAfterComputes,
} from './live.js';
import { buildModel } from './model.js';
import {
  checkCapacityChecked,
  checkKeepOneEnabled,
  checkNewEnvFirst,
  checkRetargetWhenEmpty,
} from './parallel.js';
import { Reporter } from './report.js';
import { checkDisableBeforeStop, checkMaxParallel } from './rolling.js';
import { walkStates } from './state.js';
import type { CheckContext, CheckOptions, CheckResult } from './types.js';

export type { CheckContext, CheckOptions, CheckResult, Violation } from './types.js';

export const DEFAULT_MAX_PER_INVARIANT = 20;

export function checkPlan(plan: Plan, ctx: CheckContext, opts: CheckOptions = {}): CheckResult {
  const cap = opts.maxPerInvariant ?? DEFAULT_MAX_PER_INVARIANT;
  const r = new Reporter(cap);
  const { graph, problems } = buildGraph(plan);
  checkGraphProblems(problems, r);
  const m = buildModel(plan, ctx, graph);
  checkHostsAndPhases(m, r);
  // Without a well-formed DAG there is no partial order to reason about.
  if (problems.length === 0) {
    checkServiceStepsOrdered(m, r);
    walkStates(m, r);

    checkStoppedDuringSync(m, r);
    checkSingleSync(m, r);
    checkSyncBeforeNewCode(m, r);
    checkPresyncBeforeSync(m, r);
    checkDatabaseFirst(m, r);
    checkConfigFirst(m, r);
    checkReenabled(m, r);
    checkConductorBeforeComputes(m, r, cap);

    const scenario = plan.scenario;
    if (scenario === 'live-compute') {
      checkMinVersionPreflight(m, r, cap);
      checkControllersBeforeComputes(m, r, cap);
      checkPinBeforeControllerStart(m, r);
      checkPinOnMigratingComputes(m, r, cap);
      checkNeutronBetween(m, r, cap);
      checkUnpinAfterComputes(m, r, cap);
    }
    if (scenario === 'live-compute' || scenario === 'parallel-compute') {
      checkMaxParallel(m, r);
      checkDisableBeforeStop(m, r);
    }
    if (scenario === 'parallel-compute') {
      checkNewEnvFirst(m, r, cap);
      checkCapacityChecked(m, r);
      checkKeepOneEnabled(m, r);
      checkRetargetWhenEmpty(m, r);
    }
  }
  return { ok: r.violations.length === 0, violations: r.violations, suppressed: r.suppressed() };
}
