// discover's side-effect half and its command, over real HTTP: a small node:http server in this file
// answers as Keystone v3 (token + catalog), Nova (version document, os-services, os-hypervisors, paged
// servers, flavors), Neutron (agents) and Cinder v3 (os-services) answer, in the shapes of their API
// references. It is the HTTP client's edge, not an OpenStack: the lab's Zed is tested separately.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../src/catalog/index.js';
import { discover } from '../src/cli/commands/discover.js';
import { buildInventory } from '../src/discover/build.js';
import { DiscoverApiError } from '../src/discover/errors.js';
import { gatherSnapshot } from '../src/discover/gather.js';
import { instantClock } from '../src/drivers/openstack/testing.js';
import { EXIT_BAD_INPUT, EXIT_FAILED } from '../src/errors.js';
import { parseInventory } from '../src/inventory/load.js';
import { runCli, withEnv } from './support/cli.js';

const PASSWORD = 'pw-S3cret!discover';
const TOKEN = 'tok-0123456789abcdef-discover';
const PROJECT = 'p0ject1';

type Handler = (
  req: IncomingMessage,
  url: URL,
  body: string,
) => { status: number; json?: unknown } | undefined;

interface Recorded {
  method: string;
  path: string;
  query: string;
}

let server: Server;
let origin = '';
const requests: Recorded[] = [];
/** Per-test replacements, by `METHOD /path`. */
let overrides: Record<string, Handler> = {};

const SERVERS = [
  { id: 's1', flavor: { id: '1' } },
  { id: 's2', flavor: { id: '1' } },
  { id: 's3', flavor: { id: '2' } },
  { id: 's4', flavor: { id: '7' } }, // a deleted flavor: not in flavors/detail
  { id: 's5', flavor: { id: '2' } },
];

function catalog() {
  const ep = (type: string, path: string) => ({
    type,
    name: type,
    endpoints: (['public', 'internal', 'admin'] as const).map((i) => ({
      interface: i,
      region: 'RegionOne',
      region_id: 'RegionOne',
      url: `${origin}${path}`,
    })),
  });
  return [
    ep('identity', '/identity'),
    ep('compute', '/compute/v2.1'),
    ep('placement', '/placement'),
    ep('network', '/network'),
    ep('volumev3', `/volume/v3/${PROJECT}`),
  ];
}

const service = (binary: string, host: string, state = 'up') => ({
  binary,
  host,
  zone: 'nova',
  status: 'enabled',
  state,
  updated_at: '2024-05-01T10:00:00.000000',
});

