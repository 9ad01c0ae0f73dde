import { describe, expect, it } from 'vitest';
import { estimatePlan } from './estimate.js';
import type { Action, Step } from './types.js';

const stop: Action = { kind: 'stop-services', services: ['nova-api'] };
const start: Action = { kind: 'start-services', services: ['nova-api'] };
const restart: Action = { kind: 'restart-services', services: ['nova-api'] };

function step(
  id: string,
  host: string,
  action: Action,
  after: string[],
  estimate_s: number,
  extra: Partial<Step> = {},
): Step {
  return { id, phase: 'p', host, action, after, estimate_s, opens: [], closes: [], ...extra };
}

describe('estimatePlan', () => {
  it('counts an API as down only while every backend is down', () => {
    // ctl1 is down 0–110, ctl2 20–130: both are down from 20 to 110.
    const steps = [
      step('a/stop', 'ctl1', stop, [], 10, { opens: ['compute-api'] }),
      step('a/work', 'ctl1', { kind: 'edit-config', project: 'nova', edits: [] }, ['a/stop'], 80),
      step('a/start', 'ctl1', start, ['a/work'], 20, { closes: ['compute-api'] }),
      step('b/wait', 'ctl2', { kind: 'gate', prompt: 'x' }, [], 20),
      step('b/stop', 'ctl2', stop, ['b/wait'], 10, { opens: ['compute-api'] }),
      step('b/work', 'ctl2', { kind: 'edit-config', project: 'nova', edits: [] }, ['b/stop'], 80),
      step('b/start', 'ctl2', start, ['b/work'], 20, { closes: ['compute-api'] }),
    ];
    const e = estimatePlan(steps, new Map([['compute-api', 2]]), 4096);
    expect(e.duration_s).toBe(130);
    expect(e.outages['compute-api']).toBe(90);
  });

  it('costs nothing for restarts of an HA API one controller at a time', () => {
    const steps = [
      step('r1', 'ctl1', restart, [], 25, { opens: ['compute-api'], closes: ['compute-api'] }),
      step('r2', 'ctl2', restart, ['r1'], 25, { opens: ['compute-api'], closes: ['compute-api'] }),
    ];
    const e = estimatePlan(steps, new Map([['compute-api', 2]]), 4096);
    expect(e.outages['compute-api']).toBeUndefined();
    expect(e.duration_s).toBe(50);
  });

  it('sums compute-control windows per host and counts live migrations and the RAM they move', () => {
    const cc = (h: string) => `compute-control:${h}`;
    const steps = [
      step('d1', 'cmp1', { kind: 'drain-compute', mode: 'live-migrate', instances: 3 }, [], 100),
      step('s1', 'cmp1', { kind: 'stop-services', services: ['nova-compute'] }, ['d1'], 10, {
        opens: [cc('cmp1')],
      }),
      step('u1', 'cmp1', { kind: 'start-services', services: ['nova-compute'] }, ['s1'], 20, {
        closes: [cc('cmp1')],
      }),
      step('s2', 'cmp2', { kind: 'stop-services', services: ['nova-compute'] }, [], 10, {
        opens: [cc('cmp2')],
      }),
      step('u2', 'cmp2', { kind: 'start-services', services: ['nova-compute'] }, ['s2'], 50, {
        closes: [cc('cmp2')],
      }),
    ];
    const e = estimatePlan(steps, new Map(), 2048);
    expect(e.compute_control).toEqual({ hosts: 2, host_seconds: 90, longest_s: 60 });
    expect(e.migrations).toEqual({ live: 3, cold: 0, gb_moved: 6 });
  });
});
