// The twin's state deltas. Every change to the model is one of these, applied by Cloud.apply at a
// virtual instant; the persistent store logs them, and replaying the log rebuilds the same state and
// the same metrics. An op carries decisions (where an instance went), never derived facts: what follows
// from the state (a network blip, a service turning unhealthy) is recomputed on replay.

import type { ProjectName, ServiceName } from '../../catalog/types.js';
import type { ConfigEdit, Environment } from '../../plan/types.js';

export type CountedMetric = 'rpc_errors' | 'event_errors' | 'db_wait_ms';

export type Op =
  /** Services stop (a data-plane service with instances on the host blips their network). */
  | { op: 'stop'; host: string; services: readonly ServiceName[] }
  /** Services start on their installed code with the host's current config and pins. */
  | { op: 'start'; host: string; services: readonly ServiceName[] }
  | { op: 'install'; host: string; services: readonly ServiceName[]; release: string }
  | { op: 'repo'; host: string; release: string }
  | { op: 'config'; host: string; edits: readonly ConfigEdit[] }
  | { op: 'pin'; host: string; topic: string; level: string | null }
  | { op: 'enable'; host: string; enabled: boolean }
  /** A database's schema moves to `head` (created first when the new deployment's is new). */
  | { op: 'schema'; database: string; project: ProjectName; env: Environment; head: string }
  | { op: 'fix'; database: string; fix: string }
  | { op: 'backup'; host: string; names: readonly string[] }
  /** The first instances of `from` move, run by run, to the named hosts. */
  | {
      op: 'move';
      from: string;
      kind: 'live' | 'cold';
      to: readonly (readonly [host: string, count: number])[];
    }
  /** Every instance on the host ended by itself (drain by waiting). */
  | { op: 'end'; host: string }
  /** The host joins a Nova deployment (a spare brought in, an old compute retargeted). */
  | { op: 'join'; host: string; env: Environment }
  | { op: 'endpoint'; service: 'compute' | 'volume'; region: string; env: Environment; present: boolean }
  /** Decommissioned services: stopped and gone. */
  | { op: 'remove'; host: string; services: readonly ServiceName[] }
  | { op: 'count'; metric: CountedMetric; n: number; sample?: string };
