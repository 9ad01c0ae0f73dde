// The risks the seed names for each scenario, made concrete with the rehearsal's own numbers.

import type { ScenarioId } from '../catalog/types.js';
import { formatDuration } from '../plan/render/duration.js';
import type { ScenarioMeasure } from './types.js';

export function risksOf(scenario: ScenarioId, m: ScenarioMeasure): string[] {
  switch (scenario) {
    case 'all-at-once':
      return [
        'every service is down at once for the whole upgrade, database migrations included (seed, scenario 1)',
      ];
    case 'service-by-service':
      return [
        `the Nova API and every compute are interrupted together (seed, scenario 2): ${m.compute_stopped.most_at_once} computes stopped at once`,
      ];
    case 'parallel-compute':
      return [
        `needs ${m.extra_hosts} extra hosts for the new Nova environment (seed, scenario 3)`,
        'old computes are drained by waiting for their workloads to end: the duration follows instance lifetimes, not the plan',
      ];
    case 'live-compute':
      return [
        'the RPC-pinned live compute upgrade is new in Icehouse and less tested than the rest (seed, scenario 4)',
        `Havana and Icehouse Nova services run side by side for ${formatDuration(m.mixed_version_s)} (needs Havana computes ≥ 2013.2.2)`,
      ];
  }
}
