// The run's connection to the cloud's APIs (when credentials exist), and the probes that measure API
// downtime while the run goes on. Probe results are journaled once the run ends.

import type { MeasuredDowntime } from '../cli/commands/run-summary.js';
import { openCloud } from '../drivers/openstack/cloud.js';
import { cloudApiOf } from '../drivers/openstack/cloud-api.js';
import { resolveAuth } from '../drivers/openstack/resolve.js';
import type { CloudApi } from '../drivers/real/cloud-api.js';
import { type Clock, realClock } from '../engine/clock.js';
import type { EngineListener } from '../engine/engine.js';
import type { Journal } from '../engine/journal.js';
import type { Inventory } from '../inventory/types.js';
import { ApiProber } from '../probe/prober.js';
import { probeTargets } from '../probe/targets.js';
import type { Redactor } from '../security/redactor.js';

export interface RunCloud {
  api: CloudApi;
  listener?: EngineListener;
  startProbes(): void;
  /** Stops the probes and journals what they measured. */
  stopProbes(journal: Journal, runId: string): Promise<void>;
  downtime(): MeasuredDowntime[];
}

/** Whether any source of credentials is configured (the openstack client's rules). */
export function hasCredentials(inventory: Inventory, env: NodeJS.ProcessEnv): boolean {
  return (
    inventory.openstack.cloud !== undefined || (env.OS_CLOUD ?? '') !== '' || (env.OS_AUTH_URL ?? '') !== ''
  );
}

export async function openRunCloud(
  inventory: Inventory,
  env: NodeJS.ProcessEnv,
  redactor: Redactor,
  o: { clock?: Clock; pollMs?: number | undefined } = {},
): Promise<RunCloud | undefined> {
  if (!hasCredentials(inventory, env)) return undefined;
  const auth = resolveAuth({
    ...(inventory.openstack.cloud !== undefined ? { cloud: inventory.openstack.cloud } : {}),
    env,
  });
  redactor.add(auth.password.reveal());
  const clock = o.clock ?? realClock;
  const cloud = await openCloud(auth, { clock });
  const api = cloudApiOf(cloud, {
    clock,
    pollMs: o.pollMs ?? 2000,
    ...(inventory.openstack.smoke_network === undefined
      ? {}
      : { smokeNetwork: inventory.openstack.smoke_network }),
    openRegion: (region) => openCloud({ ...auth, regionName: region }, { clock }),
  });
  const prober = new ApiProber(probeTargets(cloud.endpoints()), {
    clock,
    // Once a second, or as often as the driver polls when that is faster (tests).
    intervalMs: Math.min(1000, o.pollMs ?? 1000),
  });
  let stopped = false;
  return {
    api,
    startProbes: () => prober.start(),
    stopProbes: async (journal, runId) => {
      if (stopped) return;
      stopped = true;
      await prober.stop();
      const report = prober.downtime();
      const targets = probeTargets(cloud.endpoints());
      const events = Object.entries(report).map(([apiName, d]) => ({
        type: 'api-downtime' as const,
        at: clock.now(),
        api: apiName,
        url: targets.find((t) => t.api === apiName)?.url ?? '',
        watched_s: watched(prober, clock),
        down_s: d.downSeconds,
        intervals: d.intervals.map((i) => ({ start: i.start, end: i.end })),
      }));
      if (events.length > 0 && (await journal.loadRun(runId)) !== undefined)
        await journal.append(runId, events);
    },
    downtime: () =>
      Object.entries(prober.downtime()).map(([apiName, d]) => ({
        api: apiName,
        watched_s: watched(prober, clock),
        down_s: d.downSeconds,
        intervals: d.intervals.map((i) => ({ start: i.start, end: i.end })),
      })),
  };
}

function watched(prober: ApiProber, clock: Clock): number {
  const { start, end } = prober.window;
  return start === undefined ? 0 : ((end ?? clock.now()) - start) / 1000;
}