const ROUTES: Record<string, Handler> = {
  'POST /identity/v3/auth/tokens': (_req, _url, body) => {
    const sent = JSON.parse(body) as { auth: { identity: { password: { user: { password: string } } } } };
    if (sent.auth.identity.password.user.password !== PASSWORD)
      return {
        status: 401,
        json: {
          error: {
            code: 401,
            title: 'Unauthorized',
            message: 'The request you have made requires authentication.',
          },
        },
      };
    return {
      status: 201,
      json: {
        token: {
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
          project: { id: PROJECT, name: 'admin' },
          catalog: catalog(),
        },
      },
    };
  },
  'GET /compute/': () => ({
    status: 200,
    json: {
      versions: [
        { id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '', links: [] },
        { id: 'v2.1', status: 'CURRENT', version: '2.93', min_version: '2.1', links: [] },
      ],
    },
  }),
  'GET /compute/v2.1/os-services': () => ({
    status: 200,
    json: {
      services: [
        service('nova-scheduler', 'lab-ctl'),
        service('nova-conductor', 'lab-ctl'),
        service('nova-compute', 'lab-cmp1'),
        service('nova-compute', 'lab-cmp2'),
        service('nova-compute', 'lab-cmp3', 'down'),
      ],
    },
  }),
  'GET /compute/v2.1/os-hypervisors/detail': () => ({
    status: 200,
    json: {
      hypervisors: ['lab-cmp1', 'lab-cmp2', 'lab-cmp3'].map((h, i) => ({
        id: i + 1,
        hypervisor_hostname: h,
        host_ip: '127.0.0.1',
        memory_mb: 8192,
        running_vms: i,
        vcpus: 4,
        service: { host: h, id: i + 10 },
      })),
    },
  }),
  'GET /compute/v2.1/servers/detail': (_req, url) => {
    const limit = Number(url.searchParams.get('limit') ?? 1000);
    const marker = url.searchParams.get('marker');
    const from = marker === null ? 0 : SERVERS.findIndex((s) => s.id === marker) + 1;
    return { status: 200, json: { servers: SERVERS.slice(from, from + limit) } };
  },
  'GET /compute/v2.1/flavors/detail': () => ({
    status: 200,
    json: {
      flavors: [
        { id: '1', name: 'm1.tiny', ram: 512, vcpus: 1, disk: 1 },
        { id: '2', name: 'm1.small', ram: 2048, vcpus: 1, disk: 20 },
      ],
    },
  }),
  'GET /compute/v2.1/flavors/7': () => ({
    status: 200,
    json: { flavor: { id: '7', name: 'gone', ram: 4096, vcpus: 2, disk: 40 } },
  }),
  'GET /network/v2.0/agents': () => ({
    status: 403,
    json: {
      NeutronError: {
        type: 'PolicyNotAuthorized',
        message: 'rule:get_agent is disallowed by policy',
        detail: '',
      },
    },
  }),
  [`GET /volume/v3/${PROJECT}/os-services`]: () => ({
    status: 200,
    json: { services: [service('cinder-scheduler', 'lab-ctl'), service('cinder-volume', 'lab-ctl@lvm')] },
  }),
};

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body = '';
  for await (const chunk of req) body += chunk;
  const url = new URL(req.url ?? '/', origin);
  requests.push({ method: req.method ?? '', path: url.pathname, query: url.search });
  const key = `${req.method} ${url.pathname}`;
  const open = key === 'POST /identity/v3/auth/tokens' || key === 'GET /compute/';
  let answer: { status: number; json?: unknown } | undefined;
  if (!open && req.headers['x-auth-token'] !== TOKEN)
    answer = {
      status: 401,
      json: { error: { code: 401, message: 'The request you have made requires authentication.' } },
    };
  else
    answer = (overrides[key] ?? ROUTES[key])?.(req, url, body) ?? {
      status: 404,
      json: { itemNotFound: { code: 404, message: 'Not found' } },
    };
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (key === 'POST /identity/v3/auth/tokens' && answer.status === 201) headers['X-Subject-Token'] = TOKEN;
  res.writeHead(answer.status, headers);
  res.end(answer.json === undefined ? '' : JSON.stringify(answer.json));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

afterEach(() => {
  overrides = {};
  requests.length = 0;
});

function osEnv(password = PASSWORD): Record<string, string | undefined> {
  return {
    OS_AUTH_URL: `${origin}/identity/v3`,
    OS_USERNAME: 'admin',
    OS_PASSWORD: password,
    OS_PROJECT_NAME: 'admin',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_CLOUD: undefined,
    OS_REGION_NAME: undefined,
    OS_INTERFACE: undefined,
    OS_CLIENT_CONFIG_FILE: undefined,
  };
}

const instant = { clock: instantClock() };

