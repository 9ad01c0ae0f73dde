// INTERIM stand-in (see README.md): Keystone v2.0 and v3 password authentication, shaped after the
// Identity API v2.0 reference (POST /v2.0/tokens → 200 {"access": …}) and the v3 reference as Havana
// keystone answered it (POST /v3/auth/tokens → 201, X-Subject-Token, {"token": …}). UUID tokens.

import { randomBytes } from 'node:crypto';
import { type Ctx, isRecord, keystoneError, type Reply, reply } from './http-util.js';
import { idOf, iso, type State } from './state.js';

/** The APIs the stand-in serves, by catalog type (volume brings volumev2 along). */
export type StandinApi =
  | 'identity'
  | 'compute'
  | 'network'
  | 'volume'
  | 'image'
  | 'orchestration'
  | 'metering';

export const ALL_APIS: readonly StandinApi[] = [
  'identity',
  'compute',
  'network',
  'volume',
  'image',
  'orchestration',
  'metering',
];

export interface KeystoneConfig {
  tokenTtlMs: number;
  region: string;
  apis: readonly StandinApi[];
  /** Endpoints added through the v3 API (parallel-compute's new region). */
  extra: ExtraEndpoint[];
  /** Ids of the built-in endpoints deleted through the v3 API. */
  removed: Set<string>;
}

export interface ExtraEndpoint {
  id: string;
  type: string;
  interface: 'public' | 'internal' | 'admin';
  url: string;
  region: string;
}

interface CatalogEndpointRow {
  id: string;
  type: string;
  interface: 'public' | 'internal' | 'admin';
  url: string;
  region: string;
}

/** Every endpoint the catalog holds now: the built-in ones not deleted, and the added ones. */
export function endpointRows(origin: string, projectId: string, cfg: KeystoneConfig): CatalogEndpointRow[] {
  const rows: CatalogEndpointRow[] = [];
  for (const e of catalogEntries(origin, projectId, cfg.apis)) {
    for (const i of ['public', 'internal', 'admin'] as const) {
      const id = idOf(`endpoint-${i}`, e.type);
      if (!cfg.removed.has(id)) rows.push({ id, type: e.type, interface: i, url: e[i], region: cfg.region });
    }
  }
  // Keystone fills in the tenant of a `%(tenant_id)s` URL when it issues the catalog.
  for (const x of cfg.extra) rows.push({ ...x, url: x.url.replace('%(tenant_id)s', projectId) });
  return rows;
}

interface Entry {
  type: string;
  name: string;
  public: string;
  internal: string;
  admin: string;
}

/** The catalog: every URL points back at the stand-in, under a path per service. */
export function catalogEntries(origin: string, projectId: string, apis: readonly StandinApi[]): Entry[] {
  const same = (type: string, name: string, url: string): Entry => ({
    type,
    name,
    public: url,
    internal: url,
    admin: url,
  });
  const out: Entry[] = [];
  for (const api of apis) {
    switch (api) {
      case 'identity':
        // The admin API on its own root, as on port 35357.
        out.push({
          ...same('identity', 'keystone', `${origin}/identity/v2.0`),
          admin: `${origin}/identity-admin/v2.0`,
        });
        break;
      case 'compute':
        out.push(same('compute', 'nova', `${origin}/compute/v2/${projectId}`));
        break;
      case 'network':
        out.push(same('network', 'neutron', `${origin}/network`));
        break;
      case 'volume':
        out.push(same('volume', 'cinder', `${origin}/volume/v1/${projectId}`));
        out.push(same('volumev2', 'cinderv2', `${origin}/volume/v2/${projectId}`));
        break;
      case 'image':
        out.push(same('image', 'glance', `${origin}/image`));
        break;
      case 'orchestration':
        out.push(same('orchestration', 'heat', `${origin}/orchestration/v1/${projectId}`));
        break;
      case 'metering':
        out.push(same('metering', 'ceilometer', `${origin}/metering`));
        break;
    }
  }
  return out;
}

export const SERVICE_PROJECT_ID = '5f4c4d1e0a1b4c7e9d2f3a6b8c0d1e2f';

