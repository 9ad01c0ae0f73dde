// live-compute invariants (facts §0.2, §0.3, §3): Havana computes new enough for compute RPC 3.0,
// controllers (conductor included) on Icehouse before any compute, the compute pin in place wherever
// old and new talk, neutron between the Nova controllers and the computes, and the unpin last.

import { appliesToNetworking } from '../../catalog/index.js';
import type { RpcPinDef } from '../../catalog/types.js';
import { compareVersions } from '../../catalog/versions.js';
import { allBefore, reaches, someBeforeAll } from '../graph.js';
import type { ActionKind } from '../types.js';
import { firstNewStarts } from './compute.js';
import { isComputeSide, isNovaController, isStart, type Model, type Pair } from './model.js';
import type { Reporter } from './report.js';

const NON_CHANGING: ReadonlySet<ActionKind> = new Set<ActionKind>([
  'verify',
  'gate',
  'backup-database',
  'backup-config',
]);

export function applicablePins(m: Model): RpcPinDef[] {
  return m.ctx.pack.pins.filter((p) => appliesToNetworking(p, m.plan.networking));
}

/**
 * The first start of each compute-side service on the new release: the moment a new compute *runs*.
 * Its packages may change earlier — on a controller that is also a compute they are the same packages
 * as the controller services' — but code on disk that does not run talks to no conductor.
 */
export function computeNewStarts(m: Model): number[] {
  const out: number[] = [];
  for (const p of m.pairs) {
    const s = p.newStarts[0];
    if (p.ordered && isComputeSide(p.def) && s !== undefined) out.push(s);
  }
  return out;
}

export function checkMinVersionPreflight(m: Model, r: Reporter, cap: number): void {
  const id = 'live.min-version-preflight';
  const changing: number[] = [];
  m.plan.steps.forEach((s, i) => {
    if (!NON_CHANGING.has(s.action.kind)) changing.push(i);
  });
  for (const min of m.ctx.pack.liveMinimum) {
    const candidates = m.stepsOf('verify').filter((v) => {
      const a = m.plan.steps[v]!.action;
      return (
        a.kind === 'verify' &&
        a.checks.some(
          (c) =>
            c.check === 'min-version' &&
            c.service === min.service &&
            compareVersions(c.version, min.version) >= 0,
        )
      );
    });
    if (candidates.length === 0) {
      r.add(
        id,
        `no pre-flight verify checks that ${min.service} is at least ${min.version} (${min.reason})`,
        [],
      );
      continue;
    }
    for (const [x, y] of someBeforeAll(m.g, candidates, changing, cap)) {
      r.add(
        id,
        `${m.id(y)} may change the cloud before the pre-flight ${m.id(x)} (${min.service} ≥ ${min.version})`,
        [m.id(x), m.id(y)],
      );
    }
  }
}

export function checkControllersBeforeComputes(m: Model, r: Reporter, cap: number): void {
  const id = 'live.controllers-before-computes';
  const upgrades = computeNewStarts(m);
  if (upgrades.length === 0) return;
  const starts: number[] = [];
  for (const p of m.pairs) {
    if (!p.ordered || !isNovaController(p.def)) continue;
    const s = p.newStarts[0];
    if (s === undefined) {
      r.add(id, `${p.service} on ${p.host} never starts on ${m.plan.to}, yet computes are upgraded`, [
        m.id(upgrades[0]!),
      ]);
    } else {
      starts.push(s);
    }
  }
  for (const [x, y] of allBefore(m.g, starts, upgrades, cap)) {
    r.add(
      id,
      `${m.id(y)} may start a compute on ${m.plan.to} before ${m.id(x)} starts a Nova controller service on it`,
      [m.id(x), m.id(y)],
    );
  }
}

/** set-rpc-pin steps of a pair's chain matching the pin definition. */
function pinSteps(m: Model, p: Pair, pin: RpcPinDef): number[] {
  const out: number[] = [];
  p.chain.forEach((s, i) => {
    if (p.effects[i] !== 'pin') return;
    const a = m.plan.steps[s]!.action;
    if (a.kind === 'set-rpc-pin' && a.service === pin.service && a.level === pin.level) out.push(s);
  });
  return out;
}

export function checkPinBeforeControllerStart(m: Model, r: Reporter): void {
  const id = 'live.pin-before-controller-start';
  const pins = applicablePins(m);
  for (const [host, pairs] of m.pairsOn) {
    const controllers = pairs.filter((p) => p.ordered && isNovaController(p.def));
    if (controllers.length === 0) continue;
    for (const pin of pins) {
      if (!pairs.some((p) => pin.hosts.includes(p.service))) continue;
      for (const p of controllers) {
        const s = p.newStarts[0];
        if (s === undefined) continue;
        // The pin edits nova.conf, so it is in the chain of every Nova service on the host.
        const sets = pinSteps(m, p, pin);
        if (!sets.some((ps) => reaches(m.g, ps, s))) {
          r.add(
            id,
            `${m.id(s)} may start ${p.service} on ${host} on ${m.plan.to} before [upgrade_levels] ${pin.service}=${pin.level} is set there`,
            [m.id(s), ...sets.map((x) => m.id(x))],
          );
        }
      }
    }
  }
}

