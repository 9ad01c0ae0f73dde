// What each action does to the twin: its duration, the checks that refuse it before anything happens,
// the ops applied when it starts (services stop at the start of a step) and at its end (everything else,
// computed against the state at that instant, since concurrent steps change the cloud meanwhile).

import type { ServiceName } from '../../catalog/types.js';
import type { ActionOf, Environment, Step } from '../../plan/types.js';
import { CLOUD } from '../../plan/types.js';
import { COMPUTE_API, ENDPOINT_API } from './apis.js';
import type { Cloud } from './cloud.js';
import {
  dbSyncSeconds,
  estimateSeconds,
  jitter,
  liveMigrationSeconds,
  REFUSAL_S,
  redeploySeconds,
} from './durations.js';
import type { Op } from './ops.js';
import { COMPUTE, type HostState, type ServiceState } from './state.js';
import { failedChecks, notUp } from './verify.js';

export type Tx = (op: Op) => void;

export interface Outcome {
  summary?: string;
  error?: string;
  /** Retrying cannot help (an RPC version mismatch, a missing sync). */
  permanent?: boolean;
}

export interface Refusal {
  message: string;
  permanent: boolean;
  /** Counted errors (an RPC call that was rejected). */
  ops: Op[];
}

export interface ActionRun {
  durationMs: number;
  refuse?: Refusal;
  begin?: (tx: Tx) => void;
  /** Polled every `everyMs` until `pending()` is undefined or `deadlineMs` passes (wait-services). */
  poll?: { everyMs: number; deadlineMs: number; pending: () => string | undefined };
  end: (tx: Tx) => Outcome;
  /** Runs however the step ends (success, failure, abort). */
  cleanup?: () => void;
}

/** Actions that may run on the cloud's APIs rather than on one host. */
const CLOUD_ACTIONS: ReadonlySet<string> = new Set([
  'verify',
  'gate',
  'wait-services',
  'register-endpoint',
  'decommission',
]);

/** How often wait-services looks, and for how long at most (3× its estimate, at least 2 minutes). */
export const WAIT_POLL_S = 10;
export const WAIT_BOUND_FACTOR = 3;
export const WAIT_MIN_BOUND_S = 120;