export function handleKeystone(ctx: Ctx, cfg: KeystoneConfig, root: string): Reply {
  const [a, b, c] = ctx.segments;
  const path = ctx.segments.join('/');
  if (ctx.method === 'GET' && path === '')
    return reply(300, { versions: { values: [version(ctx, root, 'v3.0'), version(ctx, root, 'v2.0')] } });
  if (ctx.method === 'GET' && path === 'v2.0') return reply(200, { version: version(ctx, root, 'v2.0') });
  if (ctx.method === 'GET' && path === 'v3') return reply(200, { version: version(ctx, root, 'v3.0') });
  if (ctx.method === 'POST' && a === 'v2.0' && b === 'tokens' && c === undefined) return issueV2(ctx, cfg);
  if (ctx.method === 'POST' && path === 'v3/auth/tokens') return issueV3(ctx, cfg);
  // The projects (tenants) the admin sees: the user's own and `service`, which config edits look up.
  if (a === 'v3' && (b === 'services' || b === 'endpoints' || b === 'regions')) {
    if (ctx.token === undefined)
      return keystoneError(401, 'Unauthorized', 'The request you have made requires authentication.');
    return adminV3(ctx, cfg, b, c);
  }
  if (ctx.method === 'GET' && (path === 'v3/projects' || path === 'v2.0/tenants')) {
    if (ctx.token === undefined)
      return keystoneError(401, 'Unauthorized', 'The request you have made requires authentication.');
    const all = [
      { id: ctx.state.projectId, name: ctx.state.user.project, enabled: true },
      { id: SERVICE_PROJECT_ID, name: 'service', enabled: true },
    ];
    const name = ctx.url.searchParams.get('name');
    const list = all.filter((p) => name === null || p.name === name);
    return reply(200, a === 'v3' ? { projects: list } : { tenants: list });
  }
  return keystoneError(404, 'Not Found', 'The resource could not be found.');
}

function version(ctx: Ctx, root: string, id: 'v2.0' | 'v3.0'): unknown {
  return {
    id,
    status: 'stable',
    updated: id === 'v2.0' ? '2013-03-06T00:00:00Z' : '2013-03-06T00:00:00Z',
    links: [{ rel: 'self', href: `${ctx.origin}/${root}/${id === 'v2.0' ? 'v2.0' : 'v3'}/` }],
    'media-types': [{ base: 'application/json', type: `application/vnd.openstack.identity-${id}+json` }],
  };
}

interface Issued {
  id: string;
  /** v2.0 style, whole seconds: `2014-01-31T15:30:58Z`. */
  expires: string;
  /** v3 style, microseconds: `2014-01-31T15:30:58.123000Z`. */
  expiresAt: string;
  issued: string;
}

function issueToken(state: State, cfg: KeystoneConfig, scoped: boolean): Issued {
  const id = randomBytes(16).toString('hex');
  const now = Date.now();
  const end = now + cfg.tokenTtlMs;
  state.tokens.set(id, { expiresAt: end, projectId: scoped ? state.projectId : '', userId: state.userId });
  return {
    id,
    expires: iso(end),
    expiresAt: new Date(end).toISOString().replace(/Z$/, '000Z'),
    issued: iso(now),
  };
}

function issueV2(ctx: Ctx, cfg: KeystoneConfig): Reply {
  const { state } = ctx;
  const auth = isRecord(ctx.body) ? ctx.body.auth : undefined;
  const creds = isRecord(auth) ? auth.passwordCredentials : undefined;
  if (!isRecord(auth) || !isRecord(creds))
    return keystoneError(400, 'Bad Request', 'Expecting to find passwordCredentials in auth.');
  if (creds.username !== state.user.name || creds.password !== state.user.password) {
    return keystoneError(401, 'Unauthorized', 'Invalid user / password');
  }
  const wantsTenant = auth.tenantName !== undefined || auth.tenantId !== undefined;
  if (wantsTenant && auth.tenantName !== state.user.project && auth.tenantId !== state.projectId) {
    return keystoneError(
      401,
      'Unauthorized',
      `User ${state.userId} is unauthorized for tenant ${String(auth.tenantName ?? auth.tenantId)}`,
    );
  }
  const t = issueToken(state, cfg, wantsTenant);
  const tenant = { description: null, enabled: true, id: state.projectId, name: state.user.project };
  return reply(200, {
    access: {
      token: { issued_at: t.issued, expires: t.expires, id: t.id, ...(wantsTenant ? { tenant } : {}) },
      serviceCatalog: wantsTenant
        ? catalogEntries(ctx.origin, state.projectId, cfg.apis).map((e) => {
            const rows = endpointRows(ctx.origin, state.projectId, cfg).filter((r) => r.type === e.type);
            const regions = [...new Set(rows.map((r) => r.region))];
            return {
              endpoints: regions.map((region) => {
                const url = (i: string) => rows.find((r) => r.region === region && r.interface === i)?.url;
                return {
                  adminURL: url('admin'),
                  region,
                  internalURL: url('internal'),
                  id: idOf('endpoint', `${e.type}-${region}`),
                  publicURL: url('public'),
                };
              }),
              endpoints_links: [],
              type: e.type,
              name: e.name,
            };
          })
        : [],
      user: {
        username: state.user.name,
        roles_links: [],
        id: state.userId,
        roles: [{ name: 'admin' }],
        name: state.user.name,
      },
      metadata: { is_admin: 0, roles: [idOf('role', 'admin')] },
    },
  });
}

