// The plan that ran, as the operator reviewed it (the text view, rolling phases folded), collapsed:
// it is reference, not the story. Capped so a pathological plan cannot blow up the document.

import { renderPlan } from '../plan/render/index.js';
import type { Plan } from '../plan/types.js';
import { escapeHtml } from './html-escape.js';

/** Characters of plan text kept (the folded text of a 2,000-compute plan is far below this). */
export const PLAN_TEXT_LIMIT = 500_000;

export function planHtml(plan: Plan): string {
  const text = renderPlan(plan, 'text', { color: false });
  const lines = countLines(text);
  let shown = text;
  let note = '';
  if (text.length > PLAN_TEXT_LIMIT) {
    const cut = text.lastIndexOf('\n', PLAN_TEXT_LIMIT);
    shown = text.slice(0, cut > 0 ? cut + 1 : PLAN_TEXT_LIMIT);
    note = `<p class="note">The plan text is capped: showing the first ${countLines(shown)} of its ${lines} lines. The whole plan is in the run's journal.</p>`;
  }
  return `<details><summary>The plan (${plan.steps.length} steps, ${lines} lines of text)</summary>
${note}<pre class="plan">${escapeHtml(shown)}</pre>
</details>`;
}

function countLines(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return text.endsWith('\n') || text === '' ? lines : lines + 1;
}
