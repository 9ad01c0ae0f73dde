// Everything the real driver's action handlers share for one run.

import type {
  DistroFamily,
  DistroProfile,
  ReleaseDef,
  ServiceName,
  UpgradePack,
} from '../../catalog/types.js';
import type { Clock } from '../../engine/clock.js';
import type { Redactor } from '../../security/redactor.js';
import type { MysqlCredentials } from '../db/mysql-credentials.js';
import type { RemoteExecutor } from '../ssh/executor.js';
import type { CloudApi } from './cloud-api.js';

export interface RealHost {
  name: string;
  services: readonly ServiceName[];
  spare: boolean;
}

export interface ParallelDeployment {
  /** Its Keystone region (the plan's register-endpoint). */
  region: string;
  /** Its Nova API without the tenant (`http://new1:8774/v2`), as neutron's nova_url wants it. */
  apiUrl: string;
  /** Its database (the plan's db-sync from `empty`). */
  database: string;
  /** The spare host that runs its controller services (and syncs its database). */
  controller: string;
  /** Where the old deployment's `[database] connection` is read, to derive the new one's. */
  connectionFrom: { host: string; file: string };
  /**
   * Its compute endpoint is registered: from then on, checks that name no deployment look at it (the
   * old one is being retired).
   */
  active: boolean;
}

export interface RealContext {
  exec: RemoteExecutor;
  /** The OpenStack APIs; undefined when the run was given no credentials (API actions then fail clearly). */
  cloud: CloudApi | undefined;
  profile: DistroProfile;
  family: DistroFamily;
  from: ReleaseDef;
  to: ReleaseDef;
  pack: UpgradePack;
  runId: string;
  /** Where mysqldump and mysql run. */
  dbHost: string;
  dbCredentials: MysqlCredentials | undefined;
  hosts: ReadonlyMap<string, RealHost>;
  /** The inventory's address of a host, where it gives one (URLs of services on it). */
  addresses: ReadonlyMap<string, string>;
  redactor: Redactor;
  clock: Clock;
  /** Interval of polls (service state, migrations, workloads ending). */
  pollMs: number;
  /**
   * Values config edits look up in the cloud (service tenant id, endpoint URLs), resolved once at the
   * start of the run while the APIs answer: an all-at-once upgrade edits configs while Keystone is down.
   */
  lookups: Map<string, string>;
  /**
   * Services the plan retires (parallel-compute's old Nova), per host: a check that finds them stopped
   * does not count them down.
   */
  retired: Map<string, Set<string>>;
  /** parallel-compute: the new Nova deployment the plan builds beside the old one. */
  parallel?: ParallelDeployment;
  /** Commands run on all hosts at once (reachability, versions). */
  fanOut: number;
}
