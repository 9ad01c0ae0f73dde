// URL helpers. Catalog URLs come with or without a trailing slash and with the tenant already in them
// (`http://api:8774/v2/<tenant_id>`), so paths are appended rather than resolved (`new URL('x', base)`
// would drop the tenant segment of a base without a trailing slash).

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** `base` + `/path` + `?query`, with exactly one slash at the joint; undefined query values are left out. */
export function joinUrl(base: string, path: string, query: Query = {}): URL {
  const left = base.replace(/\/+$/, '');
  const right = path.replace(/^\/+/, '');
  const url = new URL(right === '' ? left : `${left}/${right}`);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

/** The URL as errors and logs show it: no userinfo, no query (queries can carry filters or secrets). */
export function displayUrl(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * The API's version root for an endpoint URL: everything before the first version segment (`v2`,
 * `v2.0`, `v1.1`, `v3`), e.g. `http://api:8774/v2/abc` → `http://api:8774/`. That is where each service
 * answers its version document without authentication, so probes use it. A URL without a version
 * segment (Glance's `http://api:9292`) is its own root.
 */
export function versionRoot(endpoint: string): string {
  const u = new URL(endpoint);
  const parts = u.pathname.split('/').filter((p) => p !== '');
  const at = parts.findIndex((p) => /^v\d+(\.\d+)?$/.test(p));
  const kept = at === -1 ? parts : parts.slice(0, at);
  return `${u.protocol}//${u.host}/${kept.map((p) => `${p}/`).join('')}`;
}

/** Does the endpoint already end in this version segment (`…:9696/v2.0`)? */
export function endsWithVersion(endpoint: string, version: string): boolean {
  return new URL(endpoint).pathname.replace(/\/+$/, '').endsWith(`/${version}`);
}
