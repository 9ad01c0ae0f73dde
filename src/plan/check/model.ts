// What the checker reasons about: every (host, service) pair with the chain of steps acting on it,
// plus per-step lookups. Built once; every invariant family reads it.

import type { ServiceDef } from '../../catalog/types.js';
import type { Host } from '../../inventory/types.js';
import type { PlanGraph } from '../graph.js';
import type { ActionKind, Environment, Plan, Step } from '../types.js';
import type { CheckContext } from './types.js';

/** How a step changes one (host, service) pair. */
export type Effect =
  | 'stop'
  | 'start'
  | 'restart'
  | 'upgrade'
  | 'decommission'
  | 'config'
  | 'pin'
  | 'unpin'
  /** A compute moved into the new environment (parallel-compute): config change and environment switch. */
  | 'retarget';

export interface Pair {
  readonly host: string;
  readonly service: string;
  readonly def: ServiceDef | undefined;
  /** The environment the service starts in: spare hosts form the new one. */
  readonly env: Environment;
  /** Installed and running on `plan.from` before the plan (false on spare hosts). */
  readonly initiallyRunning: boolean;
  /** Steps acting on the pair, sorted by topological position, and what each does to it. */
  chain: number[];
  effects: Effect[];
  /** The chain is totally ordered by the DAG (else the state walk is meaningless and skipped). */
  ordered: boolean;
  /** Filled by the state walk: running after chain[i]. */
  runningAfter: boolean[];
  /** Start/restart steps that run the target release, in chain order. */
  newStarts: number[];
  /** The environment the pair belongs to at each of `newStarts` (a retarget moves a compute to `new`). */
  newStartEnvs: Environment[];
  /** upgrade-packages steps that change the pair's release, in chain order. */
  releaseUpgrades: number[];
}

export interface Model {
  readonly plan: Plan;
  readonly ctx: CheckContext;
  readonly g: PlanGraph;
  readonly hosts: ReadonlyMap<string, Host>;
  readonly spare: ReadonlySet<string>;
  /** Deterministic order: hosts as in the inventory (spares last), services as listed, then step order. */
  readonly pairs: readonly Pair[];
  readonly pairsOn: ReadonlyMap<string, readonly Pair[]>;
  /** Step env: `step.env ?? (spare host ? 'new' : 'old')`. */
  readonly stepEnv: readonly Environment[];
  readonly unknownServices: ReadonlyArray<{ service: string; step: string | undefined; host: string }>;
  stepsOf(kind: ActionKind): readonly number[];
  /** Steps of one kind grouped by host, in step order (memoized: several invariants ask). */
  perHost(kind: ActionKind): ReadonlyMap<string, readonly number[]>;
  def(service: string): ServiceDef | undefined;
  id(step: number): string;
}

export { isNovaControllerDef as isNovaController } from '../../catalog/index.js';

export function isComputeSide(def: ServiceDef | undefined): boolean {
  return def?.computeSide === true;
}

/**
 * The database environment a project's services use. Only Nova has two deployments in parallel-compute;
 * every other project is shared by the old and the new environment.
 */
export function dbEnv(project: string, env: Environment): Environment {
  return project === 'nova' ? env : 'old';
}

export function isStart(e: Effect): boolean {
  return e === 'start' || e === 'restart';
}

