// After a crash, whether a step's effect is present in the twin: `done` when the state shows it,
// `not-done` when it does not (or the step has no effect to show: checks simply run again), `unknown`
// only for gates, whose approval lives outside the cloud.

import type { ProbeResult } from '../../engine/driver.js';
import type { Step } from '../../plan/types.js';
import { CLOUD } from '../../plan/types.js';
import { ENDPOINT_API } from './apis.js';
import type { Cloud } from './cloud.js';
import { COMPUTE } from './state.js';

export function probeStep(cloud: Cloud, step: Step): ProbeResult {
  const a = step.action;
  const host = step.host === CLOUD ? undefined : cloud.host(step.host);
  const yes = (b: boolean): ProbeResult => (b ? 'done' : 'not-done');
  const svc = (n: string) => cloud.service(step.host, n);
  switch (a.kind) {
    case 'backup-database':
      return yes(a.databases.every((d) => host?.backups.has(`database:${d}`) === true));
    case 'backup-config':
      return yes(a.paths.every((p) => host?.backups.has(`config:${p}`) === true));
    case 'switch-repository':
      return yes(host?.repo === a.release);
    case 'upgrade-packages': {
      if (host === undefined) return 'not-done';
      const names =
        a.full === true
          ? [...host.services.values()].filter((s) => !s.removed).map((s) => s.name)
          : a.services;
      return yes(names.every((n) => svc(n)?.installed === a.release));
    }
    case 'stop-services':
      return yes(a.services.every((n) => svc(n)?.run === undefined));
    case 'start-services':
      return yes(a.services.every((n) => svc(n)?.run !== undefined));
    case 'restart-services':
      // Restarted = running the installed code with the host's current config and pins.
      return yes(
        a.services.every((n) => {
          const s = svc(n);
          return (
            s?.run !== undefined && s.run.release === s.installed && s.run.configGen === s.host.configGen
          );
        }),
      );
    case 'edit-config':
      return yes(a.edits.every((e) => host?.edits.has(e.id) === true));
    case 'pre-sync': {
      const db = cloud.databaseFor(a.project, step.env ?? 'old');
      return yes(cloud.dbs.get(db)?.fixes.has(a.fix) === true);
    }
    case 'db-sync':
      return yes(cloud.dbs.get(a.database)?.head === a.to_head);
    case 'set-rpc-pin':
      return yes(host?.pins.get(a.service) === a.level);
    case 'clear-rpc-pin':
      return yes(host !== undefined && !host.pins.has(a.service));
    case 'disable-compute':
      return yes(host !== undefined && !host.enabled);
    case 'enable-compute':
      return yes(host?.enabled === true);
    case 'drain-compute':
      return yes(host !== undefined && host.instances.length === 0);
    case 'wait-services':
    case 'verify':
      // No effect of their own: running them again is how to know.
      return 'not-done';
    case 'gate':
      return 'unknown';
    case 'register-endpoint': {
      const env = cloud.regions.get(a.region);
      return yes(env !== undefined && cloud.apis.isRegistered(ENDPOINT_API[a.service], env));
    }
    case 'retarget-compute':
      return yes(host?.env === (step.env ?? 'new'));
    case 'restore-config':
      return 'not-done';
    case 'restore-database':
      return yes(a.databases.every((d) => cloud.dbs.get(d.database)?.head === d.head));
    case 'downgrade-packages':
      return yes(a.services.every((n) => svc(n)?.installed === a.release));
    case 'decommission': {
      const gone = a.services.every((n) => svc(n) === undefined);
      const endpoints = (a.endpoints ?? []).every(
        (e) => !cloud.apis.isRegistered(ENDPOINT_API[e.service], cloud.regions.get(e.region) ?? 'old'),
      );
      return yes(gone && endpoints);
    }
  }
}

export function computeStatusOf(
  cloud: Cloud,
  hostName: string,
  env: 'old' | 'new' | undefined,
): { up: boolean; enabled: boolean } | undefined {
  const host = cloud.host(hostName);
  const s = cloud.service(hostName, COMPUTE);
  if (host === undefined || s === undefined || host.env === undefined) return undefined;
  if (env !== undefined && host.env !== env) return undefined;
  return { up: s.up, enabled: host.enabled };
}
