// Times in a report are offsets from the run's start: the engine clock is virtual in a rehearsal, so
// only the offsets mean the same thing for a rehearsal and a real run (whose wall start is shown apart).

import type { RunView } from '../view/run-view.js';

export interface Span {
  start: number;
  end: number;
}

/** The time a run covers: the run's start to its end (or to the last event while it runs). */
export function runSpan(view: RunView): Span | undefined {
  const starts = view.phases.flatMap((p) => (p.started_at === undefined ? [] : [p.started_at]));
  const start = view.started_at ?? (starts.length > 0 ? Math.min(...starts) : undefined);
  if (start === undefined) return undefined;
  // At least a second: a chart's scale divides by the span.
  return { start, end: Math.max(view.finished_at ?? view.now, start + 1000) };
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `+0:00:00`, `+1:05:12`, `+27:00:03`: to the second, so rows can be compared by eye. */
export function formatOffset(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const sign = ms < 0 ? '-' : '+';
  const total = Math.round(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  return `${sign}${h}:${two(m)}:${two(total % 60)}`;
}
