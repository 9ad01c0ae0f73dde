// API availability derived from what runs: an API is up iff keystone is up (without it every call fails
// authentication, KS-UPG) and at least one healthy backend of it runs in a Nova deployment whose
// endpoint is registered. Backends are counted per (API, deployment) as services start, stop or turn
// unhealthy, so a change costs O(1); downtime windows are kept per API.

import type { ApiOutage } from '../../catalog/types.js';
import type { Environment } from '../../plan/types.js';
import { Windows } from './intervals.js';

export const IDENTITY_API: ApiOutage = 'identity-api';
export const COMPUTE_API: ApiOutage = 'compute-api';

/** Endpoint service types of `register-endpoint` and the API each stands for. */
export const ENDPOINT_API: Readonly<Record<'compute' | 'volume', ApiOutage>> = {
  compute: 'compute-api',
  volume: 'volume-api',
};

export class ApiTracker {
  private readonly backends = new Map<string, number>();
  private readonly registered = new Map<string, Set<Environment>>();
  readonly down = new Windows(true);
  /** Something changed since the last evaluation (most ops touch no API). */
  private dirty = true;

  /** `apis`: the APIs some service of the cloud serves; only these are tracked. */
  constructor(readonly apis: readonly ApiOutage[]) {
    for (const api of apis) this.registered.set(api, new Set(['old']));
  }

  backend(api: string, env: Environment, delta: number): void {
    const k = `${api}@${env}`;
    this.backends.set(k, (this.backends.get(k) ?? 0) + delta);
    this.dirty = true;
  }

  register(api: string, env: Environment, present: boolean): void {
    let set = this.registered.get(api);
    if (set === undefined) {
      set = new Set();
      this.registered.set(api, set);
    }
    if (present) set.add(env);
    else set.delete(env);
    this.dirty = true;
  }

  isRegistered(api: string, env: Environment): boolean {
    return this.registered.get(api)?.has(env) === true;
  }

  /** Backends running in one deployment, registered or not. */
  backendsIn(api: string, env: Environment): number {
    return this.backends.get(`${api}@${env}`) ?? 0;
  }

  private servedIn(api: string, env: Environment): boolean {
    return this.isRegistered(api, env) && this.backendsIn(api, env) > 0;
  }

  private keystoneUp(): boolean {
    return this.servedIn(IDENTITY_API, 'old') || this.servedIn(IDENTITY_API, 'new');
  }

  /** Up anywhere (any registered deployment), or in one deployment. */
  isUp(api: string, env?: Environment): boolean {
    if (!this.keystoneUp()) return false;
    if (env !== undefined) return this.servedIn(api, env);
    return this.servedIn(api, 'old') || this.servedIn(api, 'new');
  }

  /** Re-evaluates every tracked API at `at` and opens or closes its downtime window. */
  evaluate(at: number): void {
    if (!this.dirty) return;
    this.dirty = false;
    for (const api of this.apis) this.down.set(api, !this.isUp(api), at);
  }
}
