// The plan's DAG at the level of the text view's lines: one node per group (action × host class),
// clustered per phase, an edge wherever a step of one group waits for a step of another. A 70,000-step
// plan becomes a graph of a few hundred nodes that Graphviz or Mermaid can still lay out.

import type { Plan } from '../types.js';
import { buildPlanView, type PlanView, type StepGroup } from './groups.js';

interface Edge {
  from: number;
  to: number;
}

function groupEdges(view: PlanView): Edge[] {
  const seen = new Set<number>();
  const edges: Edge[] = [];
  const n = view.groups.length;
  for (let step = 0; step < view.groupOf.length; step++) {
    const to = view.groupOf[step]!;
    for (const p of view.index.predsOf(step)) {
      const from = view.groupOf[p]!;
      if (from === to || from < 0 || to < 0) continue;
      const key = from * n + to;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ from, to });
    }
  }
  return edges.sort((a, b) => a.from - b.from || a.to - b.to);
}

function nodeLines(g: StepGroup): string[] {
  const first = g.batch === undefined ? g.summary : `batch ${g.batch}: ${g.summary}`;
  const lines = [g.env === undefined ? first : `${first} [${g.env} env]`, g.hostLabel];
  if (g.irreversible) lines.push('⚠ irreversible');
  return lines;
}

/** A Graphviz double-quoted string: only `"` and `\` are special; lines join with `\n`. */
function dotString(lines: readonly string[]): string {
  return `"${lines.map((l) => l.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')).join('\\n')}"`;
}

export function renderDot(plan: Plan): string {
  const view = buildPlanView(plan);
  const out = [
    `digraph ${dotString([`stackhop ${plan.cloud} ${plan.scenario}`])} {`,
    '  rankdir=TB;',
    '  node [shape=box, fontname="monospace"];',
  ];
  for (const p of view.phases) {
    if (p.groups.length === 0) continue;
    out.push(`  subgraph cluster_p${p.number} {`);
    out.push(`    label=${dotString([`${p.number}. ${p.phase.title}`])};`);
    for (const g of p.groups) {
      const attrs = g.irreversible ? ', color=red, fontcolor=red' : '';
      out.push(`    g${g.index} [label=${dotString(nodeLines(g))}${attrs}];`);
    }
    out.push('  }');
  }
  for (const e of groupEdges(view)) out.push(`  g${e.from} -> g${e.to};`);
  out.push('}');
  return `${out.join('\n')}\n`;
}

/**
 * Mermaid labels are quoted, but `"` ends them and brackets, braces, `<>`, `#` and `;` confuse its
 * parser or its HTML rendering; all go through Mermaid's `#code;` entities.
 */
function mermaidText(text: string): string {
  return text.replace(/["[\]{}<>#;|`]/g, (c) => `#${c.codePointAt(0)};`).replace(/[\r\n]/g, ' ');
}

function mermaidLabel(lines: readonly string[]): string {
  return `"${lines.map(mermaidText).join('<br/>')}"`;
}

export function renderMermaid(plan: Plan): string {
  const view = buildPlanView(plan);
  const out = ['flowchart TD'];
  const irreversible: string[] = [];
  for (const p of view.phases) {
    if (p.groups.length === 0) continue;
    out.push(`  subgraph p${p.number}[${mermaidLabel([`${p.number}. ${p.phase.title}`])}]`);
    out.push('    direction TB');
    for (const g of p.groups) {
      out.push(`    g${g.index}[${mermaidLabel(nodeLines(g))}]`);
      if (g.irreversible) irreversible.push(`g${g.index}`);
    }
    out.push('  end');
  }
  for (const e of groupEdges(view)) out.push(`  g${e.from} --> g${e.to}`);
  if (irreversible.length > 0) {
    out.push('  classDef irreversible stroke:#c00,stroke-width:2px,color:#c00');
    out.push(`  class ${irreversible.join(',')} irreversible`);
  }
  return `${out.join('\n')}\n`;
}
