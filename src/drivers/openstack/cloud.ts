// One authenticated connection to a cloud: a Keystone session, the clients of the services stackhop
// drives, and the endpoints of every API it measures. `close()` aborts whatever is in flight.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { StackhopError } from '../../errors.js';
import { type ApiName, apiEndpoints } from './catalog.js';
import { CinderClient } from './cinder.js';
import type { AuthOptions } from './credentials.js';
import { CloudConfigError } from './errors.js';
import { HttpClient, type HttpOptions } from './http.js';
import { NeutronClient } from './neutron.js';
import { NovaClient } from './nova.js';
import { ServiceClient } from './service.js';
import { Session } from './session.js';
import { endsWithVersion, joinUrl } from './url.js';

export interface OpenCloudOptions extends HttpOptions {
  /** Re-issue tokens this long before they expire. Default 120 s. */
  refreshMarginMs?: number;
  /** Aborts opening (the first token request). */
  signal?: AbortSignal;
}

export interface Cloud {
  readonly nova: NovaClient;
  /** Absent when the catalog has no network service (nova-network clouds). */
  readonly neutron: NeutronClient | undefined;
  readonly cinder: CinderClient | undefined;
  readonly session: Session;
  /** Catalog URL per API, for the configured interface and region (as the catalog was when opened). */
  endpoints(): Partial<Record<ApiName, string>>;
  /** Aborts every call in flight and forgets the token. */
  close(): void;
}

export async function openCloud(auth: AuthOptions, opts: OpenCloudOptions = {}): Promise<Cloud> {
  if (auth.cacert !== undefined && opts.fetch === undefined) checkCaBundle(auth.cacert, auth.source);
  const closing = new AbortController();
  const http = new HttpClient(opts);
  const session = new Session(auth, http, {
    signal: closing.signal,
    ...(opts.clock === undefined ? {} : { clock: opts.clock }),
    ...(opts.refreshMarginMs === undefined ? {} : { refreshMarginMs: opts.refreshMarginMs }),
  });
  const catalog = await session.catalog(opts.signal);
  const client = (types: readonly string[], base?: (e: string) => string) =>
    new ServiceClient(session, http, types, {
      signal: closing.signal,
      ...(base === undefined ? {} : { base }),
    });
  const has = (type: string) => catalog.some((s) => s.type === type);
  // Fails now, with the catalog's contents in the message, rather than at the first Nova call.
  await session.endpoint(['compute'], opts.signal);
  const filter = { interface: auth.interface, region: auth.regionName };
  const endpoints = apiEndpoints(catalog, filter);
  return {
    nova: new NovaClient(client(['compute'])),
    neutron: has('network')
      ? new NeutronClient(
          client(['network'], (e) => (endsWithVersion(e, 'v2.0') ? e : joinUrl(e, 'v2.0').href)),
        )
      : undefined,
    cinder: has('volume') || has('volumev2') ? new CinderClient(client(['volume', 'volumev2'])) : undefined,
    session,
    endpoints: () => ({ ...endpoints }),
    close: () => {
      closing.abort(new StackhopError('ERR_CLOUD_CLOSED', 'the OpenStack connection was closed'));
      session.clear();
    },
  };
}

/**
 * Node's fetch takes extra CAs only from NODE_EXTRA_CA_CERTS, read at start-up; there is no
 * per-request option without the undici package. So a CA bundle must be named there (the CLI can
 * re-run itself with it set), or a fetch that trusts it must be passed in.
 */
export function checkCaBundle(cacert: string, source: string): void {
  const where = { file: source === 'environment' ? 'environment' : source, line: 0, col: 0 };
  if (!existsSync(cacert))
    throw new CloudConfigError(where, 'cacert', `the CA bundle ${cacert} does not exist`);
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra === undefined || resolve(extra) !== resolve(cacert)) {
    throw new CloudConfigError(where, 'cacert', `the CA bundle ${cacert} is not loaded`, {
      hint: `run with NODE_EXTRA_CA_CERTS=${cacert} in the environment (Node reads it only at start-up)`,
    });
  }
}
