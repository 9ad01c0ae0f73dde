// The run's progress as plain lines, for a terminal or a log: one line when a phase starts and when it
// is done, one per failure, dropped host, gate and restored compute — never one per step (a 10,000-compute
// run has 150,000 of them). Times are offsets from the start of the run (virtual in a rehearsal).

import type { EngineEvent } from '../engine/events.js';
import { formatDuration } from '../plan/render/duration.js';
import type { Plan } from '../plan/types.js';

export interface ProgressSink {
  write(line: string): void;
}

export function progressReporter(plan: Plan, sink: ProgressSink): (e: EngineEvent) => void {
  const phaseOf = new Map(plan.steps.map((s) => [s.id, s.phase]));
  const total = new Map<string, number>();
  for (const s of plan.steps) total.set(s.phase, (total.get(s.phase) ?? 0) + 1);
  const titles = new Map(plan.phases.map((p) => [p.id, p.title]));
  const done = new Map<string, number>();
  const started = new Set<string>();
  let t0: number | undefined;
  const at = (t: number) => `[+${formatDuration((t - (t0 ?? t)) / 1000).padStart(9)}]`;
  const line = (t: number, text: string) => sink.write(`${at(t)} ${text}`);

  const finishOne = (step: string, t: number) => {
    const phase = phaseOf.get(step);
    if (phase === undefined) return;
    const n = (done.get(phase) ?? 0) + 1;
    done.set(phase, n);
    if (n === total.get(phase)) line(t, `✓ ${phase} done (${n} steps)`);
  };

  return (e) => {
    switch (e.type) {
      case 'run-started':
        t0 ??= e.at;
        line(e.at, `${e.resumed ? 'resuming' : 'starting'} run ${e.run}: ${e.steps} steps`);
        break;
      case 'step-started': {
        const phase = phaseOf.get(e.step);
        if (phase !== undefined && !started.has(phase)) {
          started.add(phase);
          line(e.at, `▶ ${phase}: ${titles.get(phase) ?? ''} (${total.get(phase)} steps)`);
        }
        break;
      }
      case 'step-succeeded':
        finishOne(e.step, e.at);
        break;
      case 'step-probed':
        if (e.result === 'done') finishOne(e.step, e.at);
        line(e.at, `? ${e.step}: was running when the last run ended; probe says ${e.result}`);
        break;
      case 'step-failed':
        line(e.at, `✗ ${e.step} failed (attempt ${e.attempt}): ${e.error}`);
        break;
      case 'step-skipped':
        finishOne(e.step, e.at);
        break;
      case 'host-dropped':
        line(
          e.at,
          `! ${e.host} dropped after ${e.step} failed (${e.failed_hosts} of max_failed_hosts ${e.budget}); the rest of its batch goes on`,
        );
        break;
      case 'run-stopping':
        line(e.at, `■ stopping: ${e.reason}; running steps finish, nothing new starts`);
        break;
      case 'gate-waiting':
        line(e.at, `⏸ gate ${e.step}: ${e.prompt}`);
        break;
      case 'gate-approved':
        line(e.at, `▶ gate ${e.step} approved by ${e.by}`);
        break;
      case 'compute-restored':
        line(e.at, `${e.enabled ? '↺' : '✗'} ${e.host}: ${e.reason}`);
        break;
      case 'run-paused':
        line(e.at, `⏸ paused: ${e.reason}`);
        break;
      case 'run-resumed':
        line(e.at, 'resumed');
        break;
      case 'run-finished':
        line(
          e.at,
          `run ${e.status}: ${e.counts.succeeded} succeeded, ${e.counts.failed} failed, ${e.counts.skipped} skipped, ${e.counts.pending} not run`,
        );
        break;
    }
  };
}
