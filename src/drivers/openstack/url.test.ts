import { describe, expect, it } from 'vitest';
import { displayUrl, endsWithVersion, joinUrl, versionRoot } from './url.js';

describe('URL helpers', () => {
  it('appends paths to catalog URLs with or without a trailing slash, keeping the tenant', () => {
    expect(joinUrl('http://api:8774/v2/abc', 'os-services').href).toBe('http://api:8774/v2/abc/os-services');
    expect(
      joinUrl('http://api:8774/v2/abc/', '/os-services', { host: 'cmp01', binary: undefined }).href,
    ).toBe('http://api:8774/v2/abc/os-services?host=cmp01');
  });

  it('shows a URL without its query or userinfo', () => {
    expect(displayUrl('http://u:p@api:8774/v2/abc/servers/detail?all_tenants=1&token=x')).toBe(
      'http://api:8774/v2/abc/servers/detail',
    );
  });

  it('finds the version root every service answers without a token', () => {
    expect(versionRoot('http://api:8774/v2/abc')).toBe('http://api:8774/');
    expect(versionRoot('http://api:5000/v2.0')).toBe('http://api:5000/');
    expect(versionRoot('http://api:8776/v1/%(tenant_id)s')).toBe('http://api:8776/');
    expect(versionRoot('http://api:9292')).toBe('http://api:9292/');
    expect(versionRoot('https://cloud.example/compute/v2.1/abc')).toBe('https://cloud.example/compute/');
    expect(endsWithVersion('http://api:9696/v2.0/', 'v2.0')).toBe(true);
    expect(endsWithVersion('http://api:9696', 'v2.0')).toBe(false);
  });
});