describe('gatherSnapshot against the recorded-shaped server', () => {
  it('reads the catalog, Nova, Neutron and Cinder into a snapshot', async () => {
    const s = await gatherSnapshot({ env: osEnv(), pageSize: 2, http: instant });
    expect(s.source).toEqual({ authHost: '127.0.0.1' });
    expect(s.regions).toEqual(['RegionOne']);
    expect(new Set(s.endpoints.map((e) => e.type))).toEqual(
      new Set(['identity', 'compute', 'placement', 'network', 'volumev3']),
    );
    expect(s.compute.maxMicroversion).toEqual({ ok: true, value: '2.93' });
    expect(s.compute.services.ok && s.compute.services.value.map((x) => `${x.binary}@${x.host}`)).toContain(
      'nova-conductor@lab-ctl',
    );
    expect(s.compute.hypervisors.ok && s.compute.hypervisors.value[0]).toMatchObject({
      host: 'lab-cmp1',
      hostIp: '127.0.0.1',
    });
    expect(s.compute.servers).toEqual({
      ok: true,
      value: { count: 5, byFlavor: { '1': 2, '2': 2, '7': 1 }, embeddedRamMb: 0, embeddedRamCount: 0 },
    });
    // The deleted flavor was fetched on its own.
    expect(s.compute.flavors).toEqual({ ok: true, value: { '1': 512, '2': 2048, '7': 4096 } });
    expect(s.network.agents).toEqual({
      ok: false,
      reason: 'GET /network/v2.0/agents: HTTP 403: rule:get_agent is disallowed by policy',
    });
    expect(s.volume.services.ok && s.volume.services.value.map((x) => x.host)).toEqual([
      'lab-ctl',
      'lab-ctl@lvm',
    ]);
  });

  it('pages the servers with limit and marker until a page comes back empty', async () => {
    // Five servers in pages of two: the short third page is not taken as the end, since Nova caps
    // `limit` at its max_limit and a short page may be that cap.
    await gatherSnapshot({ env: osEnv(), pageSize: 2, http: instant });
    const pages = requests.filter((r) => r.path === '/compute/v2.1/servers/detail').map((r) => r.query);
    expect(pages).toEqual([
      '?all_tenants=1&limit=2',
      '?all_tenants=1&limit=2&marker=s2',
      '?all_tenants=1&limit=2&marker=s4',
      '?all_tenants=1&limit=2&marker=s5',
    ]);
  });

  it('builds an inventory that loads and says what it could not learn', async () => {
    const { doc, marks } = buildInventory(await gatherSnapshot({ env: osEnv(), http: instant }), CATALOG);
    expect(doc.upgrade).toEqual({ from: 'zed', to: 'zed' });
    expect(doc.hosts.map((h) => h.name)).toEqual(['lab-ctl', 'lab-cmp1', 'lab-cmp2', 'lab-cmp3']);
    expect(doc.facts).toEqual({ instances: 5, instance_ram_mb: Math.round((2 * 512 + 2 * 2048 + 4096) / 5) });
    expect(marks).toContainEqual({
      field: 'neutron agents',
      kind: 'unknown',
      reason: 'GET /network/v2.0/agents: HTTP 403: rule:get_agent is disallowed by policy',
    });
    expect(marks.map((m) => m.reason).join('\n')).toContain(
      'reported down, kept in the inventory: nova-compute (lab-cmp3)',
    );
  });

  it('a 5xx that outlasts the retries stops discovery: exit 1, with the API, the path and the status', async () => {
    overrides['GET /compute/v2.1/os-hypervisors/detail'] = () => ({
      status: 500,
      json: { computeFault: { code: 500, message: 'Unexpected API Error.' } },
    });
    const err = await gatherSnapshot({ env: osEnv(), http: instant }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscoverApiError);
    const e = err as DiscoverApiError;
    expect(e.exitCode).toBe(EXIT_FAILED);
    expect(e.message).toContain('discover: nova os-hypervisors: GET');
    expect(e.message).toContain(
      '/compute/v2.1/os-hypervisors/detail: HTTP 500 after 4 attempts: Unexpected API Error.',
    );
  });

  it('the version document behind a proxy: falls back to the authenticated version endpoint', async () => {
    overrides['GET /compute/'] = () => ({ status: 404, json: { message: 'not here' } });
    overrides['GET /compute/v2.1/'] = () => ({
      status: 200,
      json: { version: { id: 'v2.1', status: 'CURRENT', version: '2.90', min_version: '2.1' } },
    });
    const s = await gatherSnapshot({ env: osEnv(), http: instant });
    expect(s.compute.maxMicroversion).toEqual({ ok: true, value: '2.90' });
  });

  it('no version document anywhere is a gap, not a failure', async () => {
    overrides['GET /compute/'] = () => ({ status: 502, json: { message: 'bad gateway' } });
    const s = await gatherSnapshot({ env: osEnv(), http: instant });
    expect(s.compute.maxMicroversion.ok).toBe(false);
    expect(s.compute.services.ok).toBe(true);
  });
});