export function prepare(cloud: Cloud, step: Step, attempt: number, now: number): ActionRun {
  const ctx = cloud.ctx;
  const a = step.action;
  const host = step.host === CLOUD ? undefined : cloud.host(step.host);
  if (step.host !== CLOUD && host === undefined) {
    return refused(0, `unknown host ${step.host}: the inventory has no such host`, true);
  }
  if (host === undefined && !CLOUD_ACTIONS.has(a.kind)) {
    return refused(0, `${a.kind} acts on one host, not on ${CLOUD}`, true);
  }
  const j = jitter(ctx.seed, step.id, attempt);
  const ms = (seconds: number) => Math.round(seconds * 1000 * j);
  const base = ms(estimateSeconds(ctx, a));
  const joinBegin = joinSpare(host, step);

  const simple = (end: (tx: Tx) => Outcome, durationMs = base): ActionRun => ({
    durationMs,
    ...(joinBegin === undefined ? {} : { begin: joinBegin }),
    end,
  });

  switch (a.kind) {
    case 'backup-database':
      return simple((tx) => {
        tx({ op: 'backup', host: step.host, names: a.databases.map((d) => `database:${d}`) });
        return { summary: `dumped ${a.databases.join(', ')}` };
      });
    case 'backup-config':
      return simple((tx) => {
        tx({ op: 'backup', host: step.host, names: a.paths.map((p) => `config:${p}`) });
        return { summary: `copied ${a.paths.join(', ')}` };
      });
    case 'switch-repository':
      return simple((tx) => {
        tx({ op: 'repo', host: step.host, release: a.release });
        return { summary: `${step.host} now installs from ${a.add.join(', ') || a.release}` };
      });
    case 'upgrade-packages': {
      const h = host!;
      if (h.repo !== a.release) {
        return refused(
          base,
          `E: no ${a.release} packages for ${a.services.join(', ')}: ${h.name} still uses the ${h.repo} repository`,
          true,
        );
      }
      return simple((tx) => {
        const names =
          a.full === true
            ? [...h.services.values()].filter((s) => !s.removed).map((s) => s.name)
            : a.services;
        tx({ op: 'install', host: h.name, services: names, release: a.release });
        return {
          summary: `${names.join(', ')} installed from ${a.release}${a.full === true ? ' (full upgrade)' : ''}`,
        };
      });
    }
    case 'stop-services':
      return {
        durationMs: base,
        begin: (tx) => {
          joinBegin?.(tx);
          tx({ op: 'stop', host: step.host, services: a.services });
        },
        end: () => ({ summary: `stopped ${a.services.join(', ')}` }),
      };
    case 'start-services':
      return simple((tx) => startServices(cloud, host!, a.services, tx));
    case 'restart-services':
      return {
        durationMs: base,
        begin: (tx) => {
          joinBegin?.(tx);
          tx({ op: 'stop', host: step.host, services: a.services });
        },
        end: (tx) => startServices(cloud, host!, a.services, tx, 'restarted'),
      };
    case 'edit-config':
      return simple((tx) => {
        tx({ op: 'config', host: step.host, edits: a.edits });
        return { summary: `applied ${a.edits.map((e) => e.id).join(', ')}` };
      });
    case 'pre-sync':
      return preSync(cloud, step, a, base);
    case 'db-sync':
      return dbSync(cloud, step, a, ms(dbSyncSeconds(cloud, a)), now);
    case 'set-rpc-pin':
      return simple((tx) => {
        tx({ op: 'pin', host: step.host, topic: a.service, level: a.level });
        return { summary: `[upgrade_levels] ${a.service} = ${a.level} (read at the next start)` };
      });
    case 'clear-rpc-pin':
      return simple((tx) => {
        tx({ op: 'pin', host: step.host, topic: a.service, level: null });
        return { summary: `[upgrade_levels] ${a.service} removed (read at the next start)` };
      });
    case 'disable-compute':
    case 'enable-compute': {
      const enabled = a.kind === 'enable-compute';
      const h = host!;
      const env = step.env ?? h.env ?? 'old';
      if (cloud.service(h.name, COMPUTE) === undefined)
        return refused(base, `${h.name} runs no nova-compute`, true);
      if (!cloud.apiUp(COMPUTE_API, env)) {
        return refused(base, `os-services ${enabled ? 'enable' : 'disable'} failed: ${apiDown(env)}`, false);
      }
      return simple((tx) => {
        if (!cloud.apiUp(COMPUTE_API, env)) return { error: apiDown(env) };
        tx({ op: 'enable', host: h.name, enabled });
        return { summary: `nova-compute on ${h.name} ${enabled ? 'enabled' : 'disabled'}` };
      });
    }
    case 'drain-compute':
      return drain(cloud, step, a, host!, now, j);
    case 'wait-services':
      return waitServices(cloud, step, a.services, base);
    case 'verify':
      return simple(() => {
        const failed = failedChecks(cloud, step, a.checks);
        return failed.length === 0
          ? { summary: `${a.checks.map((c) => c.check).join(', ')}: ok` }
          : { error: failed.join('; '), permanent: false };
      });
    case 'gate':
      // Approval is the engine's business; on the twin a gate takes no time and changes nothing.
      return simple(() => ({ summary: 'approved' }), 0);
    case 'register-endpoint': {
      const env = step.env ?? 'new';
      return simple((tx) => {
        tx({ op: 'endpoint', service: a.service, region: a.region, env, present: true });
        return { summary: `${a.service} endpoint of region ${a.region} registered` };
      });
    }
    case 'retarget-compute': {
      const env = step.env ?? 'new';
      return simple((tx) => {
        const left = host!.instances.length;
        tx({ op: 'join', host: step.host, env });
        return {
          summary:
            `${step.host} now belongs to region ${a.region}` +
            (left > 0 ? `; ${left} instances left behind in the old deployment are lost` : ''),
        };
      });
    }
    case 'restore-config':
      return simple(() => ({ summary: `configuration of run ${a.run} restored` }));
    case 'restore-database':
      return simple((tx) => {
        for (const d of a.databases) {
          tx({
            op: 'schema',
            database: d.database,
            project: d.project,
            env: step.env ?? 'old',
            head: d.head,
          });
        }
        return { summary: `restored ${a.databases.map((d) => `${d.database} (${d.head})`).join(', ')}` };
      });
    case 'downgrade-packages': {
      const h = host!;
      if (h.repo !== a.release) {
        return refused(
          base,
          `E: no ${a.release} packages: ${h.name} still uses the ${h.repo} repository`,
          true,
        );
      }
      return simple((tx) => {
        tx({ op: 'install', host: h.name, services: a.services, release: a.release });
        return { summary: `${a.services.join(', ')} back on ${a.release}` };
      });
    }
    case 'decommission':
      return simple((tx) => {
        if (a.services.length > 0 && host !== undefined)
          tx({ op: 'remove', host: step.host, services: a.services });
        for (const e of a.endpoints ?? []) {
          tx({
            op: 'endpoint',
            service: e.service,
            region: e.region,
            env: cloud.regions.get(e.region) ?? 'old',
            present: false,
          });
        }
        const parts = [
          ...(a.services.length > 0 ? [`${a.services.join(', ')} retired on ${step.host}`] : []),
          ...(a.endpoints ?? []).map((e) => `${ENDPOINT_API[e.service]} endpoint of ${e.region} removed`),
        ];
        return { summary: parts.join('; ') };
      });
  }
}

