// Database invariants: a project's schema migrates with none of its DB-using services running, and
// nothing of the project runs the new code on the old schema (facts §0.1, §1.3, §4).

import { ancestorsOf, descendantsOf, reaches } from '../graph.js';
import type { Environment } from '../types.js';
import { dbEnv, isStart, type Model } from './model.js';
import type { Reporter } from './report.js';

/** db-sync steps per `project|env`. */
export function syncsByProjectEnv(m: Model): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const d of m.stepsOf('db-sync')) {
    const a = m.plan.steps[d]!.action;
    if (a.kind !== 'db-sync') continue;
    const key = `${a.project}|${dbEnv(a.project, m.stepEnv[d]!)}`;
    const list = out.get(key);
    if (list === undefined) out.set(key, [d]);
    else list.push(d);
  }
  return out;
}

/**
 * Steps that migrate or rewrite a project's database offline: every db-sync, and every pre-sync whose
 * catalog entry is not `online` (matched by project and fix; a fix the pack does not know counts as
 * offline). Online fixes (keystone's token_flush) are safe while the project's services run.
 */
export function offlineDbSteps(m: Model): Array<{ step: number; project: string; what: string }> {
  const out: Array<{ step: number; project: string; what: string }> = [];
  for (const d of m.stepsOf('db-sync')) {
    const a = m.plan.steps[d]!.action;
    if (a.kind === 'db-sync') out.push({ step: d, project: a.project, what: 'migrates' });
  }
  for (const ps of m.stepsOf('pre-sync')) {
    const a = m.plan.steps[ps]!.action;
    if (a.kind !== 'pre-sync') continue;
    const def = m.ctx.pack.preSync.find((x) => x.project === a.project && x.fix === a.fix);
    if (def?.online === true) continue;
    out.push({ step: ps, project: a.project, what: `rewrites (${a.fix})` });
  }
  return out;
}

export function checkStoppedDuringSync(m: Model, r: Reporter): void {
  const id = 'db.stopped-during-sync';
  for (const { step: d, project, what: verb } of offlineDbSteps(m)) {
    const env = dbEnv(project, m.stepEnv[d]!);
    const affected = m.pairs.filter(
      (p) =>
        p.ordered &&
        p.initiallyRunning &&
        p.def?.project === project &&
        dbEnv(project, p.env) === env &&
        p.def.dbAccess,
    );
    if (affected.length === 0) continue;
    const anc = ancestorsOf(m.g, d);
    const desc = descendantsOf(m.g, d);
    for (const p of affected) {
      if (r.full(id)) return;
      // Ancestors of d form a prefix of the (totally ordered) chain, descendants a suffix.
      let k = -1;
      while (k + 1 < p.chain.length && anc[p.chain[k + 1]!] === 1) k++;
      const runningBefore = k < 0 ? true : p.runningAfter[k]!;
      const what = `${p.service} on ${p.host}`;
      if (runningBefore) {
        const prev = k < 0 ? [] : [m.id(p.chain[k]!)];
        r.add(id, `${what} uses the ${project} database and is not stopped before ${m.id(d)}`, [
          m.id(d),
          ...prev,
        ]);
        continue;
      }
      for (let i = k + 1; i < p.chain.length && desc[p.chain[i]!] === 0; i++) {
        if (isStart(p.effects[i]!)) {
          r.add(id, `${what} may start (${m.id(p.chain[i]!)}) while ${m.id(d)} ${verb} its database`, [
            m.id(d),
            m.id(p.chain[i]!),
          ]);
          break;
        }
      }
    }
  }
}

/**
 * Two db-syncs of one project and database environment never run at once. Sorted by topological
 * position, the syncs are totally ordered iff each reaches the next (transitivity does the rest); a
 * consecutive pair that does not is concurrent, since the later one cannot reach the earlier.
 */
export function checkSingleSync(m: Model, r: Reporter): void {
  const id = 'db.single-sync';
  const pos = m.g.pos;
  for (const [key, ds] of syncsByProjectEnv(m)) {
    if (ds.length < 2) continue;
    const sorted = ds.slice().sort((a, b) => pos[a]! - pos[b]!);
    for (let i = 0; i + 1 < sorted.length; i++) {
      const a = sorted[i]!;
      const b = sorted[i + 1]!;
      if (reaches(m.g, a, b)) continue;
      if (r.full(id)) return;
      const [project, env] = key.split('|');
      r.add(
        id,
        `${m.id(a)} and ${m.id(b)} may migrate the ${project} database (env ${env}) at the same time`,
        [m.id(a), m.id(b)],
      );
    }
  }
}

export function checkSyncBeforeNewCode(m: Model, r: Reporter): void {
  const id = 'db.sync-before-new-code';
  const syncs = syncsByProjectEnv(m);
  // Projects with a schema to migrate: those the pack syncs, and any the plan syncs anyway.
  const synced = new Set<string>(m.ctx.pack.dbSync.map((s) => s.project));
  for (const key of syncs.keys()) synced.add(key.split('|')[0]!);
  // Steps after every db-sync of the project in the env, computed once per project and env.
  const afterAll = new Map<string, Uint8Array>();
  const marksFor = (key: string): Uint8Array | undefined => {
    const ds = syncs.get(key);
    if (ds === undefined) return undefined;
    let marks = afterAll.get(key);
    if (marks === undefined) {
      marks = descendantsOf(m.g, ds[0]!);
      for (const d of ds.slice(1)) {
        const more = descendantsOf(m.g, d);
        for (let i = 0; i < marks.length; i++) marks[i] = marks[i]! & more[i]!;
      }
      afterAll.set(key, marks);
    }
    return marks;
  };
  for (const p of m.pairs) {
    const project = p.def?.project;
    if (project === undefined || !synced.has(project)) continue;
    for (const [k, s] of p.newStarts.entries()) {
      if (r.full(id)) return;
      const env: Environment = dbEnv(project, p.newStartEnvs[k] ?? p.env);
      const key = `${project}|${env}`;
      const marks = marksFor(key);
      if (marks === undefined) {
        r.add(
          id,
          `${m.id(s)} starts ${p.service} on ${p.host} on ${m.plan.to} in env ${env}, which has no ${project} db-sync`,
          [m.id(s)],
        );
      } else if (marks[s] === 0) {
        const ds = syncs.get(key)!;
        r.add(
          id,
          `${m.id(s)} may start ${p.service} on ${p.host} on ${m.plan.to} before ${project}'s db-sync`,
          [m.id(s), ...ds.map((d) => m.id(d))],
        );
      }
    }
  }
}

export function checkPresyncBeforeSync(m: Model, r: Reporter): void {
  const syncs = syncsByProjectEnv(m);
  for (const ps of m.stepsOf('pre-sync')) {
    const a = m.plan.steps[ps]!.action;
    if (a.kind !== 'pre-sync') continue;
    for (const d of syncs.get(`${a.project}|${dbEnv(a.project, m.stepEnv[ps]!)}`) ?? []) {
      if (!reaches(m.g, ps, d)) {
        r.add('db.presync-before-sync', `pre-sync ${m.id(ps)} (${a.fix}) must run before ${m.id(d)}`, [
          m.id(ps),
          m.id(d),
        ]);
      }
    }
  }
}
