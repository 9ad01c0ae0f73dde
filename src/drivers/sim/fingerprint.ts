// A canonical, time-free picture of the twin's final state, so that a rehearsal killed and resumed any
// number of times can be compared with an uninterrupted one. Left out: every duration; counters that
// depend on how long something lasted (exposure-based event errors); and the live-migration count,
// which depends on the interleaving of concurrent steps (whether an upgraded compute is re-enabled
// before another drain picks its destinations — a resumed run restarts steps at another instant), as it
// would on a real cloud. rpc_errors is in: a correct plan has none, and a broken one must show it.

import type { Cloud } from './cloud.js';
import { ALIVE } from './instances.js';

export function fingerprintOf(cloud: Cloud, now: number): string {
  const hosts = cloud.hostList
    .filter((h) => h.env !== undefined)
    .map((h) => ({
      name: h.name,
      env: h.env,
      repo: h.repo,
      enabled: h.services.has('nova-compute') ? h.enabled : null,
      pins: Object.fromEntries([...h.pins].sort(([a], [b]) => a.localeCompare(b))),
      edits: [...h.edits].sort(),
      services: [...h.services.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((s) => ({
          name: s.name,
          installed: s.installed ?? null,
          running: s.run?.release ?? null,
          removed: s.removed,
        })),
    }));
  const databases = [...cloud.dbs.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((d) => ({ name: d.name, head: d.head, fixes: [...d.fixes].sort() }));
  const perEnv: Record<string, number> = {};
  for (let i = 0; i < cloud.instances.count; i++) {
    if (cloud.instances.status[i] !== ALIVE) continue;
    const env = cloud.hostList[cloud.instances.host[i]!]?.env ?? 'none';
    perEnv[env] = (perEnv[env] ?? 0) + 1;
  }
  const endpoints = cloud.apis.apis.map((api) => [
    api,
    (['old', 'new'] as const).filter((env) => cloud.apis.isRegistered(api, env)),
  ]);
  const c = cloud.counters;
  return JSON.stringify({
    hosts,
    databases,
    endpoints,
    instances: Object.fromEntries(Object.entries(perEnv).sort(([a], [b]) => a.localeCompare(b))),
    counters: {
      instances_lost: c.instances_lost,
      cold_migrations: c.cold_migrations,
      workload_interruptions: c.workload_interruptions,
      rpc_errors: cloud.rpc.total(now),
    },
  });
}
