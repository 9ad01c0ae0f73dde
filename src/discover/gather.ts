// The side of discovery that talks to the cloud: authenticate as the run command does (clouds.yaml entry
// or OS_*), read the catalog, then ask Nova, Neutron and Cinder what runs where. Returns plain data
// (snapshot.ts). A missing endpoint, a 403 or a 404 is recorded as "could not learn"; anything else
// (credentials refused, 5xx, no answer) stops discovery with the API, path and status in the message.

import { findEndpoint } from '../drivers/openstack/catalog.js';
import { CinderClient } from '../drivers/openstack/cinder.js';
import { checkCaBundle } from '../drivers/openstack/cloud.js';
import type { CloudsSearch } from '../drivers/openstack/clouds.js';
import {
  computeVersions,
  countServerFlavors,
  flavorRam,
  listHypervisorAddresses,
  oneFlavorRam,
} from '../drivers/openstack/discovery.js';
import { EndpointNotFoundError, OpenStackHttpError } from '../drivers/openstack/errors.js';
import { HttpClient, type HttpOptions } from '../drivers/openstack/http.js';
import { NeutronClient } from '../drivers/openstack/neutron.js';
import { NovaClient } from '../drivers/openstack/nova.js';
import { resolveAuth } from '../drivers/openstack/resolve.js';
import { ServiceClient } from '../drivers/openstack/service.js';
import { Session } from '../drivers/openstack/session.js';
import { endsWithVersion, joinUrl } from '../drivers/openstack/url.js';
import { StackhopError } from '../errors.js';
import { DiscoverApiError } from './errors.js';
import { parseMicroversion } from './releases.js';
import type { CloudSnapshot, Learned, SnapshotEndpoint } from './snapshot.js';

export interface GatherOptions {
  /** `--os-cloud NAME`; without it OS_CLOUD, else the OS_* variables (as the openstack client). */
  osCloud?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Where clouds.yaml is looked for (tests). */
  search?: Omit<CloudsSearch, 'env'>;
  http?: HttpOptions;
  /** Servers per page of the servers listing. Default 1000. */
  pageSize?: number;
  signal?: AbortSignal;
}

/** Flavors fetched one by one when a server uses one the listing lacks (deleted, or private). */
const MAX_SINGLE_FLAVORS = 20;

const VOLUME_TYPES = ['volumev3', 'block-storage', 'volumev2', 'volume'];

function httpReason(err: OpenStackHttpError): string {
  let path = err.url;
  try {
    path = new URL(err.url).pathname;
  } catch {}
  const said = err.serviceMessage === undefined ? '' : `: ${err.serviceMessage}`;
  return `${err.method} ${path}: HTTP ${err.status}${said}`;
}

/**
 * The call's answer, or why it may not be had (403, 404, 501, no endpoint); other failures stop discovery.
 * `soft`: any failure of the driver is only a gap (the version document, which proxies often hide).
 */
async function learn<T>(
  api: string,
  fn: () => Promise<T>,
  opts: { soft?: boolean } = {},
): Promise<Learned<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof DiscoverApiError) throw err;
    if (err instanceof OpenStackHttpError && [403, 404, 501].includes(err.status))
      return { ok: false, reason: httpReason(err) };
    if (err instanceof EndpointNotFoundError) return { ok: false, reason: err.message };
    if (opts.soft === true && err instanceof StackhopError) return { ok: false, reason: err.message };
    throw new DiscoverApiError(api, err);
  }
}

/** The newest of the versions' maxima ("2.93"); null when no version has microversions. */
function newestMicroversion(maxima: readonly (string | undefined)[]): string | null {
  let best: { text: string; v: [number, number] } | undefined;
  for (const text of maxima) {
    const v = text === undefined ? undefined : parseMicroversion(text);
    if (text === undefined || v === undefined) continue;
    if (best === undefined || v[0] > best.v[0] || (v[0] === best.v[0] && v[1] > best.v[1]))
      best = { text, v };
  }
  return best?.text ?? null;
}

const absent = (what: string): Learned<never> => ({
  ok: false,
  reason: `no ${what} endpoint in the catalog`,
});

function urlHost(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}

