// What to probe for each API: the version root of its catalog endpoint (`http://api:8774/v2/<tenant>`
// → `http://api:8774/`), which every service answers without a token.

import type { ApiName } from '../drivers/openstack/catalog.js';
import { versionRoot } from '../drivers/openstack/url.js';
import type { ProbeTarget } from './prober.js';

export function probeTargets(endpoints: Partial<Record<ApiName, string>>): ProbeTarget[] {
  return Object.entries(endpoints)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([api, url]) => ({ api, url: versionRoot(url) }));
}