describe('stackhop discover', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'stackhop-discover-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes the inventory atomically with -o; it loads; no secret is printed', async () => {
    const dir = mkdtempSync(join(tmp, 'out-'));
    const file = join(dir, 'discovered.yaml');
    const run = await withEnv(osEnv(), () => runCli(['discover', '-o', file]));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^wrote .*discovered\.yaml: discovered 127\.0\.0\.1: zed, 4 hosts; \d+ guess(es)? and \d+ gaps? marked/,
    );
    expect(readdirSync(dir)).toEqual(['discovered.yaml']);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# discover: neutron agents: GET /network/v2.0/agents: HTTP 403');
    const inv = parseInventory(text, file, CATALOG);
    expect(inv.hosts.map((h) => h.name)).toEqual(['lab-ctl', 'lab-cmp1', 'lab-cmp2', 'lab-cmp3']);
    for (const out of [text, run.stdout, run.stderr]) {
      expect(out).not.toContain(PASSWORD);
      expect(out).not.toContain(TOKEN);
    }
    // And it plans: the command the operator runs next.
    const plan = await runCli(['plan', file, '--scenario', 'live-compute', '--format', 'json']);
    expect(plan.code, plan.stderr).toBe(0);
  });

  it('--json prints { inventory, marks }', async () => {
    const run = await withEnv(osEnv(), () => runCli(['discover', '--json']));
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { inventory: { cloud: string }; marks: { kind: string }[] };
    expect(out.inventory.cloud).toBe('127.0.0.1');
    expect(out.marks.every((m) => ['guessed', 'unknown', 'skipped'].includes(m.kind))).toBe(true);
    expect(run.stdout).not.toContain(PASSWORD);
  });

  it('--os-cloud NAME reads clouds.yaml and names the cloud after it', async () => {
    const dir = mkdtempSync(join(tmp, 'clouds-'));
    const clouds = join(dir, 'clouds.yaml');
    writeFileSync(
      clouds,
      [
        'clouds:',
        '  lab:',
        '    auth:',
        `      auth_url: ${origin}/identity/v3`,
        '      username: admin',
        `      password: "${PASSWORD}"`,
        '      project_name: admin',
        '      user_domain_name: Default',
        '      project_domain_name: Default',
        '    region_name: RegionOne',
        '',
      ].join('\n'),
    );
    const env = { ...osEnv(), OS_AUTH_URL: undefined, OS_PASSWORD: undefined, OS_CLIENT_CONFIG_FILE: clouds };
    const run = await withEnv(env, () => runCli(['discover', '--os-cloud', 'lab']));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^cloud: lab$/m);
    expect(run.stdout).toMatch(/^openstack: \{cloud: lab\}$/m);
    expect(run.stdout).not.toContain(PASSWORD);

    const unknown = await withEnv(env, () => runCli(['discover', '--os-cloud', 'lba']));
    expect(unknown.code).toBe(EXIT_BAD_INPUT);
    expect(unknown.stderr).toContain('has no cloud "lba"');
  });

  it('credentials refused: exit 1, naming Keystone and the status, never the password', async () => {
    const run = await withEnv(osEnv('wrong-password'), () => runCli(['discover']));
    expect(run.code).toBe(EXIT_FAILED);
    expect(run.stderr).toContain('stackhop: error: discover: keystone token: authentication at');
    expect(run.stderr).toContain('/identity/v3/auth/tokens failed: HTTP 401');
    expect(run.stderr).not.toContain('wrong-password');
    expect(run.stdout).toBe('');
  });

  it('no credentials at all: exit 2', async () => {
    const run = await withEnv({ ...osEnv(), OS_AUTH_URL: undefined }, () => runCli(['discover']));
    expect(run.code).toBe(EXIT_BAD_INPUT);
    expect(run.stderr).toContain('OS_AUTH_URL');
  });

  it('the command function takes its environment as an argument too', async () => {
    const res = await discover({ json: false, env: osEnv() as NodeJS.ProcessEnv, http: instant });
    expect(res.exitCode).toBe(0);
    expect(res.stdout.startsWith('# stackhop inventory of 127.0.0.1')).toBe(true);
  });
});
