import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../engine/virtual-clock.js';
import { migrationProgress, waitForMigration } from './live-migration.js';
import type { Server } from './nova-schemas.js';

const server = (o: Partial<Server>): Server => ({
  id: 'vm',
  name: 'vm',
  status: 'ACTIVE',
  tenantId: undefined,
  host: 'src',
  hypervisorHostname: 'src',
  taskState: null,
  vmState: 'active',
  flavorId: undefined,
  fault: undefined,
  ...o,
});

describe('live migration progress', () => {
  it('reads the server: running, done, error, rolled back', () => {
    expect(migrationProgress(server({ status: 'MIGRATING', taskState: 'migrating' }), 'src')).toEqual({
      kind: 'running',
    });
    expect(migrationProgress(server({ host: 'dst' }), 'src')).toEqual({ kind: 'done', host: 'dst' });
    expect(migrationProgress(server({ status: 'ERROR', fault: 'boom' }), 'src')).toEqual({
      kind: 'error',
      status: 'ERROR',
      fault: 'boom',
    });
    expect(migrationProgress(server({}), 'src')).toEqual({ kind: 'rolled-back', fault: undefined });
  });

  it('polls on the clock and gives up at the timeout, in virtual time', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    let polls = 0;
    const get = async () => {
      polls++;
      return server({ status: 'MIGRATING', taskState: 'migrating' });
    };
    const err = await clock
      .run(() =>
        waitForMigration('vm', get, clock, { sourceHost: 'src', pollIntervalMs: 2000, timeoutMs: 60_000 }),
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'MigrationError', outcome: 'timeout' });
    expect((err as Error).message).toBe('live migration of server vm from src did not finish within 60 s');
    expect(clock.now() - start).toBe(60_000);
    expect(polls).toBe(31);
  });

  it('returns the server once it is on another host', async () => {
    const clock = new VirtualClock();
    let polls = 0;
    const get = async () =>
      ++polls < 4 ? server({ status: 'MIGRATING', taskState: 'migrating' }) : server({ host: 'dst' });
    const s = await clock.run(() => waitForMigration('vm', get, clock, { sourceHost: 'src' }));
    expect(s.host).toBe('dst');
    expect(polls).toBe(4);
  });
});
