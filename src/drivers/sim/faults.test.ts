import { describe, expect, it } from 'vitest';
import type { Step } from '../../plan/types.js';
import { faultFor, parseFault } from './faults.js';

const step = (id: string, host: string, kind: 'upgrade-packages' | 'drain-compute'): Step =>
  ({
    id,
    phase: 'p',
    host,
    action:
      kind === 'upgrade-packages'
        ? { kind, services: ['nova-compute'], packages: [], release: 'icehouse' }
        : { kind, mode: 'live-migrate', instances: 1 },
    after: [],
    estimate_s: 1,
    opens: [],
    closes: [],
  }) as Step;

describe('parseFault', () => {
  it('reads host:action:kind', () => {
    expect(parseFault('cmp003:upgrade-packages:fail')).toEqual({
      host: 'cmp003',
      action: 'upgrade-packages',
      kind: 'fail',
    });
    expect(parseFault('*:drain:slow')).toEqual({ host: '*', action: 'drain', kind: 'slow' });
  });

  it('names the bad part', () => {
    expect(() => parseFault('cmp003:fail')).toThrow(/expected host:action:kind.*got 2 part/);
    expect(() => parseFault(':drain:fail')).toThrow(/host part is empty/);
    expect(() => parseFault('cmp003::fail')).toThrow(/action part is empty/);
    expect(() => parseFault('cmp003:drain:explode')).toThrow(/kind "explode" is not one of fail, hang, slow/);
  });

  it('matches the host and the action kind or the step name', () => {
    const up = step('computes/cmp003/full-upgrade', 'cmp003', 'upgrade-packages');
    const drain = step('computes/cmp003/drain', 'cmp003', 'drain-compute');
    expect(faultFor([parseFault('cmp003:upgrade-packages:fail')], up)?.kind).toBe('fail');
    expect(faultFor([parseFault('cmp003:full-upgrade:hang')], up)?.kind).toBe('hang');
    expect(faultFor([parseFault('cmp003:drain:slow')], up)).toBeUndefined();
    expect(faultFor([parseFault('cmp004:drain:slow')], drain)).toBeUndefined();
    expect(faultFor([parseFault('*:drain:slow')], drain)?.kind).toBe('slow');
  });
});
