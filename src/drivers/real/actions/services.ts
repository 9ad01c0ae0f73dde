// stop-, start-, restart- and wait-services: `service <unit> <verb>`, judged by the unit's state
// afterwards, so a stop of a stopped service (or a resumed one) is a success and not an error.

import { unitsOf } from '../../../catalog/index.js';
import type { ServiceName } from '../../../catalog/types.js';
import { StepFailure } from '../../../engine/driver.js';
import { CLOUD, type Environment } from '../../../plan/types.js';
import type { RealContext } from '../real-context.js';
import { parseStatus, serviceCommand, type UnitState } from '../render/services.js';
import type { StepIO } from '../step-io.js';
import { cloudOf } from './compute.js';
import type { ActionHandler } from './types.js';

function units(rc: RealContext, services: readonly ServiceName[]): string[] {
  return unitsOf(rc.to, services, rc.family);
}

export async function unitState(
  rc: RealContext,
  host: string,
  unit: string,
  signal?: AbortSignal,
): Promise<UnitState> {
  const r = await rc.exec.exec(host, serviceCommand(unit, 'status'), signal !== undefined ? { signal } : {});
  return parseStatus(r.code, r.stdout, r.stderr);
}

async function drive(io: StepIO, host: string, unit: string, verb: 'start' | 'stop'): Promise<void> {
  const want: UnitState = verb === 'start' ? 'running' : 'stopped';
  const r = await io.run(host, serviceCommand(unit, verb));
  if (r.code === 0) return;
  // upstart refuses to start a running job or stop a stopped one: the state is what counts.
  const state = await unitState(io.rc, host, unit, io.ctx.signal);
  if (state === want) {
    io.note(`[${host}] ${unit} already ${want}`);
    return;
  }
  throw new StepFailure(`${host}: cannot ${verb} ${unit} (now ${state})`, {
    command: serviceCommand(unit, verb),
    exitCode: r.code,
    stderrTail: io.rc.redactor.redact(r.stderr.trim().split('\n').slice(-5).join('\n')),
  });
}

async function allIn(
  rc: RealContext,
  host: string,
  services: readonly ServiceName[],
  want: UnitState,
): Promise<boolean> {
  for (const u of units(rc, services)) if ((await unitState(rc, host, u)) !== want) return false;
  return true;
}

export const stopServices: ActionHandler<'stop-services'> = {
  async execute(step, action, io) {
    // Reverse order: the API goes first, so clients get a clean refusal while workers finish.
    const list = units(io.rc, action.services).reverse();
    for (const u of list) await drive(io, step.host, u, 'stop');
    return { summary: `stopped ${list.join(', ')}` };
  },
  probe: async (step, action, rc) =>
    (await allIn(rc, step.host, action.services, 'stopped')) ? 'done' : 'not-done',
};

/** Binary → whether Nova shows it up and its last heartbeat (`updated_at`); null: not listed (yet). */
type Heartbeats = Map<string, { up: boolean; at: string | undefined } | null>;

/**
 * The os-services `updated_at` of the step's heartbeat services on its host, or undefined while the
 * compute API does not answer (or none of the services keeps a heartbeat).
 */
async function readHeartbeats(
  io: StepIO,
  step: { host: string; env?: Environment },
  services: readonly ServiceName[],
): Promise<Heartbeats | undefined> {
  const binaries = services.filter(reportsHeartbeat);
  if (binaries.length === 0 || io.rc.cloud === undefined) return undefined;
  try {
    const api = (await cloudOf(io.rc, step.host, step.env)).compute;
    const states = await api.services({ host: step.host });
    return new Map(
      binaries.map((b) => {
        const st = states.find((s) => s.binary === b);
        return [b, st === undefined ? null : { up: st.up, at: st.updatedAt }];
      }),
    );
  } catch {
    return undefined;
  }
}

/**
 * After Nova services (re)start, waits until each has reported to Nova again: os-services shows a
 * service up on its predecessor's heartbeat for service_down_time (60 s by default), and a service
 * that is still starting (a nova-compute registering with Placement) fails if the next phase stops
 * what it needs. A heartbeat is new when `updated_at` moves past the baseline: read before a start
 * (a stopped service cannot report), after a restart. Without a baseline (the compute API was down)
 * the wait takes one once the API answers if this step started nova-api itself, and is skipped with a
 * note otherwise (all-at-once starts the conductor before the API; its wait-services step waits).
 */
