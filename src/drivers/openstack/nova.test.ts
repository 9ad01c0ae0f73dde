import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Standin, startStandin } from '../../../test/support/openstack-standin/index.js';
import { type Cloud, openCloud } from './cloud.js';
import { authFromEnv } from './env.js';
import { MigrationError, OpenStackHttpError } from './errors.js';

/** A fake fleet: which services run where (the stand-in reads it through serviceUp). */
const stopped = new Set<string>();
let standin: Standin;
let cloud: Cloud;

beforeAll(async () => {
  standin = await startStandin({
    computes: ['cmp01', 'cmp02', { host: 'cmp03', ramMb: 4096 }, 'cmp04'],
    servers: [
      ...Array.from({ length: 7 }, (_, i) => ({ id: `big-${i}`, host: 'cmp01', ramMb: 1024 })),
      { id: 'vm-a', host: 'cmp02', ramMb: 2048 },
      { id: 'vm-b', host: 'cmp02', ramMb: 2048 },
      { id: 'vm-c', host: 'cmp02', ramMb: 2048 },
      { id: 'other-tenant', host: 'cmp01', tenantId: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0' },
    ],
    migrations: [{ instanceUuid: 'vm-x', sourceCompute: 'cmp01', destCompute: 'cmp02', status: 'finished' }],
    serviceUp: async (host, binary) => !stopped.has(`${host}/${binary}`),
    pageSize: 3,
    linkPrefix: 'http://nova-internal.invalid:8774',
    migrationDelayMs: 30,
  });
  cloud = await openCloud(authFromEnv(standin.env('2.0')));
});
afterAll(async () => {
  cloud.close();
  await standin.close();
});

const fast = { pollIntervalMs: 10, timeoutMs: 5000 };

describe('Nova', () => {
  it('lists services with their state from the hosts, filtered by host and binary', async () => {
    stopped.add('cmp04/nova-compute');
    const all = await cloud.nova.listServices();
    expect(all.filter((s) => s.binary === 'nova-compute').map((s) => `${s.host}:${s.state}`)).toEqual([
      'cmp01:up',
      'cmp02:up',
      'cmp03:up',
      'cmp04:down',
    ]);
    expect(await cloud.nova.listServices({ host: 'ctl01', binary: 'nova-conductor' })).toEqual([
      expect.objectContaining({
        host: 'ctl01',
        binary: 'nova-conductor',
        zone: 'internal',
        status: 'enabled',
        state: 'up',
      }),
    ]);
    stopped.delete('cmp04/nova-compute');
  });

  it('disables a compute with a reason and enables it again', async () => {
    expect(await cloud.nova.disableService('cmp03', 'nova-compute', 'stackhop: upgrading to icehouse')).toBe(
      'disabled',
    );
    expect(await cloud.nova.listServices({ host: 'cmp03', binary: 'nova-compute' })).toEqual([
      expect.objectContaining({ status: 'disabled', disabledReason: 'stackhop: upgrading to icehouse' }),
    ]);
    expect(await cloud.nova.enableService('cmp03', 'nova-compute')).toBe('enabled');
    expect(await cloud.nova.listServices({ host: 'cmp03', binary: 'nova-compute' })).toEqual([
      expect.objectContaining({ status: 'enabled', disabledReason: null }),
    ]);
  });

  it('says which host it could not find', async () => {
    await expect(cloud.nova.disableService('cmp99', 'nova-compute', 'x')).rejects.toThrow(
      /PUT .*\/os-services\/disable-log-reason: HTTP 404: Compute host cmp99 could not be found/,
    );
  });

  it('reads the hypervisors with their RAM', async () => {
    const hv = await cloud.nova.listHypervisors();
    expect(hv.map((h) => [h.host, h.memoryMb, h.memoryMbUsed, h.runningVms])).toEqual([
      ['cmp01', 16384, 512 + 7 * 1024 + 2048, 8],
      ['cmp02', 16384, 512 + 3 * 2048, 3],
      ['cmp03', 4096, 512, 0],
      ['cmp04', 16384, 512, 0],
    ]);
  });

  it('lists every server on a host across tenants, following the pages (not the link host)', async () => {
    const before = standin.requests.length;
    const servers = await cloud.nova.listServersOnHost('cmp01');
    expect(servers.map((s) => s.id)).toEqual([
      ...Array.from({ length: 7 }, (_, i) => `big-${i}`),
      'other-tenant',
    ]);
    const pages = standin.requests.slice(before).filter((r) => r.path.includes('servers/detail'));
    // 8 servers in pages of 3: 3 + 3 + 2, the last one short so no further link.
    expect(pages).toHaveLength(3);
    expect(pages[1]!.path).toMatch(/all_tenants=1&host=cmp01&marker=big-2$/);
    expect(await cloud.nova.listServersOnHost('cmp04')).toEqual([]);
    expect((await cloud.nova.listServers()).map((s) => s.id)).toHaveLength(11);
  });

  it('live-migrates a server to a given host and waits until it is there', async () => {
    const s = await cloud.nova.liveMigrateAndWait('vm-a', { host: 'cmp04' }, fast);
    expect(s).toMatchObject({ id: 'vm-a', host: 'cmp04', status: 'ACTIVE', taskState: null });
  });

  it('lets the scheduler pick: the enabled, up compute with the most free RAM', async () => {
    await cloud.nova.disableService('cmp04', 'nova-compute', 'draining');
    stopped.add('cmp01/nova-compute');
    try {
      // cmp01 is down, cmp04 disabled, cmp02 the source: cmp03 (3.5 GB free), and then nothing fits.
      const s = await cloud.nova.liveMigrateAndWait('vm-b', {}, fast);
      expect(s.host).toBe('cmp03');
      await expect(cloud.nova.liveMigrate('vm-c')).rejects.toThrow(/HTTP 400: No valid host was found/);
    } finally {
      stopped.delete('cmp01/nova-compute');
      await cloud.nova.enableService('cmp04', 'nova-compute');
    }
  });

  it('refuses a second migration while one runs (409)', async () => {
    await cloud.nova.liveMigrate('big-0', { host: 'cmp02' });
    await expect(cloud.nova.liveMigrate('big-0', { host: 'cmp04' })).rejects.toMatchObject({ status: 409 });
    expect((await cloud.nova.getServer('big-0')).status).toBe('MIGRATING');
    await cloud.nova.waitForLiveMigration('big-0', { sourceHost: 'cmp01', ...fast });
  });

  it('reports a migration that ends in ERROR with Nova’s fault message', async () => {
    standin.injectMigrationFault({
      serverId: 'big-1',
      stage: 'error',
      message: 'libvirtError: operation failed: migration job: unexpectedly failed',
    });
    const err = await cloud.nova
      .liveMigrateAndWait('big-1', { host: 'cmp02' }, fast)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect(err).toMatchObject({ outcome: 'error', serverId: 'big-1', sourceHost: 'cmp01' });
    expect((err as Error).message).toBe(
      'live migration of server big-1 from cmp01 failed: the server went to status ERROR: libvirtError: operation failed: migration job: unexpectedly failed',
    );
  });

  it('reports a migration rolled back onto its source', async () => {
    standin.injectMigrationFault({ serverId: 'big-2', stage: 'rollback', message: 'ignored by Nova’s API' });
    const err = await cloud.nova
      .liveMigrateAndWait('big-2', { host: 'cmp02' }, fast)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'MigrationError', outcome: 'rolled-back', fault: undefined });
    expect((await cloud.nova.getServer('big-2')).host).toBe('cmp01');
  });

  it('passes on a refused pre-check as the HTTP error it is', async () => {
    standin.injectMigrationFault({
      serverId: 'big-3',
      stage: 'precheck',
      message: 'cmp02 is not on shared storage',
    });
    const err = await cloud.nova.liveMigrate('big-3', { host: 'cmp02' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenStackHttpError);
    expect((err as OpenStackHttpError).serviceMessage).toBe(
      'Migration pre-check error: cmp02 is not on shared storage',
    );
  });

  it('times out a migration that never ends', async () => {
    standin.state.servers.get('big-4')!.taskState = 'migrating';
    const err = await cloud.nova
      .waitForLiveMigration('big-4', { sourceHost: 'cmp01', pollIntervalMs: 10, timeoutMs: 60 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ outcome: 'timeout' });
    standin.state.servers.get('big-4')!.taskState = null;
  });

  it('lists os-migrations, filtered by host', async () => {
    expect(await cloud.nova.listMigrations({ host: 'cmp02' })).toEqual([
      expect.objectContaining({
        instanceUuid: 'vm-x',
        sourceCompute: 'cmp01',
        destCompute: 'cmp02',
        status: 'finished',
      }),
    ]);
    expect(await cloud.nova.listMigrations({ host: 'cmp04' })).toEqual([]);
  });
});

describe('Neutron and Cinder', () => {
  it('lists agents with `alive` from the hosts', async () => {
    stopped.add('cmp02/neutron-openvswitch-agent');
    const agents = await cloud.neutron!.listAgents({ host: 'cmp02' });
    expect(agents).toEqual([
      expect.objectContaining({
        host: 'cmp02',
        agentType: 'Open vSwitch agent',
        alive: false,
        adminStateUp: true,
      }),
    ]);
    expect((await cloud.neutron!.listAgents({ host: 'ctl01' })).map((a) => a.binary).sort()).toEqual([
      'neutron-dhcp-agent',
      'neutron-l3-agent',
      'neutron-metadata-agent',
      'neutron-openvswitch-agent',
    ]);
    stopped.delete('cmp02/neutron-openvswitch-agent');
  });

  it('lists cinder services with their state', async () => {
    stopped.add('ctl01/cinder-volume');
    expect(await cloud.cinder!.listServices({ binary: 'cinder-volume' })).toEqual([
      expect.objectContaining({ host: 'ctl01', status: 'enabled', state: 'down' }),
    ]);
    stopped.delete('ctl01/cinder-volume');
  });
});
