import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Standin, startStandin } from '../../test/support/openstack-standin/index.js';
import { openCloud } from '../drivers/openstack/cloud.js';
import { authFromEnv } from '../drivers/openstack/env.js';
import { realClock } from '../engine/clock.js';
import { VirtualClock } from '../engine/virtual-clock.js';
import type { Check } from './check.js';
import { ApiProber } from './prober.js';
import { probeTargets } from './targets.js';

describe('ApiProber on a virtual clock', () => {
  it('measures an outage to the probe interval, and a hung API as down by timeout', async () => {
    const clock = new VirtualClock();
    const t0 = clock.now();
    const check: Check = (url, signal) => {
      const t = clock.now() - t0;
      if (url === 'hung')
        return new Promise((resolve) =>
          signal.addEventListener('abort', () => resolve({ up: false, error: 'aborted' })),
        );
      return Promise.resolve(t >= 3000 && t < 6000 ? { up: false, status: 503 } : { up: true, status: 300 });
    };
    const seen: string[] = [];
    const prober = new ApiProber(
      [
        { api: 'compute-api', url: 'nova' },
        { api: 'image-api', url: 'hung' },
      ],
      { clock, check, intervalMs: 1000, timeoutMs: 3000, onSample: (s) => seen.push(s.api) },
    );
    await clock.run(async () => {
      prober.start();
      await clock.sleep(10_500);
      await prober.stop();
    });
    const d = prober.downtime();
    expect(d['compute-api']).toEqual({
      downSeconds: 3,
      intervals: [{ start: t0 + 3000, end: t0 + 6000, open: false }],
      samples: 11,
      downSamples: 3,
    });
    // Probes at 0, 3 and 6 s, each timing out after 3 s (the one sent at 9 s is cut short by the stop
    // and says nothing); down until the stop at 10.5 s.
    expect(
      prober
        .samples()
        .filter((s) => s.api === 'image-api')
        .map((s) => [s.at - t0, s.error]),
    ).toEqual([
      [0, 'timeout'],
      [3000, 'timeout'],
      [6000, 'timeout'],
    ]);
    expect(d['image-api']).toMatchObject({
      downSeconds: 10.5,
      intervals: [{ start: t0, end: t0 + 10_500, open: true }],
    });
    expect(seen).toHaveLength(14);
    expect(prober.window).toEqual({ start: t0, end: t0 + 10_500 });
  });

  it('refuses a second start and tolerates a second stop', async () => {
    const clock = new VirtualClock();
    const prober = new ApiProber([{ api: 'a', url: 'x' }], { clock, check: async () => ({ up: true }) });
    await clock.run(async () => {
      prober.start();
      expect(() => prober.start()).toThrow(/already started/);
      await clock.sleep(1500);
      await prober.stop();
      await prober.stop();
    });
    expect(prober.running).toBe(false);
    expect(prober.samples()).toHaveLength(2);
  });
});

describe('ApiProber over HTTP', () => {
  let standin: Standin;
  beforeAll(async () => {
    standin = await startStandin();
  });
  afterAll(async () => {
    await standin.close();
  });

  it('measures the window in which the stand-in answered 503 for one API', async () => {
    const cloud = await openCloud(authFromEnv(standin.env('3')));
    const targets = probeTargets(cloud.endpoints());
    cloud.close();
    expect(targets.find((t) => t.api === 'compute-api')?.url).toBe(`${standin.origin}/compute/`);
    const prober = new ApiProber(targets, { intervalMs: 20, timeoutMs: 1000 });
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    prober.start();
    await wait(150);
    const downAt = Date.now();
    standin.setUnavailable('image', true);
    await wait(300);
    standin.setUnavailable('image', false);
    const upAt = Date.now();
    await wait(150);
    await prober.stop();
    const d = prober.downtime();
    expect(Object.keys(d).sort()).toEqual([
      'compute-api',
      'identity-api',
      'image-api',
      'network-api',
      'orchestration-api',
      'telemetry-api',
      'volume-api',
    ]);
    for (const [api, r] of Object.entries(d)) {
      expect(r.samples, api).toBeGreaterThan(10);
      if (api !== 'image-api') expect(r.downSeconds, api).toBe(0);
    }
    const image = d['image-api']!;
    expect(image.intervals).toHaveLength(1);
    const [iv] = image.intervals;
    // Within one probe interval (plus scheduling slack) of when the switch was flipped.
    expect(Math.abs(iv!.start - downAt)).toBeLessThan(150);
    expect(Math.abs(iv!.end - upAt)).toBeLessThan(150);
    expect(image.downSeconds).toBeGreaterThan(0.15);
    expect(image.downSeconds).toBeLessThan(0.6);
    expect(prober.samples().find((s) => s.api === 'image-api' && !s.up)?.status).toBe(503);
  });

  it('counts a refused connection as down', async () => {
    const gone = await startStandin();
    const url = `${gone.origin}/compute/`;
    await gone.close();
    const prober = new ApiProber([{ api: 'compute-api', url }], { intervalMs: 20 });
    prober.start();
    await new Promise((r) => setTimeout(r, 60));
    await prober.stop();
    expect(prober.samples()[0]).toMatchObject({ up: false, error: 'ECONNREFUSED' });
  });

  it('leaves no timer running after stop', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const slow: Check = (_url, signal) =>
      new Promise((resolve) => {
        const t = setTimeout(() => resolve({ up: true }), 5);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve({ up: false, error: 'aborted' });
        });
      });
    const prober = new ApiProber(
      [
        { api: 'a', url: 'a' },
        { api: 'b', url: 'b' },
      ],
      { clock: realClock, intervalMs: 10, timeoutMs: 50, check: slow },
    );
    prober.start();
    await new Promise((r) => setTimeout(r, 55));
    expect(timers()).toBeGreaterThan(before);
    await prober.stop();
    // Other suites' timers may have ended meanwhile; none of the prober's may remain.
    expect(timers()).toBeLessThanOrEqual(before);
    expect(prober.samples().length).toBeGreaterThan(4);
  });
});