export function checkPinOnMigratingComputes(m: Model, r: Reporter, cap: number): void {
  const id = 'live.pin-on-migrating-computes';
  // Live and cold migrations (and resizes) between Havana and Icehouse computes both need the pin
  // (facts §0.2, §3.4 step 7); a `wait` drain moves nothing.
  const drains = m.stepsOf('drain-compute').filter((d) => {
    const a = m.plan.steps[d]!.action;
    return a.kind === 'drain-compute' && (a.mode === 'live-migrate' || a.mode === 'cold-migrate');
  });
  if (drains.length === 0) return;
  const pins = applicablePins(m).filter(
    (p) => p.service === 'compute' || p.hosts.some((s) => isComputeSide(m.def(s))),
  );
  const restarts: number[] = [];
  for (const p of m.pairs) {
    if (!p.ordered || p.service !== 'nova-compute' || m.spare.has(p.host)) continue;
    // A compute already on the new code before any migration starts never talks to an old one.
    const u = p.releaseUpgrades[0];
    if (u !== undefined && drains.every((d) => reaches(m.g, u, d))) continue;
    for (const pin of pins) {
      if (r.full(id)) return;
      const sets = pinSteps(m, p, pin);
      let restart = -1;
      if (sets.length > 0) {
        const k = p.chain.indexOf(sets[0]!);
        for (let i = k + 1; i < p.chain.length && restart < 0; i++)
          if (isStart(p.effects[i]!)) restart = p.chain[i]!;
      }
      if (sets.length === 0) {
        r.add(
          id,
          `compute ${p.host} takes part in migrations but never gets ${pin.service}=${pin.level}`,
          [],
        );
      } else if (restart < 0) {
        r.add(id, `nova-compute on ${p.host} is never restarted after ${m.id(sets[0]!)} sets the pin`, [
          m.id(sets[0]!),
        ]);
      } else {
        restarts.push(restart);
      }
    }
  }
  for (const [x, y] of allBefore(m.g, restarts, drains, cap)) {
    r.add(id, `${m.id(y)} may migrate instances before ${m.id(x)} restarts a compute with the RPC pin`, [
      m.id(x),
      m.id(y),
    ]);
  }
}

export function checkNeutronBetween(m: Model, r: Reporter, cap: number): void {
  const id = 'live.neutron-between';
  if (!m.plan.networking.startsWith('neutron-')) return;
  const nova = firstNewStarts(m, (p) => isNovaController(p.def));
  const neutron = firstNewStarts(m, (p) => p.service === 'neutron-server');
  for (const [x, y] of allBefore(m.g, nova, neutron, cap)) {
    r.add(
      id,
      `${m.id(y)} may start neutron-server on ${m.plan.to} before ${m.id(x)} (Nova controllers first)`,
      [m.id(x), m.id(y)],
    );
  }
  for (const [x, y] of allBefore(m.g, neutron, computeNewStarts(m), cap)) {
    r.add(
      id,
      `${m.id(y)} may start a compute on ${m.plan.to} before ${m.id(x)} starts neutron-server on it`,
      [m.id(x), m.id(y)],
    );
  }
}

export function checkUnpinAfterComputes(m: Model, r: Reporter, cap: number): void {
  const id = 'live.unpin-after-computes';
  const clears = m.stepsOf('clear-rpc-pin');
  const clearsOn = m.perHost('clear-rpc-pin');
  for (const s of m.stepsOf('set-rpc-pin')) {
    if (r.full(id)) break;
    const step = m.plan.steps[s]!;
    const a = step.action;
    if (a.kind !== 'set-rpc-pin') continue;
    const cleared = (clearsOn.get(step.host) ?? []).some((c) => {
      const ca = m.plan.steps[c]!.action;
      return ca.kind === 'clear-rpc-pin' && ca.service === a.service && reaches(m.g, s, c);
    });
    if (!cleared)
      r.add(id, `the pin ${a.service}=${a.level} set by ${step.id} is never cleared on ${step.host}`, [
        step.id,
      ]);
  }
  const computes = firstNewStarts(m, (p) => isComputeSide(p.def));
  for (const [x, y] of allBefore(m.g, computes, clears, cap)) {
    r.add(id, `${m.id(y)} may clear the RPC pin before ${m.id(x)} starts a compute on ${m.plan.to}`, [
      m.id(x),
      m.id(y),
    ]);
  }
}
