// The checker's public contract: what it needs to know beyond the plan, and what it reports.

import type { ServiceDef, UpgradePack } from '../../catalog/types.js';
import type { Host } from '../../inventory/types.js';

export interface CheckContext {
  /** Catalog lookup of a logical service (project, dbAccess, computeSide). */
  services: (name: string) => ServiceDef;
  pack: UpgradePack;
  hosts: readonly Host[];
  spareHosts: readonly Host[];
  /**
   * Services that carry instance traffic and read no `[upgrade_levels]` pin (nova-network): a pin
   * change needs no restart of them, and restarting one would cut its instances' network.
   */
  dataPlane?: readonly string[];
}

export interface Violation {
  /** Stable invariant id, e.g. `db.stopped-during-sync` (DESIGN §5). */
  invariant: string;
  message: string;
  /** The step ids that show the problem, most relevant first. */
  steps: readonly string[];
}

export interface CheckResult {
  ok: boolean;
  violations: readonly Violation[];
  /**
   * Violations not listed because their invariant already reported its cap, per invariant id: at least
   * this many (costly checks stop counting soon after the cap).
   */
  suppressed: Readonly<Record<string, number>>;
}

export interface CheckOptions {
  /** Violations listed per invariant (default 20): a broken 10,000-compute plan must still finish fast. */
  maxPerInvariant?: number;
}
