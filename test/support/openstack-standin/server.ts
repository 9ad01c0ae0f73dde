// INTERIM stand-in (see README.md): one node:http server on 127.0.0.1 (random port) serving every API
// under a path of its own (/identity, /identity-admin, /compute, /network, /volume, /image,
// /orchestration, /metering), with switches that make an API answer 503 (down, or the next N
// requests), answer slowly, or refuse tokens.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleCinder } from './cinder.js';
import { BadJson, type Ctx, novaFault, proxyUnavailable, type Reply, readBody } from './http-util.js';
import { ALL_APIS, handleKeystone, type KeystoneConfig, type StandinApi } from './keystone.js';
import { LiveMigrations, type MigrationFault } from './live-migration.js';
import { handleNeutron } from './neutron.js';
import { handleNova } from './nova.js';
import { handleVersionOnly } from './others.js';
import {
  buildState,
  type ComputeSpec,
  DEFAULT_USER,
  type MigrationSpec,
  type ServerSpec,
  type ServiceUp,
  type State,
  type User,
} from './state.js';

export interface StandinOptions {
  /** Default cmp01, cmp02, cmp03. */
  computes?: readonly (string | ComputeSpec)[];
  /** Hosts of nova-scheduler/conductor/cert/consoleauth, the Neutron L3/DHCP/metadata agents, cinder. Default ctl01. */
  controllers?: readonly string[];
  servers?: readonly ServerSpec[];
  /** Rows of os-migrations. */
  migrations?: readonly MigrationSpec[];
  /** Whether a service reports in (Nova `state`, Neutron `alive`, Cinder `state`). Default: all up. */
  serviceUp?: ServiceUp;
  user?: Partial<User>;
  /** How long a live migration runs. Default 50 ms. */
  migrationDelayMs?: number;
  /** Token lifetime. Default 1 h. */
  tokenTtlMs?: number;
  /** osapi_max_limit. Default 1000. */
  pageSize?: number;
  /** osapi_compute_link_prefix for `servers_links`. Default: the stand-in's own origin. */
  linkPrefix?: string;
  /** Default RegionOne. */
  region?: string;
  /** APIs in the catalog. Default all. */
  apis?: readonly StandinApi[];
  /**
   * Whether an API has a backend right now (e.g. its service runs on the test fleet's controller). A
   * false answer is the load balancer's 503, like `setUnavailable`. Default: always.
   */
  apiUp?: (api: StandinApi) => boolean | Promise<boolean>;
  /** Servers of the first deployment end by themselves this long after the stand-in starts (drains that wait). */
  serverLifetimeMs?: number;
  /**
   * parallel-compute: a second Nova deployment, its API served at `listen` (as on the new controller,
   * `http://new1:8774/v2/<tenant>`), for the computes `deploymentOf` places in it.
   */
  secondNova?: {
    listen: { host: string; port: number };
    controllers: readonly string[];
    computes: readonly string[];
    deploymentOf: (host: string) => 'first' | 'second' | Promise<'first' | 'second'>;
    /** Whether its nova-api runs (the listener answers 503 otherwise). */
    apiUp: () => boolean | Promise<boolean>;
  };
}

export interface RequestRecord {
  method: string;
  /** Path and query. Never the token. */
  path: string;
  api: StandinApi | undefined;
  status: number;
}

export interface Standin {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly authUrlV2: string;
  readonly authUrlV3: string;
  readonly user: User;
  /** The live model: tests read it and change it. */
  readonly state: State;
  /** Every request answered, in order. */
  readonly requests: RequestRecord[];
  /** OS_* variables that authenticate against the stand-in. */
  env(version?: '2.0' | '3'): Record<string, string>;
  /** The second Nova deployment's state (secondNova). */
  secondState?: State;
  /** While on, every request to the API gets 503 (as haproxy with no backend). */
  setUnavailable(api: StandinApi, on: boolean): void;
  /** The next `count` requests to the API get `status` (default 503). */
  failNext(api: StandinApi, count: number, status?: number): void;
  /** Every answer of the API waits this long first. */
  setDelay(api: StandinApi, ms: number): void;
  injectMigrationFault(fault: MigrationFault): void;
  /** Forget every token issued (as a Keystone restart with new keys): services answer 401. */
  revokeTokens(): void;
  /** Migrations still running. */
  readonly migrationsRunning: number;
  close(): Promise<void>;
}