function issueV3(ctx: Ctx, cfg: KeystoneConfig): Reply {
  const { state } = ctx;
  const unauthorized = keystoneError(
    401,
    'Unauthorized',
    'The request you have made requires authentication.',
  );
  const auth = isRecord(ctx.body) ? ctx.body.auth : undefined;
  const identity = isRecord(auth) ? auth.identity : undefined;
  const password = isRecord(identity) ? identity.password : undefined;
  const user = isRecord(password) ? password.user : undefined;
  if (
    !isRecord(auth) ||
    !isRecord(identity) ||
    !isRecord(user) ||
    !Array.isArray(identity.methods) ||
    !identity.methods.includes('password')
  ) {
    return keystoneError(400, 'Bad Request', 'Expecting to find identity in auth.');
  }
  if (
    user.name !== state.user.name ||
    user.password !== state.user.password ||
    !inDomain(user.domain, state.user.domain)
  ) {
    return unauthorized;
  }
  const scope = isRecord(auth.scope) ? auth.scope.project : undefined;
  if (scope !== undefined) {
    const ok =
      isRecord(scope) &&
      (scope.id === state.projectId ||
        (scope.name === state.user.project && inDomain(scope.domain, state.user.domain)));
    if (!ok) return unauthorized;
  }
  const scoped = scope !== undefined;
  const t = issueToken(state, cfg, scoped);
  const domain = { id: domainId(state.user.domain), name: state.user.domain };
  return reply(
    201,
    {
      token: {
        methods: ['password'],
        roles: [{ id: idOf('role', 'admin'), name: 'admin' }],
        expires_at: t.expiresAt,
        ...(scoped
          ? {
              project: { domain, id: state.projectId, name: state.user.project },
              catalog: catalogEntries(ctx.origin, state.projectId, cfg.apis).map((e) => ({
                endpoints: endpointRows(ctx.origin, state.projectId, cfg)
                  .filter((r) => r.type === e.type)
                  .map((r) => ({
                    url: r.url,
                    region: r.region,
                    region_id: r.region,
                    legacy_endpoint_id: idOf('endpoint', e.type),
                    interface: r.interface,
                    id: r.id,
                  })),
                type: e.type,
                id: idOf('service', e.type),
              })),
            }
          : {}),
        extras: {},
        user: { domain, id: state.userId, name: state.user.name },
        issued_at: t.issued.replace('Z', '.000000Z'),
      },
    },
    { 'X-Subject-Token': t.id },
  );
}

function domainId(name: string): string {
  return name === 'Default' ? 'default' : idOf('domain', name);
}

function inDomain(d: unknown, name: string): boolean {
  return isRecord(d) && (d.id === domainId(name) || d.name === name);
}

/** The v3 catalog administration parallel-compute needs: services, endpoints (list, create, delete), regions. */
function adminV3(ctx: Ctx, cfg: KeystoneConfig, what: string, id: string | undefined): Reply {
  const types = [...new Set(catalogEntries(ctx.origin, ctx.state.projectId, cfg.apis).map((e) => e.type))];
  if (what === 'regions')
    return reply(ctx.method === 'POST' ? 201 : 200, { region: { id: id ?? 'RegionOne' } });
  if (what === 'services' && ctx.method === 'GET') {
    const type = ctx.url.searchParams.get('type');
    return reply(200, {
      services: types
        .filter((t) => type === null || t === type)
        .map((t) => ({ id: idOf('service', t), type: t, enabled: true })),
    });
  }
  const serviceOf = new Map(types.map((t) => [idOf('service', t), t]));
  if (ctx.method === 'GET') {
    const sid = ctx.url.searchParams.get('service_id');
    const rows = endpointRows(ctx.origin, ctx.state.projectId, cfg).filter(
      (r) => sid === null || idOf('service', r.type) === sid,
    );
    return reply(200, {
      endpoints: rows.map((r) => ({
        id: r.id,
        service_id: idOf('service', r.type),
        interface: r.interface,
        url: r.url,
        region: r.region,
        region_id: r.region,
      })),
    });
  }
  if (ctx.method === 'POST') {
    const e = isRecord(ctx.body) && isRecord(ctx.body.endpoint) ? ctx.body.endpoint : undefined;
    const type = typeof e?.service_id === 'string' ? serviceOf.get(e.service_id) : undefined;
    const iface = e?.interface;
    if (
      e === undefined ||
      type === undefined ||
      (iface !== 'public' && iface !== 'internal' && iface !== 'admin') ||
      typeof e.url !== 'string'
    ) {
      return keystoneError(400, 'Bad Request', 'Expecting service_id, interface and url');
    }
    const region =
      typeof e.region_id === 'string' ? e.region_id : typeof e.region === 'string' ? e.region : cfg.region;
    const row: ExtraEndpoint = {
      id: randomBytes(16).toString('hex'),
      type,
      interface: iface,
      url: e.url,
      region,
    };
    cfg.extra.push(row);
    return reply(201, { endpoint: { ...row, service_id: e.service_id, region_id: region } });
  }
  if (ctx.method === 'DELETE' && id !== undefined) {
    const at = cfg.extra.findIndex((x) => x.id === id);
    if (at >= 0) cfg.extra.splice(at, 1);
    else cfg.removed.add(id);
    return reply(204, undefined);
  }
  return keystoneError(405, 'Method Not Allowed', 'not supported by the stand-in');
}
