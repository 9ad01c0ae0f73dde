// The service catalog, one shape for both Keystone versions: v2.0 lists an endpoint per region with
// `publicURL` / `internalURL` / `adminURL`; v3 lists one endpoint per interface with `interface` and
// `region` (Havana, Icehouse) or `region_id` (later). Lookup is by service type, interface and region.

import type { ApiOutage } from '../../catalog/types.js';
import type { EndpointInterface } from './credentials.js';
import { EndpointNotFoundError } from './errors.js';

export interface CatalogEndpoint {
  interface: EndpointInterface;
  region: string | undefined;
  url: string;
}

export interface CatalogService {
  type: string;
  name: string | undefined;
  endpoints: readonly CatalogEndpoint[];
}

export type Catalog = readonly CatalogService[];

export interface EndpointFilter {
  interface: EndpointInterface;
  /** Without a region, the first endpoint with the interface (as the openstack client). */
  region?: string | undefined;
}

/** The URL of the first listed type that has an endpoint matching the filter. */
export function findEndpoint(
  catalog: Catalog,
  types: readonly string[],
  filter: EndpointFilter,
): string | undefined {
  for (const type of types) {
    for (const service of catalog) {
      if (service.type !== type) continue;
      const hit = service.endpoints.find(
        (e) =>
          e.interface === filter.interface && (filter.region === undefined || e.region === filter.region),
      );
      if (hit !== undefined) return hit.url;
    }
  }
  return undefined;
}

export function requireEndpoint(catalog: Catalog, types: readonly string[], filter: EndpointFilter): string {
  const url = findEndpoint(catalog, types, filter);
  if (url !== undefined) return url;
  const wanted = `interface ${filter.interface}${filter.region === undefined ? '' : ` in region ${filter.region}`}`;
  const available = catalog
    .filter((s) => types.includes(s.type))
    .flatMap((s) => s.endpoints.map((e) => `${s.type} ${e.interface}@${e.region ?? '(no region)'}`))
    .join(', ');
  throw new EndpointNotFoundError(types, wanted, available);
}

/** The APIs whose outages stackhop measures (every ApiOutage but the dashboard, which has no catalog entry). */
export type ApiName = Exclude<ApiOutage, 'dashboard'>;

/**
 * Catalog service types per API, preferred first. Volume: `volume` (Cinder v1, what Havana and Icehouse
 * Nova use by default) before `volumev2`. Telemetry registers as `metering` in this era.
 */
export const API_SERVICE_TYPES: Readonly<Record<ApiName, readonly string[]>> = {
  'identity-api': ['identity'],
  'image-api': ['image'],
  'compute-api': ['compute'],
  'placement-api': ['placement'],
  'network-api': ['network'],
  'volume-api': ['volume', 'volumev2'],
  'orchestration-api': ['orchestration'],
  'telemetry-api': ['metering'],
};

/** Every API the catalog has an endpoint for. */
export function apiEndpoints(catalog: Catalog, filter: EndpointFilter): Partial<Record<ApiName, string>> {
  const out: Partial<Record<ApiName, string>> = {};
  for (const [api, types] of Object.entries(API_SERVICE_TYPES) as [ApiName, readonly string[]][]) {
    const url = findEndpoint(catalog, types, filter);
    if (url !== undefined) out[api] = url;
  }
  return out;
}
