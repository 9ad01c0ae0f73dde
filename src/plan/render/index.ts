// One entry point for the CLI: a plan and a format in, text out.

import type { Plan } from '../types.js';
import { renderDot, renderMermaid } from './graph.js';
import { renderJson } from './json.js';
import { renderText, type TextOptions } from './text.js';

export type PlanFormat = 'text' | 'json' | 'dot' | 'mermaid';
export const PLAN_FORMATS: readonly PlanFormat[] = ['text', 'json', 'dot', 'mermaid'];

export type RenderOptions = TextOptions;

export function renderPlan(plan: Plan, format: PlanFormat, opts: RenderOptions = { color: false }): string {
  switch (format) {
    case 'text':
      return renderText(plan, opts);
    case 'json':
      return renderJson(plan);
    case 'dot':
      return renderDot(plan);
    case 'mermaid':
      return renderMermaid(plan);
  }
}

/**
 * Whether to color the text view (DESIGN §8): never when NO_COLOR is set (any non-empty value, per
 * no-color.org), never when the output is not a terminal or TERM is `dumb`.
 */
export function wantColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if ((env.NO_COLOR ?? '') !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export { formatDuration } from './duration.js';
export { compressHostNames, hostClassLabel } from './hostnames.js';
export type { TextOptions };
export { renderDot, renderJson, renderMermaid, renderText };
