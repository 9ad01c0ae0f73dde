import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { authFromCloud, searchPaths } from './clouds.js';
import { CloudConfigError } from './errors.js';
import { resolveAuth } from './resolve.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackhop-clouds-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const CLOUDS = `clouds:
  lab:
    auth:
      auth_url: http://ctl:5000/v3
      username: admin
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
  old:
    auth:
      auth_url: http://ctl:5000/v2.0
      username: admin
      password: inline
      tenant_name: admin
    endpoint_type: internalURL
`;

const failure = (f: () => unknown): CloudConfigError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CloudConfigError);
    return e as CloudConfigError;
  }
  throw new Error('expected a CloudConfigError');
};

describe('clouds.yaml', () => {
  it('searches ./, ~/.config/openstack and /etc/openstack, OS_CLIENT_CONFIG_FILE first', () => {
    const p = searchPaths({ cwd: '/w', home: '/h', env: { OS_CLIENT_CONFIG_FILE: '/x/c.yaml' } });
    expect(p.clouds).toEqual([
      '/x/c.yaml',
      '/w/clouds.yaml',
      '/w/clouds.yml',
      '/h/.config/openstack/clouds.yaml',
      '/h/.config/openstack/clouds.yml',
      '/etc/openstack/clouds.yaml',
      '/etc/openstack/clouds.yml',
    ]);
    expect(p.secure[0]).toBe('/w/secure.yaml');
  });

  it('reads an entry from ~/.config/openstack with secure.yaml merged over it', () => {
    const home = dirWith({
      '.config/openstack/clouds.yaml': CLOUDS,
      '.config/openstack/secure.yaml': 'clouds:\n  lab:\n    auth:\n      password: from-secure\n',
    });
    const a = authFromCloud('lab', { cwd: join(home, 'elsewhere'), home, env: {} });
    expect(a).toMatchObject({
      identityVersion: '3',
      username: 'admin',
      projectName: 'admin',
      userDomainName: 'Default',
      regionName: 'RegionOne',
      interface: 'public',
    });
    expect(a.password.reveal()).toBe('from-secure');
    expect(a.source).toBe(`${join(home, '.config/openstack/clouds.yaml')} cloud "lab"`);
  });

  it('reads the v2.0 spellings (tenant_name, endpoint_type) and OS_CLOUD picks the entry', () => {
    const dir = dirWith({ 'clouds.yaml': CLOUDS });
    const a = resolveAuth({
      env: { OS_CLOUD: 'old', OS_AUTH_URL: 'http://ignored:5000/v3' },
      search: { cwd: dir, home: dir },
    });
    expect(a).toMatchObject({
      identityVersion: '2.0',
      projectName: 'admin',
      interface: 'internal',
      authUrl: 'http://ctl:5000/v2.0',
    });
  });

  it('names the file, line and field of a missing password', () => {
    const dir = dirWith({ 'clouds.yaml': CLOUDS });
    const e = failure(() => authFromCloud('lab', { cwd: dir, home: dir, env: {} }));
    expect(e.message).toBe(`${join(dir, 'clouds.yaml')}:3:5: auth.password: is missing`);
    expect(e.hint).toMatch(/secure\.yaml/);
  });

  it('blames secure.yaml for what came from it', () => {
    const dir = dirWith({
      'clouds.yaml': CLOUDS,
      'secure.yaml': 'clouds:\n  lab:\n    auth:\n      password: [1, 2]\n',
    });
    const e = failure(() => authFromCloud('lab', { cwd: dir, home: dir, env: {} }));
    expect(e.location).toEqual({ file: join(dir, 'secure.yaml'), line: 4, col: 17 });
    expect(e.field).toBe('auth.password');
  });

  it('points at a wrong value where it is written', () => {
    const dir = dirWith({
      'clouds.yaml': CLOUDS.replace('endpoint_type: internalURL', 'endpoint_type: private'),
    });
    const e = failure(() => authFromCloud('old', { cwd: dir, home: dir, env: {} }));
    expect(e.location).toMatchObject({ line: 16, col: 20 });
    expect(e.message).toMatch(/endpoint_type: "private" is not an endpoint interface/);
  });

  it('suggests the cloud meant, and lists where it looked when there is no file', () => {
    const dir = dirWith({ 'clouds.yaml': CLOUDS });
    expect(failure(() => authFromCloud('labb', { cwd: dir, home: dir, env: {} })).message).toBe(
      `${join(dir, 'clouds.yaml')}:1:1: clouds: has no cloud "labb"`,
    );
    expect(failure(() => authFromCloud('labb', { cwd: dir, home: dir, env: {} })).hint).toMatch(
      /did you mean "lab"\?/,
    );
    const empty = dirWith({});
    const none = failure(() => authFromCloud('lab', { cwd: empty, home: empty, env: {} }));
    expect(none.message).toMatch(/no clouds\.yaml found for cloud "lab"/);
    expect(none.hint).toContain(join(empty, 'clouds.yaml'));
  });

  it('refuses what stackhop cannot honour', () => {
    const dir = dirWith({ 'clouds.yaml': CLOUDS.replace('  old:', '  old:\n    verify: false') });
    expect(failure(() => authFromCloud('old', { cwd: dir, home: dir, env: {} })).message).toMatch(
      /verify: turning TLS verification off/,
    );
    const tok = dirWith({ 'clouds.yaml': CLOUDS.replace('  old:', '  old:\n    auth_type: token') });
    expect(failure(() => authFromCloud('old', { cwd: tok, home: tok, env: {} })).message).toMatch(
      /auth_type: "token" is not supported/,
    );
  });

  it('reports YAML syntax errors with their position', () => {
    const dir = dirWith({ 'clouds.yaml': 'clouds:\n  lab:\n    auth: {auth_url: x\n' });
    const e = failure(() => authFromCloud('lab', { cwd: dir, home: dir, env: {} }));
    expect(e.message).toMatch(new RegExp(`^${join(dir, 'clouds.yaml')}:\\d+:\\d+: not valid YAML`));
  });
});
