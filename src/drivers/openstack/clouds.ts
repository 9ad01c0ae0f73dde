// Credentials from a clouds.yaml entry, found and merged as os-client-config / openstacksdk do: the
// first of OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack/clouds.yaml,
// /etc/openstack/clouds.yaml (each also as .yml), with the first secure.yaml of the same places
// (or OS_CLIENT_SECURE_FILE) merged over it, so passwords can live in a file of their own.
// Every error names the file and line of the field it is about (secure.yaml for what came from there).

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { type DocPath, positionOf } from '../../inventory/positions.js';
import { didYouMean } from '../../inventory/suggest.js';
import {
  type AuthOptions,
  type Blame,
  checkAuthUrl,
  parseInterface,
  pickIdentityVersion,
} from './credentials.js';
import { type Env, opt } from './env.js';
import { CloudConfigError } from './errors.js';
import { Secret } from './secret.js';

export interface CloudsSearch {
  /** Default process.cwd(). */
  cwd?: string;
  /** Default os.homedir(). */
  home?: string;
  /** For OS_CLIENT_CONFIG_FILE / OS_CLIENT_SECURE_FILE / XDG_CONFIG_HOME. Default process.env. */
  env?: Env;
}

const SUFFIXES = ['.yaml', '.yml'];

/** The places searched, in order, for `clouds` and `secure` files. */
export function searchPaths(search: CloudsSearch = {}): { clouds: string[]; secure: string[] } {
  const env = search.env ?? process.env;
  const home = search.home ?? homedir();
  const cwd = search.cwd ?? process.cwd();
  const dirs = [cwd, join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'openstack'), '/etc/openstack'];
  const files = (stem: string, override: string | undefined) => [
    ...(override === undefined || override === '' ? [] : [resolve(cwd, override)]),
    ...dirs.flatMap((d) => SUFFIXES.map((s) => join(d, stem + s))),
  ];
  return {
    clouds: files('clouds', env.OS_CLIENT_CONFIG_FILE),
    secure: files('secure', env.OS_CLIENT_SECURE_FILE),
  };
}

const text = z.union([z.string(), z.number()]).transform(String);

const AuthBlock = z
  .object({
    auth_url: z.string().optional(),
    username: text.optional(),
    password: text.optional(),
    project_name: text.optional(),
    tenant_name: text.optional(),
    project_id: text.optional(),
    tenant_id: text.optional(),
    user_domain_name: text.optional(),
    user_domain_id: text.optional(),
    project_domain_name: text.optional(),
    project_domain_id: text.optional(),
  })
  .loose();

const Region = z.union([z.string(), z.object({ name: z.string() }).loose()]);

/** The fields stackhop uses; the many others clouds.yaml may hold are ignored. */
const CloudEntry = z
  .object({
    auth: AuthBlock.optional(),
    auth_type: z.string().optional(),
    region_name: z.string().optional(),
    regions: z.array(Region).optional(),
    interface: z.string().optional(),
    endpoint_type: z.string().optional(),
    identity_api_version: text.optional(),
    cacert: z.string().optional(),
    verify: z.boolean().optional(),
  })
  .loose();

const PASSWORD_AUTH = ['password', 'v2password', 'v3password'];

interface Loaded {
  file: string;
  doc: Document;
  lc: LineCounter;
  data: unknown;
}