function refused(durationMs: number, message: string, permanent: boolean, ops: Op[] = []): ActionRun {
  return {
    durationMs: Math.min(durationMs, REFUSAL_S * 1000),
    refuse: { message, permanent, ops },
    end: () => ({}),
  };
}

function rpcRefused(durationMs: number, message: string): ActionRun {
  return refused(durationMs, message, true, [{ op: 'count', metric: 'rpc_errors', n: 1, sample: message }]);
}

function apiDown(env: Environment): string {
  return `the compute API of the ${env} deployment is down (no nova-api, or keystone down)`;
}

/** A spare host enters a Nova deployment with the first step the plan runs on it. */
function joinSpare(host: HostState | undefined, step: Step): ((tx: Tx) => void) | undefined {
  if (host === undefined || !host.spare || host.env !== undefined) return undefined;
  const env = step.env ?? 'new';
  return (tx) => tx({ op: 'join', host: host.name, env });
}

/** Why a service cannot start now; `rpc` when the cause is an RPC version the peers reject. */
function startError(cloud: Cloud, s: ServiceState): { message: string; rpc: boolean } | undefined {
  const h = s.host.name;
  const run = cloud.prospectiveRun(s);
  if (run === undefined) return { message: `${s.name} is not installed on ${h}`, rpc: false };
  if (s.def.dbAccess) {
    const want = cloud.ctx.release(run.release).schemaHeads[s.def.project];
    const dbName = cloud.databaseFor(s.def.project, run.env);
    if (want !== undefined) {
      if (cloud.syncing.has(dbName)) {
        return { message: `${s.name} on ${h}: the ${dbName} database is being migrated`, rpc: false };
      }
      const head = cloud.dbs.get(dbName)?.head;
      if (head !== want) {
        const behind =
          head === undefined || head === 'empty' || head === cloud.ctx.from.schemaHeads[s.def.project];
        return {
          message:
            `${s.name} on ${h} fails to start: ${run.release} code needs the ${s.def.project} schema at ${want}, ` +
            `the ${dbName} database is ${head === undefined ? 'missing' : `at ${head}`}` +
            (behind ? ' (its db sync has not run)' : ' (the schema was migrated past this code)'),
          rpc: false,
        };
      }
    }
  }
  const sends = cloud.sendsOf(s.name, run);
  for (const send of sends.values())
    if (!send.ok) return { message: `${s.name} on ${h}: ${send.error}`, rpc: true };
  const rejected = cloud.requiredRejection(s.name, h, sends, run.env);
  if (rejected !== undefined) return { message: rejected, rpc: true };
  return undefined;
}

