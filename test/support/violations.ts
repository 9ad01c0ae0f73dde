// Assertions on checker results: which invariants fired, and the steps a violation names.

import type { CheckContext, CheckResult, Violation } from '../../src/plan/check/index.js';
import { checkPlan } from '../../src/plan/check/index.js';
import type { PlanBuilder } from './plan-builder.js';

export function check(b: PlanBuilder, ctx: CheckContext): CheckResult {
  return checkPlan(b.build(), ctx);
}

export function ofInvariant(res: CheckResult, invariant: string): Violation[] {
  return res.violations.filter((v) => v.invariant === invariant);
}

/** The invariant ids that fired, deduplicated, in report order. */
export function fired(res: CheckResult): string[] {
  return [...new Set(res.violations.map((v) => v.invariant))];
}
