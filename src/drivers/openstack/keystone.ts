// Issuing a token with a password, Keystone v2.0 or v3, and reading the catalog that comes with it.
//   v2.0: POST {auth_url}/v2.0/tokens  {"auth": {"passwordCredentials": {…}, "tenantName": …}}
//         → 200 {"access": {"token": {"id", "expires", "tenant"}, "serviceCatalog": […]}}  (IDv2)
//   v3:   POST {auth_url}/v3/auth/tokens  {"auth": {"identity": {"methods": ["password"], …}, "scope": …}}
//         → 201, the token in the X-Subject-Token header, {"token": {"expires_at", "project", "catalog"}}

import { z } from 'zod';
import type { Catalog, CatalogEndpoint } from './catalog.js';
import type { AuthOptions, EndpointInterface } from './credentials.js';
import { OpenStackAuthError, OpenStackHttpError, OpenStackResponseError } from './errors.js';
import type { HttpClient } from './http.js';
import { Secret } from './secret.js';
import { displayUrl, endsWithVersion, joinUrl } from './url.js';

export interface IssuedToken {
  token: Secret;
  /** Epoch ms. */
  expiresAt: number;
  catalog: Catalog;
  projectId: string | undefined;
}

/** Keystone's timestamps are UTC; some releases leave the zone out, which JS would read as local time. */
export function parseUtc(s: string): number {
  return Date.parse(/(Z|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s}Z`);
}

const Timestamp = z.string().transform((s, ctx) => {
  const t = parseUtc(s);
  if (Number.isNaN(t)) ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 timestamp' });
  return t;
});

const V2Endpoint = z
  .object({
    region: z.string().nullish(),
    publicURL: z.string().optional(),
    internalURL: z.string().optional(),
    adminURL: z.string().optional(),
  })
  .loose();

const V2Response = z.object({
  access: z
    .object({
      token: z
        .object({
          id: z.string().min(1),
          expires: Timestamp,
          tenant: z.object({ id: z.string() }).loose().optional(),
        })
        .loose(),
      serviceCatalog: z
        .array(
          z.object({ type: z.string(), name: z.string().optional(), endpoints: z.array(V2Endpoint) }).loose(),
        )
        .default([]),
    })
    .loose(),
});

const V3Response = z.object({
  token: z
    .object({
      expires_at: Timestamp,
      project: z.object({ id: z.string() }).loose().optional(),
      catalog: z
        .array(
          z
            .object({
              type: z.string(),
              name: z.string().optional(),
              endpoints: z.array(
                z
                  .object({
                    interface: z.enum(['public', 'internal', 'admin']),
                    region: z.string().nullish(),
                    region_id: z.string().nullish(),
                    url: z.string(),
                  })
                  .loose(),
              ),
            })
            .loose(),
        )
        .default([]),
    })
    .loose(),
});

export function tokenUrl(auth: AuthOptions): URL {
  if (auth.identityVersion === '2.0') {
    return joinUrl(
      endsWithVersion(auth.authUrl, 'v2.0') ? auth.authUrl : joinUrl(auth.authUrl, 'v2.0').href,
      'tokens',
    );
  }
  return joinUrl(
    endsWithVersion(auth.authUrl, 'v3') ? auth.authUrl : joinUrl(auth.authUrl, 'v3').href,
    'auth/tokens',
  );
}

export async function issueToken(
  http: HttpClient,
  auth: AuthOptions,
  signal?: AbortSignal,
): Promise<IssuedToken> {
  const url = tokenUrl(auth);
  const req = {
    method: 'POST' as const,
    url,
    json: auth.identityVersion === '2.0' ? v2Body(auth) : v3Body(auth),
    signal,
    // Asking for a token twice is harmless: retry it like a GET.
    idempotent: true,
    secrets: [auth.password],
  };
  try {
    if (auth.identityVersion === '2.0') {
      const { body } = await http.json(req, V2Response);
      const a = body.access;
      return {
        token: new Secret(a.token.id),
        expiresAt: a.token.expires,
        catalog: a.serviceCatalog.map((s) => ({
          type: s.type,
          name: s.name,
          endpoints: v2Endpoints(s.endpoints),
        })),
        projectId: a.token.tenant?.id,
      };
    }
    const { body, headers } = await http.json(req, V3Response);
    const id = headers.get('x-subject-token');
    if (id === null || id === '') {
      throw new OpenStackResponseError({ method: 'POST', url: displayUrl(url) }, 'no X-Subject-Token header');
    }
    return {
      token: new Secret(id),
      expiresAt: body.token.expires_at,
      catalog: body.token.catalog.map((s) => ({
        type: s.type,
        name: s.name,
        endpoints: s.endpoints.map((e) => ({
          interface: e.interface,
          region: e.region ?? e.region_id ?? undefined,
          url: e.url,
        })),
      })),
      projectId: body.token.project?.id,
    };
  } catch (err) {
    // A 4xx here is about what the user gave (credentials, project, domain, auth URL): bad input.
    if (err instanceof OpenStackHttpError && err.status >= 400 && err.status < 500) {
      throw new OpenStackAuthError(displayUrl(url), err.status, err.serviceMessage ?? err.bodyTail);
    }
    throw err;
  }
}

function v2Body(auth: AuthOptions): unknown {
  return {
    auth: {
      passwordCredentials: { username: auth.username, password: auth.password.reveal() },
      ...(auth.projectId === undefined ? { tenantName: auth.projectName } : { tenantId: auth.projectId }),
    },
  };
}

function v3Body(auth: AuthOptions): unknown {
  const domain = (id: string | undefined, name: string | undefined) =>
    id !== undefined ? { id } : name !== undefined ? { name } : { id: 'default' };
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: {
          user: {
            name: auth.username,
            domain: domain(auth.userDomainId, auth.userDomainName),
            password: auth.password.reveal(),
          },
        },
      },
      scope: {
        project:
          auth.projectId !== undefined
            ? { id: auth.projectId }
            : { name: auth.projectName, domain: domain(auth.projectDomainId, auth.projectDomainName) },
      },
    },
  };
}

const V2_KEYS: readonly [EndpointInterface, 'publicURL' | 'internalURL' | 'adminURL'][] = [
  ['public', 'publicURL'],
  ['internal', 'internalURL'],
  ['admin', 'adminURL'],
];

function v2Endpoints(list: readonly z.infer<typeof V2Endpoint>[]): CatalogEndpoint[] {
  const out: CatalogEndpoint[] = [];
  for (const e of list) {
    for (const [iface, key] of V2_KEYS) {
      const url = e[key];
      if (url !== undefined && url !== '') out.push({ interface: iface, region: e.region ?? undefined, url });
    }
  }
  return out;
}