/** Starts services in order; the first that cannot start fails the step (those before it run). */
function startServices(
  cloud: Cloud,
  host: HostState,
  names: readonly ServiceName[],
  tx: Tx,
  verb = 'started',
): Outcome {
  const started: string[] = [];
  for (const name of names) {
    const s = cloud.service(host.name, name);
    if (s === undefined) return { error: `${name} is not on ${host.name}`, permanent: true };
    if (s.run !== undefined) continue;
    const err = startError(cloud, s);
    if (err !== undefined) {
      if (err.rpc) tx({ op: 'count', metric: 'rpc_errors', n: 1, sample: err.message });
      return { error: err.message, permanent: true };
    }
    tx({ op: 'start', host: host.name, services: [name] });
    started.push(name);
  }
  const waiting = started.filter((n) => cloud.service(host.name, n)?.up === false);
  return {
    summary:
      `${verb} ${started.length > 0 ? started.join(', ') : 'nothing (already running)'}` +
      (waiting.length > 0 ? `; not reporting up yet: ${waiting.join(', ')}` : ''),
  };
}

function dbUsersMessage(cloud: Cloud, db: string): string | undefined {
  const users = cloud.usersOf(db);
  if (users.length === 0) return undefined;
  const named = users.slice(0, 4).map((s) => `${s.name} on ${s.host.name}`);
  return `${named.join(', ')}${users.length > named.length ? ` and ${users.length - named.length} more` : ''} ${
    users.length === 1 ? 'is' : 'are'
  } still running against the ${db} database`;
}

function preSync(cloud: Cloud, step: Step, a: ActionOf<'pre-sync'>, base: number): ActionRun {
  const env = step.env ?? 'old';
  const db = cloud.databaseFor(a.project, env);
  const def = cloud.ctx.pack.preSync.find((p) => p.project === a.project && p.fix === a.fix);
  if (def?.online !== true) {
    const busy = dbUsersMessage(cloud, db);
    if (busy !== undefined) return refused(base, `${a.fix} on ${db}: ${busy}`, false);
  }
  return {
    durationMs: base,
    end: (tx) => {
      tx({ op: 'fix', database: db, fix: a.fix });
      return { summary: `${a.fix} done on ${db}` };
    },
  };
}

function dbSync(
  cloud: Cloud,
  step: Step,
  a: ActionOf<'db-sync'>,
  durationMs: number,
  now: number,
): ActionRun {
  const env = step.env ?? (a.from_head === 'empty' ? 'new' : 'old');
  const db = cloud.dbs.get(a.database);
  const head = db?.head ?? 'empty';
  if (head === a.to_head) {
    return {
      durationMs: Math.min(durationMs, REFUSAL_S * 1000),
      end: () => ({ summary: `${a.database} already at ${a.to_head}` }),
    };
  }
  if (head !== a.from_head) {
    return refused(
      durationMs,
      `the ${a.database} schema is at ${head}, not ${a.from_head}: refusing to migrate`,
      true,
    );
  }
  const busy = dbUsersMessage(cloud, a.database);
  if (busy !== undefined) return refused(durationMs, busy, false);
  const computeProject = cloud.ctx.from.services.find((s) => s.api === COMPUTE_API)?.project;
  return {
    durationMs,
    begin: (_tx) => {
      cloud.syncing.add(a.database);
    },
    end: (tx) => {
      tx({ op: 'schema', database: a.database, project: a.project, env, head: a.to_head });
      if (a.project === computeProject) {
        const waited = cloud.apis.down.overlapMs(COMPUTE_API, now, cloud.now);
        if (waited > 0) tx({ op: 'count', metric: 'db_wait_ms', n: waited });
      }
      return { summary: `${a.database}: ${a.from_head} → ${a.to_head}` };
    },
    cleanup: () => {
      cloud.syncing.delete(a.database);
    },
  };
}

