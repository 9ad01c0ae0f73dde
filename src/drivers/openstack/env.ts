// Credentials from OS_* variables, read as python-openstackclient reads them: OS_PROJECT_* and the
// older OS_TENANT_* are the same setting (project first), OS_INTERFACE and the older OS_ENDPOINT_TYPE
// too (`publicURL` accepted).

import {
  type AuthOptions,
  blameEnvironment,
  checkAuthUrl,
  parseInterface,
  pickIdentityVersion,
} from './credentials.js';
import { Secret } from './secret.js';

export type Env = Readonly<Record<string, string | undefined>>;

export function authFromEnv(env: Env = process.env): AuthOptions {
  const get = (...names: string[]): string | undefined => {
    for (const n of names) {
      const v = env[n];
      if (v !== undefined && v !== '') return v;
    }
    return undefined;
  };
  const blame = blameEnvironment;
  const authUrl = checkAuthUrl(get('OS_AUTH_URL'), blame, 'OS_AUTH_URL');
  const username = get('OS_USERNAME');
  if (username === undefined) throw blame('OS_USERNAME', 'is missing');
  const password = get('OS_PASSWORD');
  if (password === undefined)
    throw blame('OS_PASSWORD', 'is missing', 'export it (stackhop never reads passwords from the inventory)');
  const projectName = get('OS_PROJECT_NAME', 'OS_TENANT_NAME');
  const projectId = get('OS_PROJECT_ID', 'OS_TENANT_ID');
  if (projectName === undefined && projectId === undefined)
    throw blame('OS_PROJECT_NAME', 'is missing (or OS_TENANT_NAME): stackhop needs a project-scoped token');
  const userDomainName = get('OS_USER_DOMAIN_NAME');
  const userDomainId = get('OS_USER_DOMAIN_ID');
  const projectDomainName = get('OS_PROJECT_DOMAIN_NAME');
  const projectDomainId = get('OS_PROJECT_DOMAIN_ID');
  const hasDomain = [userDomainName, userDomainId, projectDomainName, projectDomainId].some(
    (d) => d !== undefined,
  );
  const identityVersion = pickIdentityVersion(authUrl, get('OS_IDENTITY_API_VERSION'), hasDomain, blame, {
    url: 'OS_AUTH_URL',
    version: 'OS_IDENTITY_API_VERSION',
  });
  const iface = get('OS_INTERFACE') === undefined ? 'OS_ENDPOINT_TYPE' : 'OS_INTERFACE';
  return {
    authUrl,
    identityVersion,
    username,
    password: new Secret(password),
    ...opt('projectName', projectName),
    ...opt('projectId', projectId),
    ...opt('userDomainName', userDomainName),
    ...opt('userDomainId', userDomainId),
    ...opt('projectDomainName', projectDomainName),
    ...opt('projectDomainId', projectDomainId),
    ...opt('regionName', get('OS_REGION_NAME')),
    interface: parseInterface(get(iface), blame, iface),
    ...opt('cacert', get('OS_CACERT')),
    source: 'environment',
  };
}

/** `{ [key]: value }` when the value is set, `{}` otherwise (exactOptionalPropertyTypes). */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
