// Read-only calls `stackhop discover` needs beyond what the upgrade drives: the compute API's version
// document (its newest microversion says the release), hypervisors with their host_ip, and a cheap pass
// over every server's flavor. Shapes are checked loosely: only the fields read here must be present, so
// a Havana and a Zed Nova both pass (no microversion header is sent: Nova then answers as v2.0 / v2.1).

import { z } from 'zod';
import type { HttpClient } from './http.js';
import type { CallOptions, ServiceClient } from './service.js';
import { versionRoot } from './url.js';

const VersionBody = z
  .object({
    id: z.string(),
    status: z.string().optional(),
    /** The newest microversion ("2.93"); "" or absent before microversions (v2.0). */
    version: z.string().nullish(),
    min_version: z.string().nullish(),
  })
  .loose();

/** `GET /` lists every major version; `GET /v2.1/` shows its own. */
const VersionsDocument = z
  .object({ versions: z.array(VersionBody).optional(), version: VersionBody.optional() })
  .loose()
  .refine((d) => d.versions !== undefined || d.version !== undefined, 'expected "versions" or "version"');

export interface ComputeVersions {
  /** Each major version the endpoint lists: `v2.0`, `v2.1`, `v3.0`… */
  versions: { id: string; status: string | undefined; maxMicroversion: string | undefined }[];
  /** Where the document was read. */
  url: string;
}

function toVersions(body: z.infer<typeof VersionsDocument>, url: string): ComputeVersions {
  const list = body.versions ?? (body.version === undefined ? [] : [body.version]);
  return {
    url,
    versions: list.map((v) => ({
      id: v.id,
      status: v.status,
      maxMicroversion:
        v.version === undefined || v.version === null || v.version === '' ? undefined : v.version,
    })),
  };
}

/**
 * The compute API's version document: first the endpoint's root (`http://api:8774/`, answered without a
 * token), then, when the root is not Nova's (a proxy, a path prefix), the version endpoint itself with a
 * token (`GET /v2.1/` → `{"version": …}`).
 */
export async function computeVersions(
  http: HttpClient,
  nova: ServiceClient,
  opts: CallOptions = {},
): Promise<ComputeVersions> {
  const endpoint = await nova.baseUrl(opts.signal);
  const root = versionRoot(endpoint);
  try {
    const { body } = await http.json(
      {
        method: 'GET',
        url: root,
        signal: opts.signal,
        ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      },
      VersionsDocument,
    );
    return toVersions(body, root);
  } catch (first) {
    // Only the root may be missing; the authenticated endpoint answering wrongly is a real failure.
    const url = new URL(`${endpoint.replace(/\/+$/, '')}/`);
    try {
      return toVersions(await nova.callUrl('GET', url, VersionsDocument, opts), url.href);
    } catch {
      throw first;
    }
  }
}

const HypervisorBody = z
  .object({
    hypervisor_hostname: z.string(),
    // Absent on some drivers and from microversion 2.88 on (not sent here); null when unset.
    host_ip: z.string().nullish(),
    memory_mb: z.number().nullish(),
    running_vms: z.number().nullish(),
    service: z.object({ host: z.string() }).loose().nullish(),
  })
  .loose();

const HypervisorsBody = z.object({ hypervisors: z.array(HypervisorBody) }).loose();

export interface HypervisorAddress {
  hostname: string;
  /** The nova-compute host (service.host), as os-services names it. */
  host: string | undefined;
  hostIp: string | undefined;
  memoryMb: number | undefined;
  runningVms: number | undefined;
}

/** GET os-hypervisors/detail, keeping host_ip (which the upgrade's Hypervisor type leaves out). */
export async function listHypervisorAddresses(
  nova: ServiceClient,
  opts: CallOptions = {},
): Promise<HypervisorAddress[]> {
  const body = await nova.call('GET', 'os-hypervisors/detail', HypervisorsBody, opts);
  return body.hypervisors.map((h) => ({
    hostname: h.hypervisor_hostname,
    host: h.service?.host,
    hostIp: h.host_ip ?? undefined,
    memoryMb: h.memory_mb ?? undefined,
    runningVms: h.running_vms ?? undefined,
  }));
}

const id = z.union([z.string(), z.number()]).transform(String);

const ServerFlavorsPage = z
  .object({
    servers: z.array(
      z
        .object({
          id: z.string(),
          // v2.0/v2.1: {id, links}; 2.47+: the flavor itself, with ram.
          flavor: z.object({ id: id.optional(), ram: z.number().optional() }).loose().nullish(),
        })
        .loose(),
    ),
  })
  .loose();

export interface ServerFlavors {
  count: number;
  /** Servers per flavor id. */
  byFlavor: Record<string, number>;
  /** Servers whose flavor came with its RAM (2.47+ answers), summed. */
  embeddedRamMb: number;
  embeddedRamCount: number;
}

/**
 * Every server of every tenant (all_tenants=1; an admin token sees all), paged with `limit` and `marker`,
 * keeping only the flavor: enough for the instance count and the average RAM.
 */
export async function countServerFlavors(
  nova: ServiceClient,
  opts: CallOptions & { pageSize?: number; maxPages?: number } = {},
): Promise<ServerFlavors> {
  const limit = opts.pageSize ?? 1000;
  const maxPages = opts.maxPages ?? 10_000;
  const out: ServerFlavors = { count: 0, byFlavor: {}, embeddedRamMb: 0, embeddedRamCount: 0 };
  const seen = new Set<string>();
  let marker: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const body = await nova.call('GET', 'servers/detail', ServerFlavorsPage, {
      ...opts,
      query: { all_tenants: 1, limit, marker },
    });
    let fresh = 0;
    for (const s of body.servers) {
      if (seen.has(s.id)) continue;
      seen.add(s.id);
      fresh++;
      out.count++;
      if (s.flavor?.ram !== undefined) {
        out.embeddedRamMb += s.flavor.ram;
        out.embeddedRamCount++;
      } else if (s.flavor?.id !== undefined) {
        out.byFlavor[s.flavor.id] = (out.byFlavor[s.flavor.id] ?? 0) + 1;
      }
    }
    const last = body.servers.at(-1);
    // Only an empty page ends the listing: Nova caps `limit` at its [api] max_limit, so a page shorter
    // than asked for may not be the last. A page with nothing new means the marker was ignored.
    if (last === undefined || fresh === 0) return out;
    marker = last.id;
  }
  return out;
}

const FlavorsBody = z.object({ flavors: z.array(z.object({ id, ram: z.number() }).loose()) }).loose();
const FlavorBody = z.object({ flavor: z.object({ id, ram: z.number() }).loose() }).loose();

/** RAM (MB) per flavor id: public and private (`is_public=None`, honoured for admins). */
export async function flavorRam(
  nova: ServiceClient,
  opts: CallOptions = {},
): Promise<Record<string, number>> {
  const body = await nova.call('GET', 'flavors/detail', FlavorsBody, {
    ...opts,
    query: { is_public: 'None' },
  });
  return Object.fromEntries(body.flavors.map((f) => [f.id, f.ram]));
}

/** GET flavors/{id}: Nova also shows deleted flavors this way, which running servers may still use. */
export async function oneFlavorRam(
  nova: ServiceClient,
  flavorId: string,
  opts: CallOptions = {},
): Promise<number> {
  const body = await nova.call('GET', `flavors/${encodeURIComponent(flavorId)}`, FlavorBody, opts);
  return body.flavor.ram;
}