function drain(
  cloud: Cloud,
  step: Step,
  a: ActionOf<'drain-compute'>,
  host: HostState,
  now: number,
  j: number,
): ActionRun {
  const ctx = cloud.ctx;
  const n = host.instances.length;
  const env = step.env ?? host.env ?? 'old';
  if (a.mode === 'wait') {
    // The host is disabled: nothing new lands, and the step lasts until its last workload ends.
    let last = now;
    for (const id of host.instances) last = Math.max(last, cloud.instances.endAt[id]!);
    return {
      durationMs: last - now,
      end: (tx) => {
        const ended = host.instances.length;
        if (ended > 0) tx({ op: 'end', host: host.name });
        return { summary: `${ended} instances ended by themselves` };
      },
    };
  }
  if (n === 0) return { durationMs: 0, end: () => ({ summary: 'no instances to move' }) };
  const kind = a.mode === 'live-migrate' ? 'live' : 'cold';
  const target: Environment = a.to_region === undefined ? env : (cloud.regions.get(a.to_region) ?? 'new');
  const perInstance = kind === 'live' ? liveMigrationSeconds(ctx) : redeploySeconds(ctx);
  const durationMs = Math.round(n * perInstance * 1000 * j);
  for (const e of new Set([env, target])) {
    if (!cloud.apiUp(COMPUTE_API, e)) return refused(durationMs, apiDown(e), false);
  }
  if (kind === 'cold' && cloud.apis.apis.includes('image-api') && !cloud.apiUp('image-api')) {
    return refused(durationMs, 'the image API is down: no snapshot can be taken', false);
  }
  const src = host.services.get(COMPUTE);
  if (src === undefined || src.removed || !src.up) {
    return refused(
      durationMs,
      `nova-compute on ${host.name} is not up: its instances cannot be moved`,
      false,
    );
  }
  const rejected = cloud.clientRejection(src);
  if (rejected !== undefined) return rpcRefused(durationMs, rejected);
  const ram = cloud.instances.ramMb;
  const placement = cloud.placement[target];
  const checkDest = (h: number): string | undefined => {
    const dst = cloud.hostList[h]!.services.get(COMPUTE)!;
    return (
      cloud.clientRejection(dst) ??
      (kind === 'live' || a.to_region === undefined ? cloud.migrationRejection(src, dst) : undefined)
    );
  };
  const noHost = (left: number) =>
    `NoValidHost: No valid host was found for ${left} instances of ${host.name} (no enabled, up compute of the ` +
    `${target} deployment has ${ram} MB free)`;
  const first = placement.best(ram, host.index);
  if (first === undefined) return refused(durationMs, noHost(n), false);
  const firstProblem = checkDest(first);
  if (firstProblem !== undefined) return rpcRefused(durationMs, firstProblem);

  return {
    durationMs,
    end: (tx) => {
      const checked = new Map<number, string | undefined>();
      const dests = new Set<string>();
      let moved = 0;
      while (host.instances.length > 0) {
        const d = placement.best(ram, host.index);
        if (d === undefined) return { error: noHost(host.instances.length), permanent: false };
        let problem = checked.get(d);
        if (!checked.has(d)) {
          problem = checkDest(d);
          checked.set(d, problem);
        }
        if (problem !== undefined) {
          tx({ op: 'count', metric: 'rpc_errors', n: 1, sample: problem });
          return { error: `${problem} (after moving ${moved} instances)`, permanent: true };
        }
        const to = cloud.hostList[d]!.name;
        tx({ op: 'move', from: host.name, kind, to: [[to, 1]] });
        dests.add(to);
        moved++;
      }
      const what =
        kind === 'live'
          ? `live-migrated ${moved} instances (${Math.round((moved * ram) / 102.4) / 10} GB)`
          : `redeployed ${moved} instances into ${a.to_region ?? 'other computes'} (each interrupted)`;
      return { summary: `${what} to ${dests.size} host${dests.size === 1 ? '' : 's'}` };
    },
  };
}

function waitServices(cloud: Cloud, step: Step, services: readonly ServiceName[], base: number): ActionRun {
  const pending = (): string | undefined => {
    if (step.host === CLOUD) return notUp(cloud, services, step.env);
    const down = services
      .map((n) => cloud.service(step.host, n))
      .filter((s): s is ServiceState => s !== undefined && !s.up)
      .map((s) => `${s.name} on ${s.host.name}`);
    return down.length === 0 ? undefined : `not up: ${down.join(', ')}`;
  };
  const bound = Math.max(WAIT_BOUND_FACTOR * base, WAIT_MIN_BOUND_S * 1000);
  return {
    durationMs: base,
    poll: { everyMs: WAIT_POLL_S * 1000, deadlineMs: bound, pending },
    end: () => {
      const still = pending();
      return still === undefined
        ? { summary: `${services.join(', ')} report up` }
        : { error: `after ${Math.round(bound / 1000)} s, ${still}`, permanent: false };
    },
  };
}
