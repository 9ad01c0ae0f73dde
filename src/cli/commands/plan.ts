// `stackhop plan FILE --scenario S`: plan, prove the invariants, render. A plan the checker rejects is
// printed with its violations and exits 1; it is never written as if it were good.

import { CATALOG } from '../../catalog/index.js';
import type { ScenarioId } from '../../catalog/types.js';
import { EXIT_FAILED } from '../../errors.js';
import { loadInventory } from '../../inventory/load.js';
import { checkPlan } from '../../plan/check/index.js';
import type { CheckResult } from '../../plan/check/types.js';
import { checkContextFor } from '../../plan/check-context.js';
import { planUpgrade } from '../../plan/planners/index.js';
import { type PlanFormat, renderPlan } from '../../plan/render/index.js';
import type { CommandResult } from '../result.js';
import { writeFileAtomic } from '../write-file.js';

export interface PlanOptions {
  scenario: ScenarioId;
  format: PlanFormat;
  output?: string;
  color: boolean;
}

export function formatViolations(result: CheckResult): string {
  const lines = ['plan rejected: it breaks the invariants below, so stackhop will never run it.'];
  for (const v of result.violations) {
    lines.push(`  ✗ ${v.invariant}: ${v.message}`);
    if (v.steps.length > 0)
      lines.push(`      steps: ${v.steps.slice(0, 6).join(', ')}${v.steps.length > 6 ? ', …' : ''}`);
  }
  for (const [invariant, n] of Object.entries(result.suppressed))
    lines.push(`  … and at least ${n} more ${invariant}`);
  return `${lines.join('\n')}\n`;
}

export async function plan(file: string, opts: PlanOptions): Promise<CommandResult> {
  const inventory = await loadInventory(file, CATALOG);
  const result = planUpgrade(inventory, CATALOG, opts.scenario);
  const check = checkPlan(result, checkContextFor(inventory, CATALOG, opts.scenario));
  if (!check.ok) return { stdout: '', stderr: formatViolations(check), exitCode: EXIT_FAILED };
  const rendered = renderPlan(result, opts.format, { color: opts.color && opts.output === undefined });
  if (opts.output !== undefined && opts.output !== '-') {
    await writeFileAtomic(opts.output, rendered);
    return {
      stdout: '',
      stderr: `wrote ${opts.output} (${result.steps.length} steps, plan checked)\n`,
      exitCode: 0,
    };
  }
  return { stdout: rendered, stderr: '', exitCode: 0 };
}