export async function gatherSnapshot(opts: GatherOptions = {}): Promise<CloudSnapshot> {
  const env = opts.env ?? process.env;
  // Bad or missing credentials settings are bad input (exit 2), raised here before any request.
  const auth = resolveAuth({
    ...(opts.osCloud === undefined ? {} : { cloud: opts.osCloud }),
    env,
    ...(opts.search === undefined ? {} : { search: opts.search }),
  });
  if (auth.cacert !== undefined && opts.http?.fetch === undefined) checkCaBundle(auth.cacert, auth.source);
  const http = new HttpClient(opts.http);
  const first = new Session(auth, http, opts.signal === undefined ? {} : { signal: opts.signal });
  let catalog: Awaited<ReturnType<Session['catalog']>>;
  try {
    catalog = await first.catalog(opts.signal);
  } catch (err) {
    throw new DiscoverApiError('keystone token', err);
  }
  const regions = [
    ...new Set(catalog.flatMap((s) => s.endpoints.map((e) => e.region)).filter((r) => r !== undefined)),
  ];
  const computeRegion = catalog
    .filter((s) => s.type === 'compute')
    .flatMap((s) => s.endpoints)
    .find((e) => e.interface === auth.interface)?.region;
  const region = auth.regionName ?? (regions.length > 1 ? computeRegion : regions[0]);
  // Several regions and none asked for: read one (a second token, scoped to it), and say which.
  const session =
    auth.regionName === undefined && regions.length > 1 && region !== undefined
      ? new Session(
          { ...auth, regionName: region },
          http,
          opts.signal === undefined ? {} : { signal: opts.signal },
        )
      : first;
  const endpoints: SnapshotEndpoint[] = catalog.flatMap((s) =>
    s.endpoints
      .filter((e) => region === undefined || e.region === undefined || e.region === region)
      .flatMap((e) => {
        const host = urlHost(e.url);
        return host === undefined ? [] : [{ type: s.type, interface: e.interface, region: e.region, host }];
      }),
  );
  const filter = { interface: auth.interface, region: auth.regionName ?? region };
  const has = (types: readonly string[]) => findEndpoint(catalog, types, filter) !== undefined;
  const client = (types: readonly string[], base?: (e: string) => string) =>
    new ServiceClient(session, http, types, {
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      ...(base === undefined ? {} : { base }),
    });
  const call = opts.signal === undefined ? {} : { signal: opts.signal };

  const compute = async (): Promise<CloudSnapshot['compute']> => {
    if (!has(['compute'])) {
      const none = absent('compute');
      return { maxMicroversion: none, services: none, hypervisors: none, servers: none, flavors: none };
    }
    const svc = client(['compute']);
    const nova = new NovaClient(svc);
    const [maxMicroversion, services, hypervisors, servers] = await Promise.all([
      learn(
        'nova version',
        async () => {
          const doc = await computeVersions(http, svc, call);
          return newestMicroversion(doc.versions.map((v) => v.maxMicroversion));
        },
        { soft: true },
      ),
      learn('nova os-services', async () =>
        (await nova.listServices({}, call)).map((s) => ({
          binary: s.binary,
          host: s.host,
          state: s.state,
          status: s.status,
        })),
      ),
      learn('nova os-hypervisors', () => listHypervisorAddresses(svc, call)),
      learn('nova servers', () =>
        countServerFlavors(svc, {
          ...call,
          ...(opts.pageSize === undefined ? {} : { pageSize: opts.pageSize }),
        }),
      ),
    ]);
    const flavors = await learn('nova flavors', async () => {
      const ram = { ...(await flavorRam(svc, call)) };
      const missing = servers.ok
        ? Object.keys(servers.value.byFlavor).filter((id) => ram[id] === undefined)
        : [];
      for (const id of missing.slice(0, MAX_SINGLE_FLAVORS)) {
        const one = await learn('nova flavor', () => oneFlavorRam(svc, id, call), { soft: true });
        if (one.ok) ram[id] = one.value;
      }
      return ram;
    });
    return { maxMicroversion, services, hypervisors, servers, flavors };
  };

  const network = async (): Promise<CloudSnapshot['network']> => {
    if (!has(['network'])) return { agents: absent('network') };
    const neutron = new NeutronClient(
      client(['network'], (e) => (endsWithVersion(e, 'v2.0') ? e : joinUrl(e, 'v2.0').href)),
    );
    return {
      agents: await learn('neutron agents', async () =>
        (await neutron.listAgents({}, call)).map((a) => ({
          binary: a.binary,
          host: a.host,
          agentType: a.agentType,
        })),
      ),
    };
  };

  const volume = async (): Promise<CloudSnapshot['volume']> => {
    const types = VOLUME_TYPES.filter((t) => has([t]));
    if (types.length === 0) return { services: absent('volume') };
    const cinder = new CinderClient(client(types));
    return {
      services: await learn('cinder os-services', async () =>
        (await cinder.listServices({}, call)).map((s) => ({
          binary: s.binary,
          host: s.host,
          state: s.state,
          status: s.status,
        })),
      ),
    };
  };

  const [c, n, v] = await Promise.all([compute(), network(), volume()]);
  const envCloud = opts.osCloud === undefined && (env.OS_CLOUD ?? '') !== '' ? env.OS_CLOUD : undefined;
  return {
    source: {
      ...(opts.osCloud === undefined ? {} : { osCloud: opts.osCloud }),
      ...(envCloud === undefined ? {} : { envCloud }),
      authHost: urlHost(auth.authUrl) ?? 'cloud',
      ...(auth.regionName === undefined ? {} : { regionName: auth.regionName }),
    },
    regions,
    region,
    endpoints,
    compute: c,
    network: n,
    volume: v,
  };
}
