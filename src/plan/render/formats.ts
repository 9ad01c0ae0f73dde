// The plan's output formats: a module of its own so the CLI can list them without loading a renderer.

export type PlanFormat = 'text' | 'json' | 'dot' | 'mermaid';
export const PLAN_FORMATS: readonly PlanFormat[] = ['text', 'json', 'dot', 'mermaid'];
