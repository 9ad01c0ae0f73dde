import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type Standin, startStandin } from '../../../test/support/openstack-standin/index.js';
import { EXIT_BAD_INPUT } from '../../errors.js';
import { openCloud } from './cloud.js';
import { authFromCloud } from './clouds.js';
import { authFromEnv } from './env.js';
import { EndpointNotFoundError, OpenStackAuthError } from './errors.js';
import { Secret } from './secret.js';
import { instantClock } from './testing.js';

let cloud: Standin;
beforeAll(async () => {
  cloud = await startStandin({ computes: ['cmp01', 'cmp02'] });
});
afterAll(async () => {
  await cloud.close();
});

const tokenPosts = () =>
  cloud.requests.filter((r) => r.method === 'POST' && r.path.includes('tokens')).length;

describe('authentication against the stand-in', () => {
  it.each(['2.0', '3'] as const)('Keystone v%s from OS_* variables, with the catalog', async (v) => {
    const auth = authFromEnv(cloud.env(v));
    expect(auth.identityVersion).toBe(v);
    const c = await openCloud(auth);
    const projectId = cloud.state.projectId;
    expect(c.endpoints()).toEqual({
      'identity-api': `${cloud.origin}/identity/v2.0`,
      'image-api': `${cloud.origin}/image`,
      'compute-api': `${cloud.origin}/compute/v2/${projectId}`,
      'network-api': `${cloud.origin}/network`,
      'volume-api': `${cloud.origin}/volume/v1/${projectId}`,
      'orchestration-api': `${cloud.origin}/orchestration/v1/${projectId}`,
      'telemetry-api': `${cloud.origin}/metering`,
    });
    expect(await c.session.projectId()).toBe(projectId);
    expect((await c.nova.listServices({ binary: 'nova-compute' })).map((s) => s.host)).toEqual([
      'cmp01',
      'cmp02',
    ]);
    expect(c.neutron).toBeDefined();
    expect(c.cinder).toBeDefined();
    c.close();
  });

  it.each(['2.0', '3'] as const)(
    'Keystone v%s from a clouds.yaml entry with the password in secure.yaml',
    async (v) => {
      const dir = mkdtempSync(join(tmpdir(), 'stackhop-clouds-'));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      const env = cloud.env(v);
      writeFileSync(
        join(dir, 'clouds.yaml'),
        [
          'clouds:',
          '  lab:',
          '    auth:',
          `      auth_url: ${env.OS_AUTH_URL}`,
          `      username: ${cloud.user.name}`,
          `      project_name: ${cloud.user.project}`,
          ...(v === '3' ? ['      user_domain_name: Default', '      project_domain_name: Default'] : []),
          '    region_name: RegionOne',
          '    interface: admin',
          '',
        ].join('\n'),
      );
      writeFileSync(
        join(dir, 'secure.yaml'),
        `clouds:\n  lab:\n    auth:\n      password: ${cloud.user.password}\n`,
      );
      const auth = authFromCloud('lab', { cwd: dir, home: dir, env: {} });
      expect(auth.interface).toBe('admin');
      const c = await openCloud(auth);
      // The admin interface of identity is its own root, as Keystone's port 35357.
      expect(c.endpoints()['identity-api']).toBe(`${cloud.origin}/identity-admin/v2.0`);
      expect(await c.nova.listHypervisors()).toHaveLength(2);
      c.close();
    },
  );

  it('refuses a wrong password with a bad-input error that names the auth URL', async () => {
    const auth = { ...authFromEnv(cloud.env('3')), password: new Secret('wrong-password') };
    const err = await openCloud(auth).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenStackAuthError);
    expect((err as OpenStackAuthError).exitCode).toBe(EXIT_BAD_INPUT);
    expect((err as Error).message).toMatch(/identity\/v3\/auth\/tokens failed: HTTP 401/);
  });

  it('refuses a project the user has no role in (v2.0)', async () => {
    const auth = { ...authFromEnv(cloud.env('2.0')), projectName: 'someone-else' };
    await expect(openCloud(auth)).rejects.toThrow(
      /HTTP 401: User \w+ is unauthorized for tenant someone-else/,
    );
  });

  it('names the region it could not find and what the catalog has', async () => {
    const auth = { ...authFromEnv(cloud.env('3')), regionName: 'RegionTwo' };
    const err = await openCloud(auth).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndpointNotFoundError);
    expect((err as Error).message).toMatch(
      /no compute endpoint for interface public in region RegionTwo .*compute public@RegionOne/,
    );
  });

  it('gets a new token once when a service answers 401, and goes on', async () => {
    const c = await openCloud(authFromEnv(cloud.env('3')));
    await c.nova.listServices();
    const before = tokenPosts();
    cloud.revokeTokens();
    expect(await c.nova.listServices({ host: 'cmp01' })).toHaveLength(1);
    expect(tokenPosts()).toBe(before + 1);
    expect(c.session.issued).toBe(2);
    c.close();
  });

  it('re-issues the token shortly before it expires', async () => {
    const short = await startStandin({ tokenTtlMs: 200 });
    try {
      const c = await openCloud(authFromEnv(short.env('3')), { refreshMarginMs: 150 });
      await c.nova.listServices();
      await c.nova.listServices();
      expect(c.session.issued).toBe(1);
      await new Promise((r) => setTimeout(r, 120));
      // Past expiry − margin (capped at half the 200 ms lifetime): a new token before the call.
      await c.nova.listServices();
      expect(c.session.issued).toBe(2);
      expect(short.requests.filter((r) => r.status === 401)).toHaveLength(0);
      c.close();
    } finally {
      await short.close();
    }
  });

  it('shares one token request among concurrent calls', async () => {
    const c = await openCloud(authFromEnv(cloud.env('2.0')), { clock: instantClock() });
    cloud.revokeTokens();
    c.session.clear();
    const before = tokenPosts();
    await Promise.all([
      c.nova.listServices(),
      c.nova.listHypervisors(),
      c.neutron!.listAgents(),
      c.cinder!.listServices(),
    ]);
    expect(tokenPosts()).toBe(before + 1);
    c.close();
  });
});
