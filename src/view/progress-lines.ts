// The run as plain lines, for a log or a terminal that is not a TTY: one line when a phase or a compute
// batch starts and when a phase is done, when an API goes down and comes back, one per failure, dropped
// host, gate and restored compute — never one per step (a 10,000-compute run has 150,000 of them).
// Times are offsets from the start of the run (virtual in a rehearsal).

import type { EngineEvent } from '../engine/events.js';
import { formatDuration } from '../plan/render/duration.js';
import type { RunTracker } from './run-tracker.js';

type Queries = Pick<RunTracker, 'phaseOf' | 'batchOf' | 'outage' | 'step'>;

export function progressLines(): (e: EngineEvent, t: Queries) => string[] {
  const startedPhases = new Set<string>();
  const donePhases = new Set<string>();
  const startedBatches = new Set<string>();
  const apisDown = new Map<string, number>();
  let t0: number | undefined;
  const stamp = (at: number) => `[+${formatDuration((at - (t0 ?? at)) / 1000).padStart(9)}]`;

  return (e, t) => {
    const out: string[] = [];
    const line = (text: string) => out.push(`${stamp(e.at)} ${text}`);
    const finishOne = (step: string) => {
      const p = t.phaseOf(step);
      if (p === undefined || p.done !== p.steps || donePhases.has(p.id)) return;
      donePhases.add(p.id);
      line(`✓ ${p.id} done (${p.steps} steps)`);
    };
    const outagesAfter = (step: string) => {
      const s = t.step(step);
      if (s === undefined) return;
      for (const o of [...s.opens, ...s.closes]) {
        const now = t.outage(o);
        if (now === undefined) continue;
        const since = apisDown.get(o);
        if (now.all_down && since === undefined) {
          apisDown.set(o, e.at);
          line(`⚠ ${o} down: all ${now.backends} of its hosts are down`);
        } else if (!now.all_down && since !== undefined) {
          apisDown.delete(o);
          line(`✓ ${o} back after ${formatDuration((e.at - since) / 1000)}`);
        }
      }
    };

    switch (e.type) {
      case 'run-started':
        t0 ??= e.at;
        line(`${e.resumed ? 'resuming' : 'starting'} run ${e.run}: ${e.steps} steps`);
        break;
      case 'step-started': {
        const p = t.phaseOf(e.step);
        if (p !== undefined && !startedPhases.has(p.id)) {
          startedPhases.add(p.id);
          line(`▶ ${p.id}: ${p.title} (${p.steps} steps)`);
        }
        const b = t.batchOf(e.step);
        if (b !== undefined && !startedBatches.has(`${b.phase}\0${b.batch}`)) {
          startedBatches.add(`${b.phase}\0${b.batch}`);
          line(`▶ ${b.phase}: batch ${b.batch}/${b.of} (${b.hosts} hosts)`);
        }
        outagesAfter(e.step);
        break;
      }
      case 'step-succeeded':
        outagesAfter(e.step);
        finishOne(e.step);
        break;
      case 'step-probed':
        if (e.result === 'done') {
          outagesAfter(e.step);
          finishOne(e.step);
        }
        line(`? ${e.step}: was running when the last run ended; probe says ${e.result}`);
        break;
      case 'step-failed':
        line(`✗ ${e.step} failed (attempt ${e.attempt}): ${e.error}`);
        break;
      case 'step-skipped':
        finishOne(e.step);
        break;
      case 'host-dropped':
        line(
          `! ${e.host} dropped after ${e.step} failed (${e.failed_hosts} of max_failed_hosts ${e.budget}); the rest of its batch goes on`,
        );
        break;
      case 'run-stopping':
        line(`■ stopping: ${e.reason}; running steps finish, nothing new starts`);
        break;
      case 'gate-waiting':
        line(`⏸ gate ${e.step}: ${e.prompt}`);
        break;
      case 'gate-approved':
        line(`▶ gate ${e.step} approved by ${e.by}`);
        break;
      case 'compute-restored':
        line(`${e.enabled ? '↺' : '✗'} ${e.host}: ${e.reason}`);
        break;
      case 'run-paused':
        line(`⏸ paused: ${e.reason}`);
        break;
      case 'run-resumed':
        line('resumed');
        break;
      case 'run-finished':
        line(
          `run ${e.status}: ${e.counts.succeeded} succeeded, ${e.counts.failed} failed, ${e.counts.skipped} skipped, ${e.counts.pending} not run`,
        );
        break;
      case 'api-downtime':
        line(
          `${e.api}: down ${formatDuration(e.down_s)} of ${formatDuration(e.watched_s)} watched (${e.intervals.length} outage(s))`,
        );
        break;
    }
    return out;
  };
}
