// How a run shows its progress while it runs, chosen once per command: a live panel on a terminal, plain
// lines when the output is a file or a pipe, one JSON event per line for machines, or nothing. Every mode
// reads the engine's event stream (and the plan, for names and totals) and nothing else.

import type { EngineListener } from '../engine/engine.js';
import type { EngineEvent } from '../engine/events.js';
import type { Plan } from '../plan/types.js';
import { RunTracker } from '../view/run-tracker.js';
import { renderPanel } from './progress-panel.js';

export interface ProgressSink {
  write(line: string): void;
}

export type ProgressMode = 'panel' | 'lines' | 'json' | 'quiet';

export function progressMode(o: { json: boolean; quiet: boolean; tty: boolean }): ProgressMode {
  if (o.json) return 'json';
  if (o.quiet) return 'quiet';
  return o.tty && process.env.TERM !== 'dumb' ? 'panel' : 'lines';
}

/** Line-per-event progress (a few lines per phase, never one per step). */
export function progressReporter(plan: Plan, sink: ProgressSink): EngineListener {
  const t = new RunTracker(plan);
  return (e) => {
    for (const line of t.apply(e)) sink.write(line);
  };
}

/** One JSON object per line per event: the journal's own records, as they are committed. */
export function jsonEvents(sink: ProgressSink): EngineListener {
  return (e: EngineEvent) => sink.write(JSON.stringify(e));
}

/** Minimum time between two redraws of the panel: a busy run commits hundreds of events a second. */
const REDRAW_MS = 200;

export interface Panel {
  listener: EngineListener;
  /** Draws the final state and leaves it on the screen. */
  close(): void;
}

/**
 * A live panel at the bottom of a terminal: the progress lines scroll above it; it is redrawn in place
 * (cursor up, clear to the end of the screen) at most every REDRAW_MS.
 */
export function progressPanel(plan: Plan, out: NodeJS.WritableStream & { columns?: number }): Panel {
  const t = new RunTracker(plan);
  let drawn = 0;
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    timer = undefined;
    const width = Math.max(40, (out.columns || 100) - 1); // 0 on a pty nobody sized
    const panel = renderPanel(t.view(), width);
    const erase = drawn > 0 ? `\x1b[${drawn}F\x1b[J` : '';
    out.write(`${erase}${pending.map((l) => `${l}\n`).join('')}${panel.join('\n')}\n`);
    drawn = panel.length;
    pending = [];
  };
  return {
    listener: (e) => {
      pending.push(...t.apply(e));
      timer ??= setTimeout(draw, REDRAW_MS);
    },
    close: () => {
      if (timer !== undefined) clearTimeout(timer);
      draw();
    },
  };
}

/** The listeners and the closing call for a mode. */
export function progressFor(
  mode: ProgressMode,
  plan: Plan,
  io: { lines: ProgressSink; json: ProgressSink; tty: NodeJS.WritableStream & { columns?: number } },
): Panel {
  switch (mode) {
    case 'panel':
      return progressPanel(plan, io.tty);
    case 'lines':
      return { listener: progressReporter(plan, io.lines), close: () => undefined };
    case 'json':
      return { listener: jsonEvents(io.json), close: () => undefined };
    case 'quiet':
      return { listener: () => undefined, close: () => undefined };
  }
}

export interface CommandProgress {
  /** For the engine: the listeners of the chosen mode, given the plan being run. */
  listeners: (plan: Plan) => EngineListener[];
  /** After the run: the panel's last drawing. */
  close(): void;
}

/**
 * The progress of `rehearse`, `run`, `resume` and `rollback`. `write` takes plain lines (standard error
 * by default); `events` takes the JSON lines of --json (standard output by default). A caller that
 * passes its own `write` (a test, a log) never gets the panel.
 */
export function commandProgress(o: {
  json: boolean;
  quiet: boolean;
  write?: ((line: string) => void) | undefined;
  events?: ((line: string) => void) | undefined;
  /** Real runs: secrets out of every line before it is shown. */
  redact?: (text: string) => string;
}): CommandProgress {
  const redact = o.redact ?? ((text: string) => text);
  const write = o.write ?? ((line: string) => process.stderr.write(`${redact(line)}\n`));
  const events = o.events ?? ((line: string) => process.stdout.write(`${redact(line)}\n`));
  const mode = progressMode({
    json: o.json,
    quiet: o.quiet,
    tty: o.write === undefined && process.stderr.isTTY,
  });
  const tty = Object.assign(Object.create(process.stderr) as NodeJS.WriteStream, {
    write: (text: string) => process.stderr.write(redact(text)),
  });
  let panel: Panel | undefined;
  return {
    listeners: (plan) => {
      panel = progressFor(mode, plan, { lines: { write }, json: { write: events }, tty });
      return [panel.listener];
    },
    close: () => panel?.close(),
  };
}
