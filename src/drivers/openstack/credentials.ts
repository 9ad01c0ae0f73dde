// What stackhop needs to authenticate, however it was given (OS_* variables or a clouds.yaml entry),
// and the rules both sources share: which Keystone version, which endpoint interface.

import type { InputLocation } from '../../errors.js';
import { CloudConfigError } from './errors.js';
import type { Secret } from './secret.js';

export type IdentityVersion = '2.0' | '3';
export type EndpointInterface = 'public' | 'internal' | 'admin';

export interface AuthOptions {
  /** As given, e.g. `http://controller:5000/v2.0` or `http://controller:5000/v3`. */
  authUrl: string;
  identityVersion: IdentityVersion;
  username: string;
  password: Secret;
  /** The project (v2.0: tenant) the token is scoped to: a name, an id, or both. */
  projectName?: string;
  projectId?: string;
  /** v3 only; a name or an id each. Without either, Keystone's `default` domain (as the openstack client). */
  userDomainName?: string;
  userDomainId?: string;
  projectDomainName?: string;
  projectDomainId?: string;
  regionName?: string;
  interface: EndpointInterface;
  /** A CA bundle for TLS (OS_CACERT / cacert). */
  cacert?: string;
  /** Where this came from, for messages: "environment" or "clouds.yaml cloud `x`". */
  source: string;
}

/** Reports a bad value at a place: a variable of the environment, or a field of a file. */
export type Blame = (field: string, message: string, hint?: string) => CloudConfigError;

export const blameEnvironment: Blame = (field, message, hint) =>
  new CloudConfigError(ENVIRONMENT, field, message, hint === undefined ? {} : { hint });

const ENVIRONMENT: InputLocation = { file: 'environment', line: 0, col: 0 };

/**
 * The Keystone version: the auth URL's last segment says it (`/v2.0`, `/v3`); otherwise the explicit
 * setting; otherwise v3 when a domain is named (only v3 has domains), else v2.0, the Havana-era default
 * (IDv2). A URL and a setting that disagree are refused rather than guessed between.
 */
export function pickIdentityVersion(
  authUrl: string,
  explicit: string | undefined,
  hasDomain: boolean,
  blame: Blame,
  fields: { url: string; version: string },
): IdentityVersion {
  const fromUrl = urlVersion(authUrl);
  const fromSetting =
    explicit === undefined || explicit === '' ? undefined : normaliseVersion(explicit, blame, fields.version);
  if (fromUrl !== undefined && fromSetting !== undefined && fromUrl !== fromSetting) {
    throw blame(
      fields.version,
      `says identity API ${fromSetting} but ${fields.url} ends in /v${fromUrl}`,
      'make them agree, or drop the version from the URL',
    );
  }
  return fromUrl ?? fromSetting ?? (hasDomain ? '3' : '2.0');
}

function urlVersion(authUrl: string): IdentityVersion | undefined {
  const last = new URL(authUrl).pathname.replace(/\/+$/, '').split('/').pop() ?? '';
  if (last === 'v2.0') return '2.0';
  if (last === 'v3') return '3';
  return undefined;
}

function normaliseVersion(v: string, blame: Blame, field: string): IdentityVersion {
  if (v === '2' || v === '2.0') return '2.0';
  if (v === '3' || v === '3.0') return '3';
  throw blame(field, `"${v}" is not an identity API version stackhop speaks`, 'use 2.0 or 3');
}

/** `public` / `internal` / `admin`, also in the older `publicURL` spelling of OS_ENDPOINT_TYPE. */
export function parseInterface(v: string | undefined, blame: Blame, field: string): EndpointInterface {
  if (v === undefined || v === '') return 'public';
  const s = v.replace(/URL$/, '');
  if (s === 'public' || s === 'internal' || s === 'admin') return s;
  throw blame(field, `"${v}" is not an endpoint interface`, 'use public, internal or admin');
}

export function checkAuthUrl(v: string | undefined, blame: Blame, field: string): string {
  if (v === undefined || v === '')
    throw blame(field, 'is missing: the Keystone URL, e.g. http://controller:5000/v3');
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw blame(field, `"${v}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw blame(field, `"${v}" is not an http(s) URL`);
  if (url.username !== '' || url.password !== '') throw blame(field, 'must not carry credentials in the URL');
  return v;
}
