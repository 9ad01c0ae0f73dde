// One entry point for the CLI: a plan and a format in, text out.

import type { Plan } from '../types.js';
import type { PlanFormat } from './formats.js';
import { renderDot, renderMermaid } from './graph.js';
import { renderJson } from './json.js';
import { renderText, type TextOptions } from './text.js';

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

export { wantColor } from './color.js';
export { formatDuration } from './duration.js';
export { PLAN_FORMATS, type PlanFormat } from './formats.js';
export { compressHostNames, hostClassLabel } from './hostnames.js';
export type { TextOptions };
export { renderDot, renderJson, renderMermaid, renderText };
