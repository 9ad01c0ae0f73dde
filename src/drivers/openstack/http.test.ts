import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Standin, startStandin } from '../../../test/support/openstack-standin/index.js';
import { realClock } from '../../engine/clock.js';
import { type Cloud, openCloud } from './cloud.js';
import { authFromEnv } from './env.js';
import { OpenStackConnectionError, OpenStackHttpError } from './errors.js';
import { HttpClient } from './http.js';
import { instantClock } from './testing.js';

let standin: Standin;
let cloud: Cloud;
let clock: ReturnType<typeof instantClock>;

beforeAll(async () => {
  standin = await startStandin({ computes: ['cmp01', 'cmp02'], servers: [{ id: 'vm-1', host: 'cmp01' }] });
});
afterAll(async () => {
  await standin.close();
});
const open = async (retry?: { attempts: number }) => {
  clock = instantClock();
  cloud = await openCloud(authFromEnv(standin.env('3')), {
    clock,
    random: () => 0.5,
    ...(retry ? { retry } : {}),
  });
};
afterEach(() => {
  cloud?.close();
  for (const api of ['compute', 'identity'] as const) {
    standin.failNext(api, 0);
    standin.setDelay(api, 0);
  }
});

const novaCalls = (path: string) =>
  standin.requests.filter((r) => r.api === 'compute' && r.path.includes(path)).length;

describe('the request layer, over HTTP', () => {
  it('retries a 503 with growing, jittered delays, then succeeds', async () => {
    await open();
    const before = novaCalls('os-services');
    standin.failNext('compute', 2);
    expect(await cloud.nova.listServices({ host: 'cmp01' })).toHaveLength(1);
    expect(novaCalls('os-services') - before).toBe(3);
    // base 500 ms, equal jitter at random() = 0.5: 375 ms, then 750 ms.
    expect(clock.slept).toEqual([375, 750]);
  });

  it('gives up after the configured attempts with an error naming the request, not its query', async () => {
    await open({ attempts: 3 });
    standin.failNext('compute', 10);
    const err = await cloud.nova.listServices({ host: 'cmp01' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenStackHttpError);
    const e = err as OpenStackHttpError;
    expect(e.status).toBe(503);
    expect(e.attempts).toBe(3);
    expect(e.method).toBe('GET');
    expect(e.url).toBe(`${standin.origin}/compute/v2/${standin.state.projectId}/os-services`);
    expect(e.message).toBe(
      `GET ${e.url}: HTTP 503 after 3 attempts: <html><body><h1>503 Service Unavailable</h1> No server is available to handle this request. </body></html>`,
    );
    expect(e.message).not.toContain('host=');
    expect(clock.slept).toHaveLength(2);
  });

  it('does not retry 501 Not Implemented, nor a 4xx, and quotes the service message', async () => {
    await open();
    standin.failNext('compute', 1, 501);
    await expect(cloud.nova.listHypervisors()).rejects.toMatchObject({ status: 501, attempts: 1 });
    const missing = await cloud.nova.getServer('no-such-server').catch((e: unknown) => e);
    expect(missing).toMatchObject({
      status: 404,
      attempts: 1,
      serviceMessage: 'Instance could not be found',
    });
    expect(clock.slept).toEqual([]);
  });

  it('retries a POST on 503 (not processed) but not on 502 (it may have been)', async () => {
    await open();
    standin.failNext('compute', 1, 502);
    await expect(cloud.nova.liveMigrate('vm-1', { host: 'cmp02' })).rejects.toMatchObject({
      status: 502,
      attempts: 1,
    });
    standin.failNext('compute', 1, 503);
    await cloud.nova.liveMigrate('vm-1', { host: 'cmp02' });
    expect(clock.slept).toHaveLength(1);
    await cloud.nova.waitForLiveMigration('vm-1', { sourceHost: 'cmp01', pollIntervalMs: 5 });
  });

  it('retries Keystone token requests like a GET', async () => {
    standin.failNext('identity', 1, 502);
    await open();
    expect(clock.slept).toHaveLength(1);
  });

  it('retries a refused connection and then says so', async () => {
    const port = await freePort();
    const c = instantClock();
    const http = new HttpClient({ clock: c, retry: { attempts: 3 } });
    const err = await http
      .send({ method: 'GET', url: `http://127.0.0.1:${port}/v2/x?secret=1` })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenStackConnectionError);
    expect((err as OpenStackConnectionError).reason).toBe('ECONNREFUSED');
    expect((err as Error).message).toBe(
      `GET http://127.0.0.1:${port}/v2/x: no response (ECONNREFUSED) after 3 attempts`,
    );
    expect(c.slept).toHaveLength(2);
  });

  it('times out a slow answer and retries it (idempotent)', async () => {
    clock = instantClock();
    cloud = await openCloud(authFromEnv(standin.env('3')), { clock, timeoutMs: 100, retry: { attempts: 2 } });
    standin.setDelay('compute', 1000);
    const err = await cloud.nova.listServices().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenStackConnectionError);
    expect(err).toMatchObject({ reason: 'TIMEOUT', attempts: 2 });
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    const port = await freePort();
    const http = new HttpClient({ clock: realClock, retry: { attempts: 5, baseDelayMs: 60_000 } });
    const ctl = new AbortController();
    const started = Date.now();
    setTimeout(() => ctl.abort(new Error('operator pressed Ctrl-C')), 50);
    await expect(
      http.send({ method: 'GET', url: `http://127.0.0.1:${port}/`, signal: ctl.signal }),
    ).rejects.toThrow('operator pressed Ctrl-C');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('closing the cloud aborts calls in flight', async () => {
    await open();
    standin.setDelay('compute', 2000);
    const call = cloud.nova.listServices();
    setTimeout(() => cloud.close(), 30);
    await expect(call).rejects.toThrow('the OpenStack connection was closed');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
