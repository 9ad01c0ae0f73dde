// The per-(host, service) state machine, walked along each ordered chain, and the release invariants
// that read its result: upgrades happen on stopped services, and everything ends running the target
// release with no configuration change waiting for a restart.

import type { Environment } from '../types.js';
import type { Model, Pair } from './model.js';
import type { Reporter } from './report.js';

interface State {
  running: boolean;
  env: Environment;
  release: string | undefined;
  removed: boolean;
  /** First change (config, pin, package refresh) not yet picked up by a start/restart; -1 when none. */
  pending: number;
  /** The first pending change that is an unpin, reported under its own invariant. */
  pendingUnpin: number;
}

/**
 * The release a service runs before the plan touches it. A point-release update has from = to by name,
 * but the code installed before its package upgrade is still the old one.
 */
export function installedRelease(from: string, to: string): string {
  return from === to ? `${from} (as installed)` : from;
}

export function walkStates(m: Model, r: Reporter): void {
  const to = m.plan.to;
  const installed = installedRelease(m.plan.from, to);
  for (const p of m.pairs) {
    if (!p.ordered) continue;
    const st: State = {
      running: p.initiallyRunning,
      env: p.env,
      release: p.initiallyRunning ? installed : undefined,
      removed: false,
      pending: -1,
      pendingUnpin: -1,
    };
    for (let i = 0; i < p.chain.length; i++) {
      step(m, r, p, st, p.chain[i]!, i, to);
      p.runningAfter.push(st.running);
    }
    checkFinal(m, r, p, st, to);
  }
}

function step(m: Model, r: Reporter, p: Pair, st: State, s: number, i: number, to: string): void {
  const effect = p.effects[i]!;
  switch (effect) {
    case 'stop':
      st.running = false;
      return;
    case 'start':
    case 'restart':
      st.running = true;
      st.removed = false;
      st.pending = -1;
      st.pendingUnpin = -1;
      if (st.release === to) {
        p.newStarts.push(s);
        p.newStartEnvs.push(st.env);
      }
      return;
    case 'upgrade': {
      const action = m.plan.steps[s]!.action;
      if (action.kind !== 'upgrade-packages') return;
      if (action.release !== st.release) {
        if (st.running) {
          r.add(
            'release.upgrade-while-stopped',
            `${m.id(s)} replaces the code of ${p.service} on ${p.host} (${st.release ?? 'not installed'} → ${action.release}) while it may be running; stop it first`,
            [m.id(s)],
          );
        }
        p.releaseUpgrades.push(s);
        st.release = action.release;
      }
      // A running service keeps executing the code it loaded: it needs a restart either way.
      if (st.running && st.pending < 0) st.pending = s;
      return;
    }
    case 'retarget':
      st.env = 'new';
      if (st.pending < 0) st.pending = s;
      return;
    case 'config':
    case 'pin':
      if (st.pending < 0) st.pending = s;
      return;
    case 'unpin':
      if (st.pending < 0) st.pending = s;
      if (st.pendingUnpin < 0) st.pendingUnpin = s;
      return;
    case 'decommission':
      st.running = false;
      st.removed = true;
      st.pending = -1;
      st.pendingUnpin = -1;
      return;
  }
}

function checkFinal(m: Model, r: Reporter, p: Pair, st: State, to: string): void {
  // A service the inventory does not run and no step touches does not exist.
  if (p.chain.length === 0 && !p.initiallyRunning) return;
  if (st.removed) return;
  const last = p.chain.length > 0 ? [m.id(p.chain[p.chain.length - 1]!)] : [];
  const what = `${p.service} on ${p.host}`;
  if (st.release !== to) {
    r.add(
      'release.all-on-target',
      `${what} ends on ${st.release ?? 'nothing (never installed)'}, not ${to}`,
      last,
    );
  } else if (!st.running) {
    r.add('release.all-on-target', `${what} ends stopped`, last);
  } else if (st.pendingUnpin >= 0) {
    r.add(
      'live.unpin-after-computes',
      `${what} is not restarted after the RPC pin is cleared by ${m.id(st.pendingUnpin)}`,
      [m.id(st.pendingUnpin)],
    );
  } else if (st.pending >= 0) {
    r.add(
      'release.all-on-target',
      `${what} is not restarted after ${m.id(st.pending)}, so the change it made is not in effect`,
      [m.id(st.pending)],
    );
  }
}
