// The plan contract (DESIGN §4): pure data, the same JSON is reviewed, checked, rehearsed, run,
// journaled and reported. Field names are snake_case because they are the JSON format.

import type {
  ConfigEditOp,
  ConfigFormat,
  DistroId,
  Networking,
  PreSyncFix,
  ProjectName,
  ScenarioId,
  ServiceName,
} from '../catalog/types.js';
import type { DrainMode, Policy } from '../inventory/types.js';

export const PLAN_FORMAT = 'stackhop.plan/v1';

/** The pseudo-host of steps that act through the cloud's APIs rather than on one machine. */
export const CLOUD = '@cloud';

const COMPUTE_CONTROL = 'compute-control:';

/** The outage of one hypervisor's control plane: its nova-compute is down, its instances unmanaged. */
export function computeControl(host: string): string {
  return `${COMPUTE_CONTROL}${host}`;
}

export function isComputeControl(outage: string): boolean {
  return outage.startsWith(COMPUTE_CONTROL);
}

/** Which Nova deployment a step acts on; `new` only exists in parallel-compute. */
export type Environment = 'old' | 'new';

export interface ConfigEdit {
  /** Catalog id of the edit, so a reviewer can look up its reason. */
  id: string;
  file: string;
  format: ConfigFormat;
  ops: readonly ConfigEditOp[];
}

export type VerifyCheck =
  | { check: 'hosts-reachable' }
  | { check: 'services-up'; services?: readonly ServiceName[]; env?: Environment }
  /** These services (every OpenStack service when absent) are stopped on these hosts (everywhere when absent). */
  | { check: 'services-down'; services?: readonly ServiceName[]; hosts?: readonly string[] }
  | { check: 'min-version'; service: ServiceName; version: string }
  | { check: 'free-disk'; path: string; bytes: number }
  | { check: 'no-error-instances' }
  | { check: 'schema-head'; project: ProjectName; head: string; database?: string }
  /** Room for `instances` in `env`, not counting `hosts` (the batch about to be disabled). */
  | { check: 'capacity'; env: Environment; instances: number; ram_mb: number; hosts?: readonly string[] }
  | { check: 'api'; api: string; env?: Environment }
  | { check: 'smoke-boot'; env?: Environment }
  | { check: 'host-empty' };

export type Action =
  | { kind: 'backup-database'; databases: readonly string[] }
  | { kind: 'backup-config'; paths: readonly string[] }
  | { kind: 'switch-repository'; release: string; remove: readonly string[]; add: readonly string[] }
  | {
      kind: 'upgrade-packages';
      services: readonly ServiceName[];
      packages: readonly string[];
      release: string;
      /** A full distribution upgrade of the host (final clean-up), not only these services' packages. */
      full?: boolean;
      /**
       * `candidate` (point-release packs): done when every package is at the candidate version of the
       * host's repositories, since upstream versions do not change within a release. Default: the
       * packages' upstream versions belong to `release`.
       */
      target?: 'candidate';
    }
  | { kind: 'stop-services'; services: readonly ServiceName[] }
  | { kind: 'start-services'; services: readonly ServiceName[] }
  | { kind: 'restart-services'; services: readonly ServiceName[] }
  | { kind: 'edit-config'; project: ProjectName; edits: readonly ConfigEdit[]; install?: readonly string[] }
  | { kind: 'pre-sync'; project: ProjectName; fix: PreSyncFix; tables?: readonly string[] }
  | { kind: 'db-sync'; project: ProjectName; database: string; from_head: string; to_head: string }
  | { kind: 'set-rpc-pin'; service: string; level: string }
  | { kind: 'clear-rpc-pin'; service: string; level: string }
  | { kind: 'disable-compute'; reason: string }
  | { kind: 'enable-compute' }
  | {
      kind: 'drain-compute';
      mode: Exclude<DrainMode, 'none'>;
      instances: number;
      /**
       * cold-migrate into another region (parallel-compute): snapshot, boot from it in the new region,
       * move the floating IPs, delete the original — a cross-deployment redeploy, not `nova migrate`.
       */
      to_region?: string;
    }
  | { kind: 'wait-services'; services: readonly ServiceName[] }
  | { kind: 'verify'; checks: readonly VerifyCheck[] }
  | { kind: 'gate'; prompt: string }
  | { kind: 'register-endpoint'; service: 'compute' | 'volume'; region: string }
  | { kind: 'retarget-compute'; region: string }
  /** Rollback: the /etc archives and file copies a run made on this host, put back. */
  | { kind: 'restore-config'; run: string }
  /** Rollback: the dumps a run made, restored (checksums verified first); heads they hold. */
  | {
      kind: 'restore-database';
      run: string;
      databases: readonly { project: ProjectName; database: string; head: string }[];
    }
  /** Rollback: every package a run upgraded on this host back to the version it had before. */
  | { kind: 'downgrade-packages'; run: string; release: string; services: readonly ServiceName[] }
  | {
      kind: 'decommission';
      services: readonly ServiceName[];
      /** Catalog endpoints removed with them (the old region's compute endpoint). */
      endpoints?: readonly { service: 'compute'; region: string }[];
    };

export type ActionKind = Action['kind'];
export type ActionOf<K extends ActionKind> = Extract<Action, { kind: K }>;

export interface Step {
  /** `<phase>/<host>/<name>`: stable across runs of the planner on the same input. */
  id: string;
  phase: string;
  host: string;
  action: Action;
  /** Steps that must have succeeded before this one starts. */
  after: readonly string[];
  estimate_s: number;
  /** Outages this step opens (for its host's share of an API) and closes. */
  opens: readonly string[];
  closes: readonly string[];
  /** Nova deployment the step acts on (parallel-compute); absent means the cloud's only one. */
  env?: Environment;
  /** Compute batch number (1-based) in rolling phases. */
  batch?: number;
  /** Cannot be undone by rollback short of restoring the DB backup. */
  irreversible?: boolean;
}

export interface Phase {
  id: string;
  title: string;
}

export interface PlanWarning {
  id: string;
  text: string;
  steps?: readonly string[];
}

export interface PlanEstimate {
  /** Critical path through the DAG with every step at its estimate. */
  duration_s: number;
  /** Per API: seconds during which every backend of it is down. */
  outages: Readonly<Record<string, number>>;
  compute_control: { hosts: number; host_seconds: number; longest_s: number };
  migrations: { live: number; cold: number; gb_moved: number };
}

export interface Plan {
  format: typeof PLAN_FORMAT;
  cloud: string;
  scenario: ScenarioId;
  from: string;
  to: string;
  distro: DistroId;
  networking: Networking;
  policy: Policy;
  phases: readonly Phase[];
  steps: readonly Step[];
  warnings: readonly PlanWarning[];
  estimate: PlanEstimate;
}
