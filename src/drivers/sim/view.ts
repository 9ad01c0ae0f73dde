// A read-only window on the twin's model, for tests and reports: plain objects, never live records.

import type { Environment } from '../../plan/types.js';
import type { Cloud } from './cloud.js';

export interface ServiceView {
  installed: string | undefined;
  /** Release of the running code, undefined when stopped. */
  running: string | undefined;
  /** `[upgrade_levels]` the running process read at start. */
  pins: Readonly<Record<string, string>> | undefined;
  up: boolean;
  healthy: boolean;
  removed: boolean;
}

export interface HostView {
  name: string;
  env: Environment | undefined;
  repo: string;
  enabled: boolean;
  pins: Readonly<Record<string, string>>;
  edits: readonly string[];
  instances: number;
  freeMb: number;
  services: Readonly<Record<string, ServiceView>>;
}

export class TwinView {
  constructor(private readonly cloud: Cloud) {}

  hosts(): string[] {
    return this.cloud.hostList.map((h) => h.name);
  }

  host(name: string): HostView | undefined {
    const h = this.cloud.host(name);
    if (h === undefined) return undefined;
    const services: Record<string, ServiceView> = {};
    for (const s of h.services.values()) {
      services[s.name] = {
        installed: s.installed,
        running: s.run?.release,
        pins: s.run?.pins,
        up: s.up,
        healthy: s.healthy,
        removed: s.removed,
      };
    }
    return {
      name: h.name,
      env: h.env,
      repo: h.repo,
      enabled: h.enabled,
      pins: Object.fromEntries(h.pins),
      edits: [...h.edits],
      instances: h.instances.length,
      freeMb: h.capacityMb - h.usedMb,
      services,
    };
  }

  database(name: string): { head: string; fixes: readonly string[] } | undefined {
    const db = this.cloud.dbs.get(name);
    return db === undefined ? undefined : { head: db.head, fixes: [...db.fixes] };
  }

  apiUp(api: string, env?: Environment): boolean {
    return this.cloud.apiUp(api, env);
  }

  /** Open RPC exposure windows right now (incompatible pairs running). */
  get openRpcPairs(): number {
    return this.cloud.rpc.openPairs;
  }

  get instancesAlive(): number {
    return this.cloud.instances.alive;
  }
}
