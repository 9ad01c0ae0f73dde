import { describe, expect, it } from 'vitest';
import type { Plan } from '../types.js';
import { renderDot, renderMermaid } from './graph.js';
import { renderPlan } from './index.js';
import { testPlan } from './test-plans.js';

function balanced(text: string, open: string, close: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\' && inString) {
      i += 1;
      continue;
    }
    if (c === '"') inString = !inString;
    if (inString) continue;
    if (c === open) depth += 1;
    if (c === close) depth -= 1;
    if (depth < 0) return false;
  }
  return depth === 0 && !inString;
}

const plan = testPlan({ computes: 20, ramp: [1, 5, 10] });

describe('renderDot', () => {
  const dot = renderDot(plan);

  it('is a digraph with balanced braces and quotes', () => {
    expect(dot.startsWith('digraph "stackhop east-1 live-compute" {\n')).toBe(true);
    expect(dot.endsWith('}\n')).toBe(true);
    expect(balanced(dot, '{', '}')).toBe(true);
  });

  it('declares one node per text line, clustered per phase', () => {
    expect(dot.match(/subgraph cluster_p\d+ \{/g)).toHaveLength(4);
    expect(dot).toContain('[label="batch 2: stop-services nova-compute\\ncmp[002:006] ×5"]');
    expect(dot).toMatch(/label="db-sync nova 216 → 233\\nctl1\\n⚠ irreversible", color=red/);
  });

  it('has edges only between declared nodes, without duplicates or self-loops', () => {
    const nodes = new Set([...dot.matchAll(/^ {4}(g\d+) \[label=/gm)].map((m) => m[1]));
    const edges = [...dot.matchAll(/^ {2}(g\d+) -> (g\d+);$/gm)].map((m) => [m[1], m[2]] as const);
    expect(edges.length).toBeGreaterThan(0);
    for (const [from, to] of edges) {
      expect(nodes.has(from)).toBe(true);
      expect(nodes.has(to)).toBe(true);
      expect(from).not.toBe(to);
    }
    expect(new Set(edges.map((e) => e.join('>'))).size).toBe(edges.length);
    expect(edges).toContainEqual(['g3', 'g4']);
  });

  it('escapes quotes in labels', () => {
    expect(dot).toContain('label="gate \\"Start the \\\\\\"real\\\\\\" upgrade [y/N]?\\"\\n@cloud"');
  });

  it('is deterministic', () => {
    expect(renderDot(testPlan({ computes: 20, ramp: [1, 5, 10] }))).toBe(dot);
    expect(renderPlan(plan, 'dot')).toBe(dot);
  });
});

describe('renderMermaid', () => {
  const mmd = renderMermaid(plan);

  it('is a flowchart with matched subgraphs', () => {
    expect(mmd.startsWith('flowchart TD\n')).toBe(true);
    expect(mmd.match(/^ {2}subgraph /gm)).toHaveLength(4);
    expect(mmd.match(/^ {2}end$/gm)).toHaveLength(4);
  });

  it('escapes quotes and brackets inside labels', () => {
    for (const m of mmd.matchAll(/^ {4}g\d+\["(.*)"\]$/gm)) {
      expect(m[1]).not.toMatch(/["[\]]/);
    }
    expect(mmd).toContain('g17["batch 2: stop-services nova-compute<br/>cmp#91;002:006#93; ×5"]');
  });

  it('has edges only between declared nodes', () => {
    const nodes = new Set([...mmd.matchAll(/^ {4}(g\d+)\[/gm)].map((m) => m[1]));
    const edges = [...mmd.matchAll(/^ {2}(g\d+) --> (g\d+)$/gm)];
    expect(edges.length).toBeGreaterThan(0);
    for (const [, from, to] of edges) {
      expect(nodes.has(from)).toBe(true);
      expect(nodes.has(to)).toBe(true);
      expect(from).not.toBe(to);
    }
    expect(mmd).toMatch(/^ {2}class g\d+(,g\d+)* irreversible$/m);
  });

  it('is deterministic', () => {
    expect(renderMermaid(testPlan({ computes: 20, ramp: [1, 5, 10] }))).toBe(mmd);
  });

  it('handles a plan without steps', () => {
    const empty: Plan = { ...plan, steps: [], warnings: [] };
    expect(renderMermaid(empty)).toBe('flowchart TD\n');
    expect(balanced(renderDot(empty), '{', '}')).toBe(true);
  });
});