const PREFIX: Readonly<Record<string, StandinApi>> = {
  identity: 'identity',
  'identity-admin': 'identity',
  compute: 'compute',
  network: 'network',
  volume: 'volume',
  image: 'image',
  orchestration: 'orchestration',
  metering: 'metering',
};

export async function startStandin(opts: StandinOptions = {}): Promise<Standin> {
  const user: User = { ...DEFAULT_USER, ...opts.user };
  const state = buildState({
    user,
    computes: opts.computes ?? ['cmp01', 'cmp02', 'cmp03'],
    controllers: opts.controllers ?? ['ctl01'],
    servers: opts.servers ?? [],
    migrations: opts.migrations ?? [],
    serviceUp: opts.serviceUp ?? (() => true),
  });
  const keystone: KeystoneConfig = {
    tokenTtlMs: opts.tokenTtlMs ?? 3_600_000,
    region: opts.region ?? 'RegionOne',
    apis: opts.apis ?? ALL_APIS,
    extra: [],
    removed: new Set(),
  };
  const second = opts.secondNova;
  const memberOf = async (host: string, which: 'first' | 'second') =>
    second === undefined ? which === 'first' : (await second.deploymentOf(host)) === which;
  if (second !== undefined) {
    const up = state.serviceUp;
    state.serviceUp = async (h, b) => (await up(h, b)) && (await memberOf(h, 'first'));
  }
  const secondState: State | undefined =
    second === undefined
      ? undefined
      : {
          ...buildState({
            user,
            computes: [],
            controllers: second.controllers,
            servers: [],
            migrations: [],
            serviceUp: async (h, b) =>
              (await (opts.serviceUp ?? (() => true))(h, b)) && (await memberOf(h, 'second')),
          }),
          tokens: state.tokens,
        };
  const startedAt = Date.now();
  /** Computes join the second deployment when their config says so; servers of the first end in time. */
  const reconcile = async () => {
    if (opts.serverLifetimeMs !== undefined && Date.now() - startedAt > opts.serverLifetimeMs) {
      for (const [id, srv] of state.servers)
        if (!id.startsWith('boot-') && srv.taskState === null) state.servers.delete(id);
    }
    if (second === undefined || secondState === undefined) return;
    for (const host of second.computes) {
      if (secondState.hypervisors.has(host) || !(await memberOf(host, 'second'))) continue;
      // Requests reconcile concurrently: another one may have added it meanwhile.
      if (secondState.hypervisors.has(host)) continue;
      const id = secondState.services.length + 100;
      secondState.services.push({
        id,
        binary: 'nova-compute',
        host,
        zone: 'nova',
        disabled: false,
        disabledReason: null,
      });
      secondState.hypervisors.set(host, {
        id: secondState.hypervisors.size + 1,
        host,
        ramMb: 8192,
        vcpus: 8,
      });
    }
  };
  const migrations = new LiveMigrations(opts.migrationDelayMs ?? 50);
  const nova = { pageSize: opts.pageSize ?? 1000, linkPrefix: opts.linkPrefix, migrations };
  const down = new Set<StandinApi>();
  const failures = new Map<StandinApi, { count: number; status: number }>();
  const delays = new Map<StandinApi, number>();
  const delayTimers = new Set<NodeJS.Timeout>();
  const requests: RequestRecord[] = [];
  let origin = '';

  const route = async (req: IncomingMessage): Promise<{ api: StandinApi | undefined; reply: Reply }> => {
    const url = new URL(req.url ?? '/', origin);
    const [first = '', ...segments] = url.pathname.split('/').filter((p) => p !== '');
    const api = PREFIX[first];
    let body: unknown;
    try {
      body = await readBody(req);
    } catch (e) {
      if (e instanceof BadJson) return { api, reply: novaFault(400, 'Malformed request body') };
      throw e;
    }
    if (api === undefined) return { api, reply: { status: 404, text: 'Not Found\n' } };
    await reconcile();
    if (down.has(api)) return { api, reply: proxyUnavailable(503) };
    if (opts.apiUp !== undefined && !(await opts.apiUp(api))) return { api, reply: proxyUnavailable(503) };
    const fail = failures.get(api);
    if (fail !== undefined && fail.count > 0) {
      fail.count--;
      return { api, reply: proxyUnavailable(fail.status) };
    }
    const wait = delays.get(api) ?? 0;
    if (wait > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          delayTimers.delete(t);
          resolve();
        }, wait);
        delayTimers.add(t);
      });
    }
    const header = req.headers['x-auth-token'];
    const row = typeof header === 'string' ? state.tokens.get(header) : undefined;
    const ctx: Ctx = {
      method: req.method ?? 'GET',
      url,
      segments,
      body,
      token: row !== undefined && row.expiresAt > Date.now() ? row : undefined,
      origin,
      state,
    };
    switch (api) {
      case 'identity':
        return { api, reply: handleKeystone(ctx, keystone, first) };
      case 'compute':
        return { api, reply: await handleNova(ctx, nova) };
      case 'network':
        return { api, reply: await handleNeutron(ctx) };
      case 'volume':
        return { api, reply: await handleCinder(ctx) };
      default:
        return { api, reply: handleVersionOnly(ctx, api) };
    }
  };

  const server = createServer((req, res) => {
    route(req)
      .then(({ api, reply }) => {
        requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', api, status: reply.status });
        write(res, reply);
      })
      .catch((err: unknown) => {
        write(res, novaFault(500, `stand-in failure: ${err instanceof Error ? err.message : String(err)}`));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The second deployment's Nova API, on its own address: only what `handleNova` serves.
  const secondServer =
    second === undefined || secondState === undefined
      ? undefined
      : createServer((req, res) => {
          (async (): Promise<Reply> => {
            const url = new URL(req.url ?? '/', origin);
            let body: unknown;
            try {
              body = await readBody(req);
            } catch {
              return novaFault(400, 'Malformed request body');
            }
            if (!(await second.apiUp())) return proxyUnavailable(503);
            await reconcile();
            const header = req.headers['x-auth-token'];
            const row = typeof header === 'string' ? state.tokens.get(header) : undefined;
            return handleNova(
              {
                method: req.method ?? 'GET',
                url,
                segments: url.pathname.split('/').filter((p) => p !== ''),
                body,
                token: row !== undefined && row.expiresAt > Date.now() ? row : undefined,
                origin: `http://${second.listen.host}:${second.listen.port}`,
                state: secondState,
              },
              nova,
            );
          })()
            .then((r) => {
              requests.push({
                method: req.method ?? 'GET',
                path: req.url ?? '/',
                api: 'compute',
                status: r.status,
              });
              write(res, r);
            })
            .catch((err: unknown) => write(res, novaFault(500, `stand-in failure: ${String(err)}`)));
        });
  if (secondServer !== undefined && second !== undefined) {
    await new Promise<void>((resolve, reject) => {
      secondServer.once('error', reject);
      secondServer.listen(second.listen.port, second.listen.host, resolve);
    });
  }

  return {
    origin,
    authUrlV2: `${origin}/identity/v2.0`,
    authUrlV3: `${origin}/identity/v3`,
    user,
    state,
    requests,
    env: (version = '3') => ({
      OS_AUTH_URL: version === '3' ? `${origin}/identity/v3` : `${origin}/identity/v2.0`,
      OS_USERNAME: user.name,
      OS_PASSWORD: user.password,
      ...(version === '3'
        ? {
            OS_PROJECT_NAME: user.project,
            OS_USER_DOMAIN_NAME: user.domain,
            OS_PROJECT_DOMAIN_NAME: user.domain,
          }
        : { OS_TENANT_NAME: user.project }),
      OS_REGION_NAME: keystone.region,
    }),
    setUnavailable: (api, on) => {
      if (on) down.add(api);
      else down.delete(api);
    },
    failNext: (api, count, status = 503) => {
      failures.set(api, { count, status });
    },
    setDelay: (api, ms) => {
      delays.set(api, ms);
    },
    injectMigrationFault: (fault) => migrations.inject(fault),
    ...(secondState !== undefined ? { secondState } : {}),
    revokeTokens: () => state.tokens.clear(),
    get migrationsRunning() {
      return migrations.running;
    },
    close: async () => {
      migrations.close();
      for (const t of delayTimers) clearTimeout(t);
      delayTimers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      if (secondServer !== undefined) {
        const closedSecond = new Promise<void>((resolve) => secondServer.close(() => resolve()));
        secondServer.closeAllConnections();
        await closedSecond;
      }
    },
  };
}

function write(res: ServerResponse, r: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...r.headers };
  let payload = '';
  if (r.json !== undefined) {
    payload = JSON.stringify(r.json);
    headers['Content-Type'] ??= 'application/json';
  } else if (r.text !== undefined) {
    payload = r.text;
    headers['Content-Type'] ??= 'text/plain';
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(r.status, headers);
  res.end(payload);
}
