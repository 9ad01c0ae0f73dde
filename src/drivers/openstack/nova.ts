// Nova v2 as Havana and Icehouse serve it, on the catalog's compute endpoint (which already carries
// the tenant: `http://api:8774/v2/<tenant_id>`). No microversion headers: this era has none.

import { z } from 'zod';
import { MigrationError } from './errors.js';
import { type WaitOptions, waitForMigration } from './live-migration.js';
import {
  type Hypervisor,
  HypervisorsResponse,
  type Migration,
  MigrationsResponse,
  type NovaService,
  type Server,
  ServerResponse,
  ServersResponse,
  ServicesResponse,
  ServiceUpdateResponse,
  toHypervisor,
  toMigration,
  toServer,
  toService,
} from './nova-schemas.js';
import type { CallOptions, ServiceClient } from './service.js';
import { joinUrl } from './url.js';

export interface Flavor {
  id: string;
  name: string;
  ramMb: number;
  vcpus: number;
  diskGb: number;
}

const FlavorsResponse = z
  .object({
    flavors: z.array(
      z
        .object({
          id: z.union([z.string(), z.number()]),
          name: z.string(),
          ram: z.number(),
          vcpus: z.number(),
          disk: z.number(),
        })
        .loose(),
    ),
  })
  .loose();

const ImagesResponse = z
  .object({
    images: z.array(
      z
        .object({
          id: z.string(),
          name: z.string().nullish(),
          status: z.string().optional(),
          minRam: z.number().optional(),
        })
        .loose(),
    ),
  })
  .loose();

/**
 * `"networks": "none"` exists from compute microversion 2.37 (Newton): sent only with it, in both the
 * current and the legacy header, so the rest of the client keeps the v2 / v2.1 forms every release has.
 */
const NO_NETWORK_MICROVERSION = {
  'OpenStack-API-Version': 'compute 2.37',
  'X-OpenStack-Nova-API-Version': '2.37',
} as const;

const CreateServerResponse = z.object({ server: z.object({ id: z.string() }).loose() }).loose();

/** 202 Accepted with no body (Nova may also send `{}`). */
const Accepted = z.union([z.undefined(), z.object({}).loose()]);

export interface LiveMigrateOptions {
  /** Target compute host; null or absent lets the scheduler choose. */
  host?: string | null;
  /** Copy the disks too (no shared storage). Default false. */
  blockMigration?: boolean;
  /** Default false. */
  diskOverCommit?: boolean;
}

export class NovaClient {
  readonly #svc: ServiceClient;

  constructor(svc: ServiceClient) {
    this.#svc = svc;
  }

