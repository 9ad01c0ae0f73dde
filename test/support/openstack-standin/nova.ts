// INTERIM stand-in (see README.md): the Nova v2 calls stackhop makes, as nova 2013.2/2014.1 answered
// them: os-services (list, enable, disable, disable-log-reason), os-hypervisors(/detail),
// servers/detail with all_tenants, host, limit and marker (paged by osapi_max_limit with a
// `servers_links` next link), servers/{id}, the os-migrateLive action, os-migrations.

import type { Ctx, Reply } from './http-util.js';
import { isRecord, novaFault, reply, unauthorized } from './http-util.js';
import { type LiveMigrations, liveMigrate, schedule } from './live-migration.js';
import { hypervisorView, serverView, serviceView } from './nova-views.js';
import { iso, type ServerRow } from './state.js';

export interface NovaConfig {
  /** osapi_max_limit: the most servers one page holds. */
  pageSize: number;
  /** osapi_compute_link_prefix: what `servers_links` hrefs start with. Default: the stand-in itself. */
  linkPrefix: string | undefined;
  migrations: LiveMigrations;
}

export async function handleNova(ctx: Ctx, cfg: NovaConfig): Promise<Reply> {
  const [version, tenant, ...rest] = ctx.segments;
  if (version === undefined && ctx.method === 'GET') {
    return reply(200, {
      versions: [
        {
          id: 'v2.0',
          status: 'CURRENT',
          updated: '2011-01-21T11:33:21Z',
          links: [{ href: `${ctx.origin}/compute/v2/`, rel: 'self' }],
        },
      ],
    });
  }
  if (ctx.token === undefined) return unauthorized(ctx.origin);
  if (version !== 'v2' || tenant === undefined) return novaFault(404, 'The resource could not be found.');
  const route = `${ctx.method} ${rest.map((r, i) => (i === 1 && rest[0] === 'servers' && r !== 'detail' ? '{id}' : r)).join('/')}`;
  switch (route) {
    case 'GET os-services':
      return listServices(ctx);
    case 'PUT os-services/enable':
    case 'PUT os-services/disable':
    case 'PUT os-services/disable-log-reason':
      return updateService(ctx, rest[1]!);
    case 'GET os-hypervisors':
      return reply(200, {
        hypervisors: [...ctx.state.hypervisors.values()].map((h) => ({
          id: h.id,
          hypervisor_hostname: h.host,
        })),
      });
    case 'GET os-hypervisors/detail':
      return reply(200, {
        hypervisors: [...ctx.state.hypervisors.keys()].map((h) => hypervisorView(ctx.state, h)),
      });
    case 'GET servers/detail':
      return listServers(ctx, tenant, cfg);
    case 'GET servers/{id}': {
      const s = ctx.state.servers.get(rest[1]!);
      return s === undefined
        ? novaFault(404, 'Instance could not be found')
        : reply(200, { server: serverView(ctx.origin, s) });
    }
    case 'GET flavors/detail':
      return reply(200, { flavors: FLAVORS.map((f) => ({ ...f, links: [] })) });
    case 'GET images/detail':
      return reply(200, {
        images: [
          { id: IMAGE_ID, name: 'cirros-0.3.2-x86_64', status: 'ACTIVE', minRam: 0, minDisk: 0, links: [] },
        ],
      });
    case 'POST servers':
      return bootServer(ctx, tenant);
    case 'DELETE servers/{id}': {
      const existed = ctx.state.servers.delete(rest[1]!);
      return existed ? reply(204, undefined) : novaFault(404, 'Instance could not be found');
    }
    case 'POST servers/{id}/action':
      return liveMigrate(ctx, rest[1]!, cfg.migrations);
    case 'GET os-migrations':
      return listMigrations(ctx);
    default:
      return novaFault(404, 'The resource could not be found.');
  }
}

async function listServices(ctx: Ctx): Promise<Reply> {
  const host = ctx.url.searchParams.get('host');
  const binary = ctx.url.searchParams.get('binary');
  const rows = ctx.state.services.filter(
    (s) => (!host || s.host === host) && (!binary || s.binary === binary),
  );
  return reply(200, { services: await Promise.all(rows.map((s) => serviceView(ctx.state, s))) });
}