async function awaitFreshHeartbeats(
  io: StepIO,
  step: { host: string; env?: Environment },
  services: readonly ServiceName[],
  baseline: Heartbeats | undefined,
): Promise<void> {
  const { rc } = io;
  const binaries = services.filter(reportsHeartbeat);
  if (binaries.length === 0 || rc.cloud === undefined) return;
  const deadline = rc.clock.now() + Math.min(HEARTBEAT_WAIT_MS, rc.pollMs * HEARTBEAT_POLLS);
  let seen = baseline;
  while (seen === undefined && services.includes('nova-api') && rc.clock.now() < deadline) {
    await rc.clock.sleep(rc.pollMs, io.ctx.signal);
    seen = await readHeartbeats(io, step, services);
  }
  if (seen === undefined) {
    io.note(`the compute API did not answer: not waiting for ${binaries.join(', ')} to report`);
    return;
  }
  for (;;) {
    const now = await readHeartbeats(io, step, services);
    const pending = binaries.filter((b) => {
      const cur = now?.get(b);
      // Not listed yet (a first start), down, or the API did not answer: still waiting.
      if (cur === null || cur === undefined || !cur.up) return true;
      const before = seen.get(b)?.at;
      // A Nova that never showed updated_at for it can only be judged by its up flag.
      if (cur.at === undefined) return before !== undefined;
      return cur.at === before;
    });
    if (pending.length === 0) return;
    if (rc.clock.now() >= deadline) {
      throw new StepFailure(
        `${step.host}: ${pending.join(', ')} started but has not reported to Nova since ` +
          `(os-services updated_at still ${pending.map((b) => seen.get(b)?.at ?? 'unset').join(', ')})`,
      );
    }
    await rc.clock.sleep(rc.pollMs, io.ctx.signal);
  }
}

/** At most 2 minutes (service_down_time + report_interval + start-up), and at most 60 polls. */
const HEARTBEAT_WAIT_MS = 120_000;
const HEARTBEAT_POLLS = 60;

export const startServices: ActionHandler<'start-services'> = {
  async execute(step, action, io) {
    const list = units(io.rc, action.services);
    const baseline = await readHeartbeats(io, step, action.services);
    for (const u of list) await drive(io, step.host, u, 'start');
    await awaitFreshHeartbeats(io, step, action.services, baseline);
    return { summary: `started ${list.join(', ')}` };
  },
  probe: async (step, action, rc) =>
    (await allIn(rc, step.host, action.services, 'running')) ? 'done' : 'not-done',
};

export const restartServices: ActionHandler<'restart-services'> = {
  async execute(step, action, io) {
    const list = units(io.rc, action.services);
    for (const u of list) await io.must(step.host, serviceCommand(u, 'restart'));
    await awaitFreshHeartbeats(io, step, action.services, await readHeartbeats(io, step, action.services));
    return { summary: `restarted ${list.join(', ')}` };
  },
  // A restart leaves no trace to probe; running it again is harmless.
  probe: async () => 'unknown',
};

/**
 * Waits until every unit runs and, for Nova's services, the API reports them up: on the step's host,
 * or on every host that runs them when the step is the cloud's.
 */
export const waitServices: ActionHandler<'wait-services'> = {
  async execute(step, action, io) {
    const { rc } = io;
    const hosts =
      step.host === CLOUD
        ? [...rc.hosts.values()]
            .filter((h) => !h.spare || step.env === 'new')
            .filter((h) => h.services.some((s) => action.services.includes(s)))
        : [{ name: step.host, services: action.services }];
    for (;;) {
      const waiting: string[] = [];
      for (const h of hosts) {
        const services = h.services.filter((s) => action.services.includes(s));
        for (const u of units(rc, services)) {
          if ((await unitState(rc, h.name, u, io.ctx.signal)) !== 'running') waiting.push(`${h.name}:${u}`);
        }
      }
      if (waiting.length === 0 && rc.cloud !== undefined) {
        const states = await (await cloudOf(rc, step.host, step.env)).compute.services();
        for (const h of hosts) {
          for (const b of h.services.filter((s) => action.services.includes(s) && reportsHeartbeat(s))) {
            const st = states.find((x) => x.host === h.name && x.binary === b);
            if (st === undefined || !st.up) waiting.push(`${h.name}:${b} (API)`);
          }
        }
      }
      if (waiting.length === 0)
        return { summary: `up: ${action.services.join(', ')} on ${hosts.length} host(s)` };
      io.note(
        `waiting for ${waiting.slice(0, 10).join(', ')}${waiting.length > 10 ? ` and ${waiting.length - 10} more` : ''}`,
      );
      await rc.clock.sleep(rc.pollMs, io.ctx.signal);
    }
  },
  probe: async () => 'unknown',
};

/** Nova services that keep a heartbeat in os-services (the API and the console proxy do not). */
export function reportsHeartbeat(service: ServiceName): boolean {
  return service.startsWith('nova-') && service !== 'nova-api' && service !== 'nova-novncproxy';
}
