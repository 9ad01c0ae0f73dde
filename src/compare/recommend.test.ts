import { describe, expect, it } from 'vitest';
import type { ScenarioId } from '../catalog/types.js';
import { recommend } from './recommend.js';
import type { ScenarioMeasure, ScenarioOutcome } from './types.js';

function measure(over: Partial<ScenarioMeasure> = {}): ScenarioMeasure {
  return {
    duration_s: 3600,
    api_downtime_s: { 'compute-api': 600 },
    compute_control: { hosts: 10, host_seconds: 6000, longest_s: 600, most_at_once: 10 },
    compute_stopped: { hosts: 10, host_seconds: 6000, longest_s: 600, most_at_once: 10 },
    workload_interruptions: 0,
    instances_lost: 0,
    live_migrations: 0,
    cold_migrations: 0,
    gb_moved: 0,
    extra_hosts: 0,
    mixed_version_s: 0,
    nova_db_wait_s: 0,
    rpc_errors: 0,
    event_errors: 0,
    not_on_target: [],
    ...over,
  };
}

function ok(scenario: ScenarioId, m: Partial<ScenarioMeasure>, status = 'succeeded'): ScenarioOutcome {
  return { scenario, feasible: true, status, measure: measure(m), steps: 10, risks: [`${scenario} risk`] };
}

describe('recommend', () => {
  const outcomes: ScenarioOutcome[] = [
    ok('all-at-once', { api_downtime_s: { 'compute-api': 7200, 'identity-api': 7200 }, duration_s: 7200 }),
    ok('service-by-service', { api_downtime_s: { 'compute-api': 3000, 'identity-api': 300 } }),
    ok('parallel-compute', { api_downtime_s: { 'compute-api': 120 }, extra_hosts: 3, duration_s: 86_400 }),
    ok('live-compute', { api_downtime_s: { 'compute-api': 900 }, duration_s: 14_400 }),
  ];

  it('ranks by the longest API outage first and explains every verdict', () => {
    const c = recommend('east', 1, outcomes, {}, 5);
    expect(c.recommended).toBe('parallel-compute');
    expect(c.verdicts.map((v) => [v.scenario, v.rank])).toEqual([
      ['all-at-once', 4],
      ['service-by-service', 3],
      ['parallel-compute', 1],
      ['live-compute', 2],
    ]);
    expect(c.summary).toMatch(
      /^Recommended: parallel-compute\. Its longest API outage is 2 min \(compute-api\), it needs 3 extra hosts/,
    );
    expect(c.verdicts.every((v) => v.because.length > 0)).toBe(true);
  });

  it('excludes what breaks a constraint, saying which and by how much', () => {
    const c = recommend(
      'east',
      1,
      outcomes,
      { spareHosts: 0, window_s: 6 * 3600, maxApiDowntime_s: 1800 },
      5,
    );
    expect(c.recommended).toBe('live-compute');
    const why = Object.fromEntries(c.verdicts.map((v) => [v.scenario, v.because.join('; ')]));
    expect(why['parallel-compute']).toMatch(/needs 3 extra hosts, 0 available/);
    expect(why['parallel-compute']).toMatch(/takes 1 d 00 h, longer than the 6 h 00 min window/);
    expect(why['all-at-once']).toMatch(/compute-api down 2 h 00 min, over the allowed 30 min/);
    expect(why['service-by-service']).toMatch(/compute-api down 50 min/);
  });

  it('never recommends a scenario whose rehearsal broke something', () => {
    const broken = [
      ok('live-compute', { api_downtime_s: {}, rpc_errors: 4 }),
      ok('parallel-compute', { instances_lost: 1 }),
      ok('service-by-service', {}, 'stopped'),
      { scenario: 'all-at-once' as const, feasible: false as const, reason: 'no controller' },
    ];
    const c = recommend('east', 1, broken, {}, 5);
    expect(c.recommended).toBeUndefined();
    expect(c.summary).toMatch(/^No scenario meets the constraints/);
    const why = c.verdicts.map((v) => v.because.join('; '));
    expect(why).toEqual([
      '4 RPC errors in rehearsal',
      '1 instances lost in rehearsal',
      'the rehearsal ended stopped',
      'cannot be planned: no controller',
    ]);
  });
});
