// Rolling compute phases: never more computes out of service at once than the policy allows, in any
// order the engine may pick, and a compute leaves the scheduler (and is emptied) before it stops.

import { reaches } from '../graph.js';
import { isComputeSide, isStart, type Model } from './model.js';
import type { Reporter } from './report.js';

interface Interval {
  host: string;
  start: number;
  /** -1: never back in service. */
  end: number;
}

/**
 * A compute is out of service from each disable to the first enable after it, and from each stop of
 * its nova-compute to the next start, unless that stop window lies inside one of the host's disable
 * windows in every order (disable ⇝ stop and start ⇝ enable). Restarts are brief and open no window.
 */
export function outIntervals(m: Model): Interval[] {
  const disables = m.perHost('disable-compute');
  const enables = m.perHost('enable-compute');
  const pos = m.g.pos;
  const out: Interval[] = [];
  const computeHosts: string[] = [];
  for (const [host, pairs] of m.pairsOn) if (pairs.some((p) => isComputeSide(p.def))) computeHosts.push(host);
  for (const host of computeHosts) {
    const es = (enables.get(host) ?? []).slice().sort((a, b) => pos[a]! - pos[b]!);
    const windows: Interval[] = [];
    for (const d of disables.get(host) ?? []) {
      windows.push({ host, start: d, end: es.find((e) => reaches(m.g, d, e)) ?? -1 });
    }
    out.push(...windows);
    const p = m.pairsOn.get(host)!.find((x) => x.service === 'nova-compute' && x.ordered);
    if (p === undefined) continue;
    for (let i = 0; i < p.chain.length; i++) {
      if (p.effects[i] !== 'stop') continue;
      const stop = p.chain[i]!;
      let end = -1;
      for (let k = i + 1; k < p.chain.length && end < 0; k++) if (isStart(p.effects[k]!)) end = p.chain[k]!;
      const inside = windows.some(
        (w) => reaches(m.g, w.start, stop) && (w.end < 0 || (end >= 0 && reaches(m.g, end, w.end))),
      );
      if (!inside) out.push({ host, start: stop, end });
    }
  }
  return out;
}

/**
 * The largest set of computes that can be out together is the largest antichain of out-intervals
 * (interval i precedes j when i's end ⇝ j's start). Any chain cover bounds it from above (Dilworth),
 * so a greedy cover with no more chains than the limit proves the policy holds.
 */
export function checkMaxParallel(m: Model, r: Reporter): void {
  const limit = m.plan.policy.max_parallel_computes;
  const pos = m.g.pos;
  const intervals = outIntervals(m).sort((a, b) => pos[a.start]! - pos[b.start]! || a.start - b.start);
  const chains: Interval[] = [];
  for (const j of intervals) {
    const candidates = chains
      .filter((c) => c.end >= 0 && pos[c.end]! < pos[j.start]!)
      .sort((a, b) => pos[a.end]! - pos[b.end]!);
    const chain = candidates.find((c) => reaches(m.g, c.end, j.start));
    if (chain !== undefined) {
      const k = chains.indexOf(chain);
      chains[k] = j;
      continue;
    }
    chains.push(j);
    if (chains.length > limit) {
      const together = chains.map((c) => c.host);
      r.add(
        'rolling.max-parallel',
        `computes ${together.join(', ')} may be out of service at the same time (${chains.length} > max_parallel_computes ${limit})`,
        chains.map((c) => m.id(c.start)),
      );
      return;
    }
  }
}

/**
 * Every stop of an old-environment nova-compute happens while its host is disabled, in every order:
 * some disable d ⇝ stop such that every enable of the host is ordered before d or after the stop (so
 * none can run between them), and unless `drain: none`, a drain of the host with d ⇝ drain ⇝ stop.
 */
export function checkDisableBeforeStop(m: Model, r: Reporter): void {
  const id = 'rolling.disable-before-stop';
  const disables = m.perHost('disable-compute');
  const enables = m.perHost('enable-compute');
  const drains = m.perHost('drain-compute');
  const needDrain = m.plan.policy.drain !== 'none';
  const g = m.g;
  for (const p of m.pairs) {
    if (!p.ordered || p.service !== 'nova-compute' || p.env !== 'old') continue;
    if (r.full(id)) return;
    const ds = disables.get(p.host) ?? [];
    const es = enables.get(p.host) ?? [];
    const dr = drains.get(p.host) ?? [];
    p.chain.forEach((s, i) => {
      if (p.effects[i] !== 'stop') return;
      const before = ds.filter((d) => reaches(g, d, s));
      if (before.length === 0) {
        r.add(id, `${m.id(s)} may stop nova-compute on ${p.host} before the compute is disabled`, [m.id(s)]);
        return;
      }
      const held = before.filter((d) => es.every((e) => reaches(g, e, d) || reaches(g, s, e)));
      if (held.length === 0) {
        const d = before.reduce((x, y) => (g.pos[y]! > g.pos[x]! ? y : x));
        const e = es.find((x) => !reaches(g, x, d) && !reaches(g, s, x))!;
        r.add(
          id,
          `${m.id(s)} may stop nova-compute on ${p.host} after ${m.id(e)} enables it again (disabled by ${m.id(d)})`,
          [m.id(s), m.id(e), m.id(d)],
        );
        return;
      }
      if (needDrain && !held.some((d) => dr.some((x) => reaches(g, d, x) && reaches(g, x, s)))) {
        r.add(
          id,
          `${m.id(s)} may stop nova-compute on ${p.host} before the compute is drained (drain: ${m.plan.policy.drain})`,
          [m.id(s)],
        );
      }
    });
    for (const d of dr) {
      if (!ds.some((x) => reaches(g, x, d))) {
        r.add(id, `${m.id(d)} may drain ${p.host} before it is disabled, so new instances can land on it`, [
          m.id(d),
        ]);
      }
    }
  }
}
