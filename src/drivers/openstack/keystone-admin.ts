// Keystone v3 catalog administration for parallel-compute: the new Nova deployment's endpoints in a
// region of their own, and the old deployment's removed at its retirement.

import { z } from 'zod';
import type { Cloud } from './cloud.js';

const Services = z
  .object({ services: z.array(z.object({ id: z.string(), type: z.string() }).loose()) })
  .loose();
const Endpoint = z
  .object({
    id: z.string(),
    service_id: z.string(),
    interface: z.string(),
    url: z.string(),
    region: z.string().nullish(),
    region_id: z.string().nullish(),
  })
  .loose();
const Endpoints = z.object({ endpoints: z.array(Endpoint) }).loose();
type EndpointRow = z.infer<typeof Endpoint>;

const INTERFACES = ['public', 'internal', 'admin'] as const;

export class KeystoneAdmin {
  constructor(readonly cloud: Cloud) {}

  #root(): string {
    const auth = this.cloud.session.auth;
    if (auth.identityVersion !== '3') {
      throw new Error(
        'registering endpoints needs Keystone v3 (OS_IDENTITY_API_VERSION=3 and a v3 auth URL)',
      );
    }
    const base = auth.authUrl.replace(/\/+$/, '');
    return base.endsWith('/v3') ? base : `${base}/v3`;
  }

  async #call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const token = (await this.cloud.session.token()).reveal();
    const res = await fetch(`${this.#root()}${path}`, {
      method,
      headers: {
        'X-Auth-Token': token,
        Accept: 'application/json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok && res.status !== 409)
      throw new Error(`${method} ${new URL(`${this.#root()}${path}`).pathname} answered ${res.status}`);
    return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
  }

  async #serviceIds(type: string): Promise<string[]> {
    const body = Services.parse((await this.#call('GET', `/services?type=${encodeURIComponent(type)}`)).json);
    return body.services.filter((s) => s.type === type).map((s) => s.id);
  }

  async #endpoints(serviceIds: readonly string[]): Promise<EndpointRow[]> {
    const out: EndpointRow[] = [];
    for (const id of serviceIds) {
      out.push(
        ...Endpoints.parse((await this.#call('GET', `/endpoints?service_id=${encodeURIComponent(id)}`)).json)
          .endpoints,
      );
    }
    return out;
  }

  static #typesOf(service: 'compute' | 'volume'): string[] {
    return service === 'compute' ? ['compute'] : ['volume', 'volumev2'];
  }

  async has(service: 'compute' | 'volume', region: string): Promise<boolean> {
    const ids = (await Promise.all(KeystoneAdmin.#typesOf(service).map((t) => this.#serviceIds(t)))).flat();
    return (await this.#endpoints(ids)).some((e) => (e.region_id ?? e.region) === region);
  }

  /** Adds the three interfaces in `region` at `url`, or at the URLs the service has in the session's region. */
  async register(service: 'compute' | 'volume', region: string, url: string | undefined): Promise<string> {
    await this.#call('POST', '/regions', {
      region: { id: region, description: 'stackhop parallel-compute' },
    });
    const from = this.cloud.session.auth.regionName;
    const made: string[] = [];
    for (const type of KeystoneAdmin.#typesOf(service)) {
      const ids = await this.#serviceIds(type);
      const id = ids[0];
      if (id === undefined) continue;
      const existing = await this.#endpoints([id]);
      for (const iface of INTERFACES) {
        if (existing.some((e) => (e.region_id ?? e.region) === region && e.interface === iface)) continue;
        const target =
          url ??
          existing.find(
            (e) => (from === undefined || (e.region_id ?? e.region) === from) && e.interface === iface,
          )?.url;
        if (target === undefined) throw new Error(`no ${type} ${iface} endpoint to copy into ${region}`);
        await this.#call('POST', '/endpoints', {
          endpoint: { service_id: id, interface: iface, url: target, region, region_id: region },
        });
        made.push(`${type} ${iface}`);
      }
    }
    if (made.length === 0 && !(await this.has(service, region)))
      throw new Error(`Keystone lists no ${service} service`);
    return url ?? `the ${from ?? 'current'} region's ${service} URLs`;
  }

  async remove(service: 'compute' | 'volume', region: string): Promise<number> {
    const ids = (await Promise.all(KeystoneAdmin.#typesOf(service).map((t) => this.#serviceIds(t)))).flat();
    const gone = (await this.#endpoints(ids)).filter((e) => (e.region_id ?? e.region) === region);
    for (const e of gone) await this.#call('DELETE', `/endpoints/${encodeURIComponent(e.id)}`);
    return gone.length;
  }
}