  /** GET os-services, filtered by host and binary (also here: Havana-era servers ignore unknown filters). */
  async listServices(
    filter: { host?: string; binary?: string } = {},
    opts: CallOptions = {},
  ): Promise<NovaService[]> {
    const body = await this.#svc.call('GET', 'os-services', ServicesResponse, {
      ...opts,
      query: { host: filter.host, binary: filter.binary },
    });
    return body.services
      .map(toService)
      .filter(
        (s) =>
          (filter.host === undefined || s.host === filter.host) &&
          (filter.binary === undefined || s.binary === filter.binary),
      );
  }

  /** PUT os-services/disable-log-reason: stop scheduling to the service, saying why (os-extended-services). */
  async disableService(
    host: string,
    binary: string,
    reason: string,
    opts: CallOptions = {},
  ): Promise<NovaService['status']> {
    const body = await this.#svc.call('PUT', 'os-services/disable-log-reason', ServiceUpdateResponse, {
      ...opts,
      json: { host, binary, disabled_reason: reason },
    });
    return body.service.status;
  }

  /** PUT os-services/enable. */
  async enableService(host: string, binary: string, opts: CallOptions = {}): Promise<NovaService['status']> {
    const body = await this.#svc.call('PUT', 'os-services/enable', ServiceUpdateResponse, {
      ...opts,
      json: { host, binary },
    });
    return body.service.status;
  }

  /** GET os-hypervisors/detail. */
  async listHypervisors(opts: CallOptions = {}): Promise<Hypervisor[]> {
    const body = await this.#svc.call('GET', 'os-hypervisors/detail', HypervisorsResponse, opts);
    return body.hypervisors.map(toHypervisor);
  }

  /**
   * Servers of every tenant (all_tenants=1, admin), optionally only those on one compute host:
   * GET servers/detail, following `servers_links` while Nova pages (osapi_max_limit, 1000 by default).
   */
  async listServers(filter: { host?: string } = {}, opts: CallOptions = {}): Promise<Server[]> {
    const base = await this.#svc.baseUrl(opts.signal);
    let url = joinUrl(base, 'servers/detail', { all_tenants: 1, host: filter.host });
    const out: Server[] = [];
    const seen = new Set<string>();
    for (;;) {
      const page = await this.#svc.callUrl('GET', url, ServersResponse, opts);
      // Filtered here too: Nova silently drops `host` from a non-admin request.
      out.push(
        ...page.servers.map(toServer).filter((s) => filter.host === undefined || s.host === filter.host),
      );
      const next = page.servers_links?.find((l) => l.rel === 'next');
      if (next === undefined || page.servers.length === 0) return out;
      url = nextPage(url, next.href);
      // A link that does not move on would loop forever.
      if (seen.has(url.search)) return out;
      seen.add(url.search);
    }
  }

  /** Every server on a compute host, of every tenant. */
  listServersOnHost(host: string, opts: CallOptions = {}): Promise<Server[]> {
    return this.listServers({ host }, opts);
  }

  /** GET servers/{id}. */
  async getServer(id: string, opts: CallOptions = {}): Promise<Server> {
    const body = await this.#svc.call('GET', `servers/${encodeURIComponent(id)}`, ServerResponse, opts);
    return toServer(body.server);
  }

  /**
   * POST servers/{id}/action {"os-migrateLive": {host, block_migration, disk_over_commit}}: all three
   * keys, booleans as JSON booleans (nova 2014.1 admin_actions.py answers 400 otherwise). Sent once:
   * a second request would find the server already migrating.
   */
  async liveMigrate(id: string, o: LiveMigrateOptions = {}, opts: CallOptions = {}): Promise<void> {
    await this.#svc.call('POST', `servers/${encodeURIComponent(id)}/action`, Accepted, {
      ...opts,
      json: {
        'os-migrateLive': {
          host: o.host ?? null,
          block_migration: o.blockMigration ?? false,
          disk_over_commit: o.diskOverCommit ?? false,
        },
      },
    });
  }

  /** Polls the server until the live migration ends (see live-migration.ts). */
  waitForLiveMigration(id: string, opts: WaitOptions): Promise<Server> {
    return waitForMigration(id, (signal) => this.getServer(id, { signal }), this.#svc.http.clock, opts);
  }

  /** Migrates and waits: resolves with the server on its new host; throws MigrationError otherwise. */
  async liveMigrateAndWait(
    id: string,
    o: LiveMigrateOptions = {},
    opts: Omit<WaitOptions, 'sourceHost'> = {},
  ): Promise<Server> {
    const before = await this.getServer(id, { signal: opts.signal });
    if (before.host === null) {
      throw new MigrationError(id, '(no host)', 'error', {
        status: before.status,
        fault: 'the server has no host',
      });
    }
    await this.liveMigrate(id, o, { signal: opts.signal });
    return this.waitForLiveMigration(id, { ...opts, sourceHost: before.host });
  }

  /**
   * GET os-migrations (Havana and later). In this era it lists resizes and cold migrations only; live
   * migrations got records in later releases.
   */
  async listMigrations(
    filter: { host?: string; status?: string } = {},
    opts: CallOptions = {},
  ): Promise<Migration[]> {
    const body = await this.#svc.call('GET', 'os-migrations', MigrationsResponse, {
      ...opts,
      query: { host: filter.host, status: filter.status },
    });
    return body.migrations.map(toMigration);
  }

  /** GET flavors/detail: id, name, RAM (MB), vCPUs, disk (GB). */
  async listFlavors(opts: CallOptions = {}): Promise<Flavor[]> {
    const body = await this.#svc.call('GET', 'flavors/detail', FlavorsResponse, opts);
    return body.flavors.map((f) => ({
      id: String(f.id),
      name: f.name,
      ramMb: f.ram,
      vcpus: f.vcpus,
      diskGb: f.disk,
    }));
  }

  /** GET images/detail through Nova's image proxy (Havana to Newton): enough to pick one to boot. */
  async listImages(
    opts: CallOptions = {},
  ): Promise<{ id: string; name: string; status: string; minRamMb: number }[]> {
    const body = await this.#svc.call('GET', 'images/detail', ImagesResponse, opts);
    return body.images.map((i) => ({
      id: i.id,
      name: i.name ?? i.id,
      status: i.status ?? 'UNKNOWN',
      minRamMb: i.minRam ?? 0,
    }));
  }

  /** POST servers: boots one server; resolves with its id (the server builds asynchronously). */
  async createServer(
    o: {
      name: string;
      imageRef: string;
      flavorRef: string;
      /** `none`: no network at all, which needs microversion 2.37 (sent only then). */
      networks?: readonly { uuid: string }[] | 'none';
    },
    opts: CallOptions = {},
  ): Promise<string> {
    const body = await this.#svc.call('POST', 'servers', CreateServerResponse, {
      ...opts,
      json: {
        server: {
          name: o.name,
          imageRef: o.imageRef,
          flavorRef: o.flavorRef,
          ...(o.networks ? { networks: o.networks } : {}),
        },
      },
      ...(o.networks === 'none' ? { headers: NO_NETWORK_MICROVERSION } : {}),
    });
    return body.server.id;
  }

  /** DELETE servers/{id}. */
  async deleteServer(id: string, opts: CallOptions = {}): Promise<void> {
    await this.#svc.call('DELETE', `servers/${encodeURIComponent(id)}`, Accepted, opts);
  }

  toJSON(): object {
    return { service: 'compute' };
  }
}

/**
 * The next page's URL: our own URL with the link's query (marker, limit, …). The link's host is not
 * used: behind a proxy Nova often writes its internal name there (osapi_compute_link_prefix unset).
 */
function nextPage(current: URL, href: string): URL {
  const next = new URL(current);
  for (const [k, v] of new URL(href, current).searchParams) next.searchParams.set(k, v);
  return next;
}