/** The credentials of cloud `name`. Throws CloudConfigError (exit 2) for anything missing or wrong. */
export function authFromCloud(name: string, search: CloudsSearch = {}): AuthOptions {
  const paths = searchPaths(search);
  const cloudsFile = paths.clouds.find((p) => existsSync(p));
  if (cloudsFile === undefined) {
    throw new CloudConfigError(
      { file: 'clouds.yaml', line: 0, col: 0 },
      'OS_CLOUD',
      `no clouds.yaml found for cloud "${name}"`,
      {
        hint: `looked in: ${paths.clouds.join(', ')}`,
      },
    );
  }
  const clouds = load(cloudsFile);
  const secureFile = paths.secure.find((p) => existsSync(p));
  const secure = secureFile === undefined ? undefined : load(secureFile);

  // Where a field came from: secure.yaml wins, as in the merge below. A value that is there is pointed
  // at; a missing one at the key of its nearest parent (where it should have been written).
  const at = (path: DocPath) => {
    const src = secure?.doc.hasIn(path) === true ? secure : clouds;
    return { file: src.file, ...positionOf(src.doc, src.lc, path, { key: !src.doc.hasIn(path) }) };
  };
  const base: DocPath = ['clouds', name];
  const blame: Blame = (field, message, hint) =>
    new CloudConfigError(
      at([...base, ...field.split('.')]),
      field,
      message,
      hint === undefined ? {} : { hint },
    );

  const names = cloudNames(clouds.data);
  const own = entryOf(clouds.data, name);
  if (own === undefined) {
    throw new CloudConfigError(
      { file: clouds.file, ...positionOf(clouds.doc, clouds.lc, ['clouds'], { key: true }) },
      'clouds',
      `has no cloud "${name}"`,
      {
        hint: names.length === 0 ? 'the file defines no clouds' : didYouMean(name, names),
      },
    );
  }
  const merged = deepMerge(own, secure === undefined ? undefined : entryOf(secure.data, name));
  const parsed = CloudEntry.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw blame(issue.path.map(String).join('.'), issue.message);
  }
  const c = parsed.data;
  const auth = c.auth ?? {};
  if (c.auth_type !== undefined && !PASSWORD_AUTH.includes(c.auth_type)) {
    throw blame(
      'auth_type',
      `"${c.auth_type}" is not supported`,
      'stackhop authenticates with a password: use auth_type: password',
    );
  }
  if (c.verify === false) {
    throw blame(
      'verify',
      'turning TLS verification off is not supported',
      'give the CA bundle with cacert instead',
    );
  }
  const authUrl = checkAuthUrl(auth.auth_url, blame, 'auth.auth_url');
  if (auth.username === undefined) throw blame('auth.username', 'is missing');
  if (auth.password === undefined) {
    throw blame(
      'auth.password',
      'is missing',
      'put it under the same cloud in secure.yaml next to clouds.yaml',
    );
  }
  const projectName = auth.project_name ?? auth.tenant_name;
  const projectId = auth.project_id ?? auth.tenant_id;
  if (projectName === undefined && projectId === undefined) {
    throw blame('auth.project_name', 'is missing (or tenant_name): stackhop needs a project-scoped token');
  }
  const domains = [
    auth.user_domain_name,
    auth.user_domain_id,
    auth.project_domain_name,
    auth.project_domain_id,
  ];
  const identityVersion = pickIdentityVersion(
    authUrl,
    c.identity_api_version,
    domains.some((d) => d !== undefined),
    blame,
    { url: 'auth.auth_url', version: 'identity_api_version' },
  );
  const firstRegion = c.regions?.[0];
  const region = c.region_name ?? (typeof firstRegion === 'string' ? firstRegion : firstRegion?.name);
  const ifaceField = c.interface === undefined ? 'endpoint_type' : 'interface';
  return {
    authUrl,
    identityVersion,
    username: auth.username,
    password: new Secret(auth.password),
    ...opt('projectName', projectName),
    ...opt('projectId', projectId),
    ...opt('userDomainName', auth.user_domain_name),
    ...opt('userDomainId', auth.user_domain_id),
    ...opt('projectDomainName', auth.project_domain_name),
    ...opt('projectDomainId', auth.project_domain_id),
    ...opt('regionName', region),
    interface: parseInterface(c.interface ?? c.endpoint_type, blame, ifaceField),
    ...opt('cacert', c.cacert),
    source: `${clouds.file} cloud "${name}"`,
  };
}

function load(file: string): Loaded {
  const lc = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lc, uniqueKeys: true });
  const err = doc.errors[0];
  if (err !== undefined) {
    const { line, col } = lc.linePos(err.pos[0]);
    throw new CloudConfigError({ file, line, col }, '', `not valid YAML: ${err.message.split('\n')[0]}`);
  }
  return { file, doc, lc, data: doc.toJS() };
}

function cloudNames(data: unknown): string[] {
  const clouds = (data as { clouds?: unknown } | null)?.clouds;
  return isRecord(clouds) ? Object.keys(clouds) : [];
}

function entryOf(data: unknown, name: string): Record<string, unknown> | undefined {
  const clouds = (data as { clouds?: unknown } | null)?.clouds;
  if (!isRecord(clouds)) return undefined;
  const entry = clouds[name];
  return isRecord(entry) ? entry : undefined;
}

/** `over` merged into `base`, maps recursively, everything else replaced (os-client-config's merge). */
function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (over === undefined) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isRecord(b) && isRecord(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
