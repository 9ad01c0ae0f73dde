// The real driver's CloudApi port over the OpenStack clients: the few operations an upgrade needs,
// with Nova's answers reduced to what the driver decides on.

import { z } from 'zod';
import type { ConfigLookup } from '../../catalog/types.js';
import type { Clock } from '../../engine/clock.js';
import type { CloudApi, ComputeApi, ServerInfo } from '../real/cloud-api.js';
import { type Catalog, findEndpoint } from './catalog.js';
import type { Cloud } from './cloud.js';
import { KeystoneAdmin } from './keystone-admin.js';
import type { Server } from './nova-schemas.js';
import { smokeBoot } from './smoke-boot.js';

export interface CloudApiOptions {
  clock: Clock;
  pollMs: number;
  /** Opens the same cloud in another region of its catalog (a new session sees new endpoints). */
  openRegion?: (region: string) => Promise<Cloud>;
  /** Longest one live migration may take. */
  migrationTimeoutMs?: number;
  /** The smoke boot's network (inventory `openstack.smoke_network`). */
  smokeNetwork?: string;
}

function serverInfo(s: Server): ServerInfo {
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    host: s.host ?? '',
    ...(s.taskState !== null ? { taskState: s.taskState } : {}),
  };
}

export function cloudApiOf(cloud: Cloud, o: CloudApiOptions): CloudApi {
  const nova = cloud.nova;
  const compute: ComputeApi = {
    services: async (filter = {}) =>
      (await nova.listServices(filter)).map((s) => ({
        host: s.host,
        binary: s.binary,
        enabled: s.status === 'enabled',
        up: s.state === 'up',
        ...(s.disabledReason !== null ? { disabledReason: s.disabledReason } : {}),
        ...(s.updatedAt !== null ? { updatedAt: s.updatedAt } : {}),
      })),
    disable: async (host, binary, reason) => {
      await nova.disableService(host, binary, reason);
    },
    enable: async (host, binary) => {
      await nova.enableService(host, binary);
    },
    serversOnHost: async (host) => (await nova.listServersOnHost(host)).map(serverInfo),
    allServers: async () => (await nova.listServers()).map(serverInfo),
    hypervisors: async () =>
      (await nova.listHypervisors()).map((h) => ({
        host: h.host,
        memoryMb: h.memoryMb,
        memoryUsedMb: h.memoryMbUsed,
        runningVms: 0,
      })),
    liveMigrate: async (id, target, signal) =>
      serverInfo(
        await nova.liveMigrateAndWait(
          id,
          { host: target ?? null },
          {
            signal,
            pollIntervalMs: o.pollMs,
            ...(o.migrationTimeoutMs !== undefined ? { timeoutMs: o.migrationTimeoutMs } : {}),
          },
        ),
      ),
    waitForMigration: async (id, sourceHost, signal) =>
      serverInfo(
        await nova.waitForLiveMigration(id, {
          sourceHost,
          signal,
          pollIntervalMs: o.pollMs,
          ...(o.migrationTimeoutMs !== undefined ? { timeoutMs: o.migrationTimeoutMs } : {}),
        }),
      ),
    smokeBoot: (signal) =>
      smokeBoot(nova, o.clock, {
        signal,
        pollMs: o.pollMs,
        ...(o.smokeNetwork === undefined ? {} : { network: o.smokeNetwork }),
      }),
    reachable: async (url, signal) => {
      try {
        const res = await fetch(url, { redirect: 'manual', ...(signal !== undefined ? { signal } : {}) });
        await res.arrayBuffer();
        return res.status < 500;
      } catch {
        return false;
      }
    },
  };
  const admin = new KeystoneAdmin(cloud);
  const regions = new Map<string, Promise<CloudApi>>();
  const api: CloudApi = {
    compute,
    region: (name) => {
      if (name === cloud.session.auth.regionName) return Promise.resolve(api);
      let r = regions.get(name);
      if (r === undefined) {
        const open = o.openRegion;
        if (open === undefined) return Promise.reject(new Error(`cannot open region ${name}`));
        r = open(name).then((c) => cloudApiOf(c, { ...o, openRegion: open }));
        // A failed open (endpoint not registered yet) is tried again next time.
        r.catch(() => regions.delete(name));
        regions.set(name, r);
      }
      return r;
    },
    registerEndpoint: (service, region, url) => admin.register(service, region, url),
    hasEndpoint: (service, region) => admin.has(service, region),
    removeEndpoint: async (service, region) => {
      await admin.remove(service, region);
    },
    endpoints: () => ({ ...cloud.endpoints() }) as Record<string, string>,
    lookup: (name) => lookup(cloud, name),
    secrets: () => [cloud.session.auth.password.reveal()],
    close: async () => {
      cloud.close();
      for (const r of regions.values()) await (await r.catch(() => undefined))?.close();
    },
  };
  return api;
}

/** Strips a trailing tenant id from a Nova URL (`…/v2/<tenant>` → `…/v2`), as neutron's nova_url wants it. */
export function withoutTenant(url: string): string {
  return url.replace(/(\/v2(?:\.1)?)\/[0-9a-f-]{8,}\/?$/i, '$1');
}

async function lookup(cloud: Cloud, name: ConfigLookup): Promise<string> {
  const catalog = await cloud.session.catalog();
  switch (name) {
    case 'nova-api-url': {
      const url = cloud.endpoints()['compute-api'];
      if (url === undefined) throw new Error('no compute endpoint in the catalog');
      return withoutTenant(url);
    }
    case 'keystone-admin-url': {
      const url =
        findEndpoint(catalog, ['identity'], { interface: 'admin', region: cloud.session.auth.regionName }) ??
        cloud.endpoints()['identity-api'];
      if (url === undefined) throw new Error('no identity endpoint in the catalog');
      return url;
    }
    case 'service-tenant-id': {
      const id = await projectIdByName(cloud, catalog, 'service');
      if (id === undefined) throw new Error('Keystone knows no project (tenant) named "service"');
      return id;
    }
    default:
      throw new Error(
        `${name} describes the parallel Nova deployment, which the real driver cannot look up yet`,
      );
  }
}

const ProjectsV3 = z
  .object({ projects: z.array(z.object({ id: z.string(), name: z.string() }).loose()) })
  .loose();
const TenantsV2 = z
  .object({ tenants: z.array(z.object({ id: z.string(), name: z.string() }).loose()) })
  .loose();

/** The id of a project by name: v3 `GET /v3/projects?name=`, v2.0 `GET /v2.0/tenants` on the admin endpoint. */
async function projectIdByName(cloud: Cloud, catalog: Catalog, name: string): Promise<string | undefined> {
  const auth = cloud.session.auth;
  const token = (await cloud.session.token()).reveal();
  const v3 = auth.identityVersion === '3';
  const base = v3
    ? auth.authUrl.replace(/\/+$/, '')
    : (
        findEndpoint(catalog, ['identity'], { interface: 'admin', region: auth.regionName }) ?? auth.authUrl
      ).replace(/\/+$/, '');
  const root = v3
    ? base.endsWith('/v3')
      ? base
      : `${base}/v3`
    : base.endsWith('/v2.0')
      ? base
      : `${base}/v2.0`;
  const url = v3 ? `${root}/projects?name=${encodeURIComponent(name)}` : `${root}/tenants`;
  const res = await fetch(url, { headers: { 'X-Auth-Token': token, Accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${new URL(url).pathname} answered ${res.status}`);
  const body: unknown = await res.json();
  const list = v3 ? ProjectsV3.parse(body).projects : TenantsV2.parse(body).tenants;
  return list.find((p) => p.name === name)?.id;
}