function updateService(ctx: Ctx, action: string): Reply {
  const body = ctx.body;
  if (!isRecord(body) || typeof body.host !== 'string' || typeof body.binary !== 'string') {
    return novaFault(400, 'Invalid attribute in the request');
  }
  let reason: string | null = null;
  if (action === 'disable-log-reason') {
    if (typeof body.disabled_reason !== 'string') return novaFault(400, 'Missing disabled reason field');
    const r = body.disabled_reason.trim();
    if (r.length < 1 || r.length > 255) {
      return novaFault(
        400,
        'The string containing the reason for disabling the service contains invalid characters or is too long.',
      );
    }
    reason = body.disabled_reason;
  }
  const row = ctx.state.services.find((s) => s.host === body.host && s.binary === body.binary);
  if (row === undefined) return novaFault(404, `Compute host ${body.host} could not be found.`);
  row.disabled = action !== 'enable';
  row.disabledReason = reason;
  const service = { host: row.host, binary: row.binary, status: row.disabled ? 'disabled' : 'enabled' };
  return reply(200, {
    service: action === 'disable-log-reason' ? { ...service, disabled_reason: reason } : service,
  });
}

function listServers(ctx: Ctx, tenant: string, cfg: NovaConfig): Reply {
  const q = ctx.url.searchParams;
  const host = q.get('host');
  // all_tenants is a flag: present with any value but false-ish means every tenant (admin only).
  const all = q.has('all_tenants') && !['0', 'false', 'False'].includes(q.get('all_tenants') ?? '');
  let rows: ServerRow[] = [...ctx.state.servers.values()].filter(
    (s) => (all || s.tenantId === ctx.token?.projectId) && (host === null || s.host === host),
  );
  const marker = q.get('marker');
  if (marker !== null) {
    const at = rows.findIndex((s) => s.id === marker);
    if (at === -1) return novaFault(400, `marker [${marker}] not found`);
    rows = rows.slice(at + 1);
  }
  let limit = cfg.pageSize;
  if (q.has('limit')) {
    const n = Number(q.get('limit'));
    if (!Number.isInteger(n) || n < 0) return novaFault(400, 'limit param must be an integer');
    limit = Math.min(n, cfg.pageSize);
  }
  const page = rows.slice(0, limit);
  const out: Record<string, unknown> = { servers: page.map((s) => serverView(ctx.origin, s)) };
  if (page.length > 0 && page.length === limit) {
    // nova/api/openstack/common.py _get_next_link: the request's own parameters, marker replaced.
    const params = new URLSearchParams(q);
    params.set('marker', page[page.length - 1]!.id);
    const prefix = cfg.linkPrefix ?? ctx.origin;
    out.servers_links = [{ href: `${prefix}/compute/v2/${tenant}/servers/detail?${params}`, rel: 'next' }];
  }
  return reply(200, out);
}

function listMigrations(ctx: Ctx): Reply {
  const host = ctx.url.searchParams.get('host');
  const status = ctx.url.searchParams.get('status');
  const rows = ctx.state.migrations.filter(
    (m) => (!host || m.sourceCompute === host || m.destCompute === host) && (!status || m.status === status),
  );
  return reply(200, {
    migrations: rows.map((m) => ({
      created_at: m.created.replace('Z', '.000000'),
      dest_compute: m.destCompute,
      dest_host: '192.0.2.10',
      dest_node: m.destCompute,
      id: m.id,
      instance_uuid: m.instanceUuid,
      new_instance_type_id: 2,
      old_instance_type_id: 1,
      source_compute: m.sourceCompute,
      source_node: m.sourceCompute,
      status: m.status,
      updated_at: m.created.replace('Z', '.000000'),
    })),
  });
}

const IMAGE_ID = '0f7c8b6e-9a43-4c1d-8f55-2b6c2f0f6a10';
const FLAVORS = [
  { id: '1', name: 'm1.tiny', ram: 512, vcpus: 1, disk: 1 },
  { id: '2', name: 'm1.small', ram: 2048, vcpus: 1, disk: 20 },
];

/** POST servers: the scheduler places it (enabled, up, room), and it is ACTIVE at once. */
async function bootServer(ctx: Ctx, tenant: string): Promise<Reply> {
  const body = ctx.body;
  const server = isRecord(body) && isRecord(body.server) ? body.server : undefined;
  if (server === undefined || typeof server.name !== 'string' || typeof server.imageRef !== 'string') {
    return novaFault(400, 'Malformed request body');
  }
  const flavor = FLAVORS.find((f) => f.id === server.flavorRef);
  if (flavor === undefined) return novaFault(400, 'Flavor could not be found');
  if (server.imageRef !== IMAGE_ID) return novaFault(400, `Can not find requested image`);
  const host = await schedule(ctx.state, undefined, flavor.ram);
  if (host === undefined) return novaFault(500, 'No valid host was found.');
  const id = `boot-${ctx.state.servers.size}-${Date.now().toString(36)}`;
  ctx.state.servers.set(id, {
    id,
    name: server.name,
    tenantId: tenant,
    host,
    ramMb: flavor.ram,
    vcpus: flavor.vcpus,
    vmState: 'active',
    taskState: null,
    fault: undefined,
    created: iso(),
    updated: iso(),
  });
  return reply(202, { server: { id, links: [], adminPass: 'not-a-real-password' } });
}
