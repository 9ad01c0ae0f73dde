import { describe, expect, it } from 'vitest';
import { EXIT_BAD_INPUT } from '../../errors.js';
import { authFromEnv } from './env.js';
import { CloudConfigError } from './errors.js';

const base = {
  OS_AUTH_URL: 'http://ctl:5000/v2.0',
  OS_USERNAME: 'admin',
  OS_PASSWORD: 'pw',
  OS_TENANT_NAME: 'admin',
};

const fails = (env: Record<string, string>): CloudConfigError => {
  try {
    authFromEnv(env);
  } catch (e) {
    expect(e).toBeInstanceOf(CloudConfigError);
    expect((e as CloudConfigError).exitCode).toBe(EXIT_BAD_INPUT);
    return e as CloudConfigError;
  }
  throw new Error('expected a CloudConfigError');
};

describe('authFromEnv', () => {
  it('reads the Havana-era v2.0 variables', () => {
    const a = authFromEnv({ ...base, OS_REGION_NAME: 'RegionOne', OS_ENDPOINT_TYPE: 'internalURL' });
    expect(a).toMatchObject({
      identityVersion: '2.0',
      username: 'admin',
      projectName: 'admin',
      regionName: 'RegionOne',
      interface: 'internal',
    });
    expect(a.password.reveal()).toBe('pw');
  });

  it('prefers OS_PROJECT_NAME over OS_TENANT_NAME and OS_INTERFACE over OS_ENDPOINT_TYPE', () => {
    const a = authFromEnv({
      ...base,
      OS_PROJECT_NAME: 'ops',
      OS_INTERFACE: 'admin',
      OS_ENDPOINT_TYPE: 'internalURL',
    });
    expect(a).toMatchObject({ projectName: 'ops', interface: 'admin' });
  });

  it('picks the identity version from the URL, the setting, or the domains', () => {
    const unversioned = { ...base, OS_AUTH_URL: 'http://ctl:5000' };
    expect(authFromEnv({ ...base, OS_AUTH_URL: 'http://ctl:5000/v3/' }).identityVersion).toBe('3');
    expect(authFromEnv({ ...unversioned, OS_IDENTITY_API_VERSION: '3' }).identityVersion).toBe('3');
    expect(authFromEnv({ ...unversioned, OS_IDENTITY_API_VERSION: '2' }).identityVersion).toBe('2.0');
    expect(authFromEnv({ ...unversioned, OS_USER_DOMAIN_NAME: 'Default' }).identityVersion).toBe('3');
    expect(authFromEnv(unversioned).identityVersion).toBe('2.0');
  });

  it('names the variable that is missing or wrong', () => {
    expect(fails({ ...base, OS_AUTH_URL: '' }).message).toBe(
      'environment: OS_AUTH_URL: is missing: the Keystone URL, e.g. http://controller:5000/v3',
    );
    expect(fails({ ...base, OS_PASSWORD: '' }).field).toBe('OS_PASSWORD');
    expect(fails({ ...base, OS_TENANT_NAME: '' }).message).toMatch(/OS_PROJECT_NAME: is missing/);
    expect(fails({ ...base, OS_AUTH_URL: 'ctl:5000' }).message).toMatch(
      /OS_AUTH_URL: "ctl:5000" is not an http\(s\) URL/,
    );
    expect(fails({ ...base, OS_INTERFACE: 'private' }).message).toMatch(
      /OS_INTERFACE: "private" is not an endpoint interface/,
    );
    expect(fails({ ...base, OS_IDENTITY_API_VERSION: '3' }).message).toMatch(
      /OS_IDENTITY_API_VERSION: says identity API 3 but OS_AUTH_URL ends in \/v2.0/,
    );
    expect(fails({ ...base, OS_IDENTITY_API_VERSION: '1.1', OS_AUTH_URL: 'http://ctl:5000' }).hint).toBe(
      'use 2.0 or 3',
    );
  });
});
