// Which source of credentials applies, as for the openstack client: a named cloud (the argument, else
// OS_CLOUD) reads clouds.yaml; without one, the OS_* variables.

import { authFromCloud, type CloudsSearch } from './clouds.js';
import type { AuthOptions } from './credentials.js';
import { authFromEnv, type Env } from './env.js';

export function resolveAuth(
  opts: { cloud?: string; env?: Env; search?: Omit<CloudsSearch, 'env'> } = {},
): AuthOptions {
  const env = opts.env ?? process.env;
  const cloud = opts.cloud ?? env.OS_CLOUD;
  if (cloud !== undefined && cloud !== '') return authFromCloud(cloud, { ...opts.search, env });
  return authFromEnv(env);
}
