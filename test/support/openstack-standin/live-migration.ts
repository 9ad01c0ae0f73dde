// INTERIM stand-in (see README.md): the os-migrateLive server action as nova 2013.2/2014.1 handled it.
// The API checks the body (all three keys, strict booleans) and the server's state (409 while a task
// runs); the conductor checks source and destination synchronously (a bad one is a 400: the host is
// the server's own, its compute is down, it lacks RAM; no host and none fits is NoValidHost), sets
// task_state `migrating` and answers 202. The move itself finishes later: the server appears on the
// target with its task cleared, or — for an injected fault — rolls back onto the source, or goes to
// ERROR with a fault.

import { type Ctx, isRecord, novaFault, type Reply, reply } from './http-util.js';
import { iso, ramUsed, type State } from './state.js';

export interface MigrationFault {
  /** Only this server (default: the next migration of any server). */
  serverId?: string;
  /** precheck: refused with 400; rollback: back on the source after the delay; error: ERROR + fault. */
  stage: 'precheck' | 'rollback' | 'error';
  message: string;
}

export class LiveMigrations {
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #faults: MigrationFault[] = [];

  constructor(public delayMs: number) {}

  /** Makes the next matching migration fail; each injected fault is used once. */
  inject(fault: MigrationFault): void {
    this.#faults.push(fault);
  }

  take(serverId: string): MigrationFault | undefined {
    const i = this.#faults.findIndex((f) => f.serverId === undefined || f.serverId === serverId);
    return i === -1 ? undefined : this.#faults.splice(i, 1)[0];
  }

  later(fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, this.delayMs);
    this.#timers.add(t);
  }

  get running(): number {
    return this.#timers.size;
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}

// oslo strutils.bool_from_string(strict=True)
const TRUE = ['1', 't', 'true', 'on', 'y', 'yes'];
const FALSE = ['0', 'f', 'false', 'off', 'n', 'no'];

function strictBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  return TRUE.includes(s) ? true : FALSE.includes(s) ? false : undefined;
}

export async function liveMigrate(ctx: Ctx, id: string, lm: LiveMigrations): Promise<Reply> {
  const { state } = ctx;
  const server = state.servers.get(id);
  if (server === undefined) return novaFault(404, 'Instance could not be found');
  const body = isRecord(ctx.body) ? ctx.body['os-migrateLive'] : undefined;
  if (!isRecord(body)) return novaFault(400, 'Unable to parse the request: no os-migrateLive action');
  if (!('host' in body) || !('block_migration' in body) || !('disk_over_commit' in body)) {
    return novaFault(
      400,
      'Missing required element in request body: host, block_migration and disk_over_commit',
    );
  }
  for (const key of ['block_migration', 'disk_over_commit']) {
    if (strictBool(body[key]) === undefined) {
      return novaFault(
        400,
        `Unrecognized value '${String(body[key])}', acceptable values are: ${[...TRUE, ...FALSE].join(', ')}`,
      );
    }
  }
  if (server.vmState !== 'active' || server.taskState !== null) {
    return novaFault(
      409,
      `Cannot 'os-migrateLive' while instance is in ${server.taskState === null ? `vm_state ${server.vmState}` : `task_state ${server.taskState}`}`,
    );
  }
  const source = server.host;
  if (!(await state.serviceUp(source, 'nova-compute'))) {
    return novaFault(400, `Compute service of ${source} is unavailable at this time.`);
  }
  const target =
    typeof body.host === 'string' && body.host !== ''
      ? body.host
      : await schedule(state, source, server.ramMb);
  if (target === undefined) return novaFault(400, 'No valid host was found. ');
  if (target === source)
    return novaFault(400, `Unable to migrate instance (${id}) to current host (${source}).`);
  if (!state.hypervisors.has(target) || !(await state.serviceUp(target, 'nova-compute'))) {
    return novaFault(400, `Compute service of ${target} is unavailable at this time.`);
  }
  const free = state.hypervisors.get(target)!.ramMb - ramUsed(state, target);
  if (free < server.ramMb) {
    return novaFault(
      400,
      `Migration pre-check error: Unable to migrate ${id} to ${target}: Lack of memory(host:${free} <= instance:${server.ramMb})`,
    );
  }
  const fault = lm.take(id);
  if (fault?.stage === 'precheck') return novaFault(400, `Migration pre-check error: ${fault.message}`);

  server.taskState = 'migrating';
  server.updated = iso();
  lm.later(() => {
    server.taskState = null;
    server.updated = iso();
    if (fault?.stage === 'error') {
      server.vmState = 'error';
      server.fault = { message: fault.message, code: 500, created: iso() };
    } else if (fault?.stage !== 'rollback') {
      server.host = target;
    }
  });
  return reply(202);
}

/** The scheduler's pick: an enabled, up compute other than the source with room, most free RAM first. */
export async function schedule(
  state: State,
  source: string | undefined,
  ramMb: number,
): Promise<string | undefined> {
  let best: { host: string; free: number } | undefined;
  for (const s of state.services) {
    if (s.binary !== 'nova-compute' || s.disabled || s.host === source) continue;
    if (!(await state.serviceUp(s.host, s.binary))) continue;
    const free = state.hypervisors.get(s.host)!.ramMb - ramUsed(state, s.host);
    if (free >= ramMb && (best === undefined || free > best.free)) best = { host: s.host, free };
  }
  return best?.host;
}
