// The OpenStack driver's public surface: credentials, the cloud connection and its clients, errors.

export type { ApiName, Catalog, CatalogEndpoint, CatalogService, EndpointFilter } from './catalog.js';
export { API_SERVICE_TYPES, apiEndpoints, findEndpoint, requireEndpoint } from './catalog.js';
export type { CinderService } from './cinder.js';
export { CinderClient } from './cinder.js';
export type { Cloud, OpenCloudOptions } from './cloud.js';
export { openCloud } from './cloud.js';
export type { CloudsSearch } from './clouds.js';
export { authFromCloud, searchPaths } from './clouds.js';
export type { AuthOptions, EndpointInterface, IdentityVersion } from './credentials.js';
export type { Env } from './env.js';
export { authFromEnv } from './env.js';
export {
  CloudConfigError,
  EndpointNotFoundError,
  MigrationError,
  OpenStackAuthError,
  OpenStackConnectionError,
  OpenStackHttpError,
  OpenStackResponseError,
} from './errors.js';
export type { HttpMethod, HttpOptions, HttpRequest, HttpResponse } from './http.js';
export { HttpClient } from './http.js';
export type { MigrationProgress, WaitOptions } from './live-migration.js';
export { migrationProgress } from './live-migration.js';
export type { NeutronAgent } from './neutron.js';
export { NeutronClient } from './neutron.js';
export type { LiveMigrateOptions } from './nova.js';
export { NovaClient } from './nova.js';
export type { Hypervisor, Migration, NovaService, Server } from './nova-schemas.js';
export { resolveAuth } from './resolve.js';
export type { RetryPolicy } from './retry.js';
export { DEFAULT_RETRY } from './retry.js';
export { REDACTED, Secret } from './secret.js';
export type { CallOptions } from './service.js';
export { Session } from './session.js';
export { versionRoot } from './url.js';
