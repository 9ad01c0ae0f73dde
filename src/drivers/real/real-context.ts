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
  redactor: Redactor;
  clock: Clock;
  /** Interval of polls (service state, migrations, workloads ending). */
  pollMs: number;
  /**
   * Values config edits look up in the cloud (service tenant id, endpoint URLs), resolved once at the
   * start of the run while the APIs answer: an all-at-once upgrade edits configs while Keystone is down.
   */
  lookups: Map<string, string>;
  /** Commands run on all hosts at once (reachability, versions). */
  fanOut: number;
}