export function buildModel(plan: Plan, ctx: CheckContext, g: PlanGraph): Model {
  const steps = plan.steps;
  const defs = new Map<string, ServiceDef | undefined>();
  const unknownServices: Array<{ service: string; step: string | undefined; host: string }> = [];
  // Services the plan or inventory name but the catalog does not know are reported under dag.valid.
  const lookup = (
    service: string,
    step: string | undefined,
    host: string | undefined,
  ): ServiceDef | undefined => {
    if (defs.has(service)) return defs.get(service);
    let def: ServiceDef | undefined;
    try {
      def = ctx.services(service);
    } catch {
      def = undefined;
    }
    defs.set(service, def);
    if (def === undefined && host !== undefined) unknownServices.push({ service, step, host });
    return def;
  };

  const hosts = new Map<string, Host>();
  const spare = new Set<string>();
  for (const h of ctx.hosts) hosts.set(h.name, h);
  for (const h of ctx.spareHosts) {
    hosts.set(h.name, h);
    spare.add(h.name);
  }

  const pairs: Pair[] = [];
  // host → service → pair: no per-lookup string building on plans with 100k+ steps.
  const pairIndex = new Map<string, Map<string, Pair>>();
  const pairsOn = new Map<string, Pair[]>();
  const addPair = (host: string, service: string, installed: boolean, step: string | undefined): Pair => {
    let onHost = pairIndex.get(host);
    if (onHost === undefined) {
      onHost = new Map();
      pairIndex.set(host, onHost);
    }
    let p = onHost.get(service);
    if (p === undefined) {
      p = {
        host,
        service,
        def: lookup(service, step, host),
        env: spare.has(host) ? 'new' : 'old',
        initiallyRunning: installed && !spare.has(host),
        chain: [],
        effects: [],
        ordered: true,
        runningAfter: [],
        newStarts: [],
        newStartEnvs: [],
        releaseUpgrades: [],
      };
      onHost.set(service, p);
      pairs.push(p);
      let list = pairsOn.get(host);
      if (list === undefined) {
        list = [];
        pairsOn.set(host, list);
      }
      list.push(p);
    }
    return p;
  };
  for (const h of hosts.values()) for (const s of h.services) addPair(h.name, s, true, undefined);

  // Pass 1: services a step names explicitly exist on its host even if the inventory did not list them.
  for (const s of steps) {
    if (!hosts.has(s.host)) continue;
    for (const service of namedServices(s)) addPair(s.host, service, false, s.id);
  }

  // Pass 2: chain entries, in step index order (sorted by topological position below).
  const byKind = new Map<ActionKind, number[]>();
  const dataPlane = new Set(ctx.dataPlane ?? []);
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    let list = byKind.get(s.action.kind);
    if (list === undefined) {
      list = [];
      byKind.set(s.action.kind, list);
    }
    list.push(i);
    if (!hosts.has(s.host)) continue;
    for (const [service, effect] of effectsOf(s, pairsOn.get(s.host) ?? [], dataPlane)) {
      const p = pairIndex.get(s.host)!.get(service)!;
      // A step naming a service twice acts on it once.
      if (p.chain[p.chain.length - 1] === i) continue;
      p.chain.push(i);
      p.effects.push(effect);
    }
  }
  const pos = g.pos;
  for (const p of pairs) {
    if (p.chain.length < 2) continue;
    const idx = p.chain.map((_, k) => k).sort((a, b) => pos[p.chain[a]!]! - pos[p.chain[b]!]!);
    p.chain = idx.map((k) => p.chain[k]!);
    p.effects = idx.map((k) => p.effects[k]!);
  }

  const perHostCache = new Map<ActionKind, Map<string, number[]>>();
  const perHost = (kind: ActionKind): Map<string, number[]> => {
    let out = perHostCache.get(kind);
    if (out === undefined) {
      out = new Map();
      for (const s of byKind.get(kind) ?? []) {
        const host = steps[s]!.host;
        const list = out.get(host);
        if (list === undefined) out.set(host, [s]);
        else list.push(s);
      }
      perHostCache.set(kind, out);
    }
    return out;
  };

  const stepEnv = steps.map((s): Environment => s.env ?? (spare.has(s.host) ? 'new' : 'old'));
  return {
    plan,
    ctx,
    g,
    hosts,
    spare,
    pairs,
    pairsOn,
    stepEnv,
    unknownServices,
    stepsOf: (kind) => byKind.get(kind) ?? [],
    perHost,
    def: (service) => lookup(service, undefined, undefined),
    id: (step) => steps[step]!.id,
  };
}

function namedServices(s: Step): readonly string[] {
  switch (s.action.kind) {
    case 'stop-services':
    case 'start-services':
    case 'restart-services':
    case 'upgrade-packages':
    case 'decommission':
      return s.action.services;
    default:
      return [];
  }
}

/** The (service, effect) pairs of one step on its host (DESIGN §5 semantics, "acts on"). */
/** Nova's `[upgrade_levels]` is read by the services that send RPC, not by the data plane. */
function readsPin(p: Pair, dataPlane: ReadonlySet<string>): boolean {
  return p.def?.project === 'nova' && !dataPlane.has(p.service);
}

function effectsOf(
  s: Step,
  onHost: readonly Pair[],
  dataPlane: ReadonlySet<string>,
): Array<[string, Effect]> {
  const a = s.action;
  switch (a.kind) {
    case 'stop-services':
      return a.services.map((x) => [x, 'stop']);
    case 'start-services':
      return a.services.map((x) => [x, 'start']);
    case 'restart-services':
      return a.services.map((x) => [x, 'restart']);
    case 'upgrade-packages':
      return a.services.map((x) => [x, 'upgrade']);
    case 'decommission':
      return a.services.map((x) => [x, 'decommission']);
    case 'edit-config':
      return onHost.filter((p) => p.def?.project === a.project).map((p) => [p.service, 'config']);
    case 'set-rpc-pin':
      return onHost.filter((p) => readsPin(p, dataPlane)).map((p) => [p.service, 'pin']);
    case 'clear-rpc-pin':
      return onHost.filter((p) => readsPin(p, dataPlane)).map((p) => [p.service, 'unpin']);
    case 'retarget-compute':
      return onHost.filter((p) => isComputeSide(p.def)).map((p) => [p.service, 'retarget']);
    default:
      return [];
  }
}
