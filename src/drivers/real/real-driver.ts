// The Driver of real runs: each step's action goes to its handler (actions/), which acts on hosts over
// SSH and on the cloud through the OpenStack APIs. The engine cannot tell it from the twin.

import type { ComputeStatus, Driver, ProbeResult, StepContext, StepResult } from '../../engine/driver.js';
import type { ActionKind, Environment, Step } from '../../plan/types.js';
import { cloudOf, disableCompute, drainCompute, enableCompute } from './actions/compute.js';
import { backupConfig, clearRpcPin, editConfig, setRpcPin } from './actions/config.js';
import { backupDatabaseHandler, dbSync, preSync } from './actions/database.js';
import { switchRepository, upgradePackages } from './actions/packages.js';
import { decommission, registerEndpoint, retargetCompute } from './actions/parallel.js';
import { downgradePackages, restoreConfig, restoreDatabaseHandler } from './actions/rollback.js';
import { restartServices, startServices, stopServices, waitServices } from './actions/services.js';
import type { ActionHandler, HandlerTable } from './actions/types.js';
import { verify } from './actions/verify.js';
import type { RealContext } from './real-context.js';
import { StepIO } from './step-io.js';

const gate: ActionHandler<'gate'> = {
  // The engine asks the operator itself; a gate never reaches a driver.
  execute: async () => ({ summary: 'approved' }),
  probe: async () => 'not-done',
};

const HANDLERS: HandlerTable = {
  'backup-database': backupDatabaseHandler,
  'backup-config': backupConfig,
  'switch-repository': switchRepository,
  'upgrade-packages': upgradePackages,
  'stop-services': stopServices,
  'start-services': startServices,
  'restart-services': restartServices,
  'edit-config': editConfig,
  'pre-sync': preSync,
  'db-sync': dbSync,
  'set-rpc-pin': setRpcPin,
  'clear-rpc-pin': clearRpcPin,
  'disable-compute': disableCompute,
  'enable-compute': enableCompute,
  'drain-compute': drainCompute,
  'wait-services': waitServices,
  verify,
  gate,
  'register-endpoint': registerEndpoint,
  'retarget-compute': retargetCompute,
  decommission,
  'restore-config': restoreConfig,
  'restore-database': restoreDatabaseHandler,
  'downgrade-packages': downgradePackages,
};

function handlerOf<K extends ActionKind>(kind: K): ActionHandler<K> {
  return HANDLERS[kind] as ActionHandler<K>;
}

export class RealDriver implements Driver {
  readonly kind = 'real';

  constructor(readonly rc: RealContext) {}

  async execute(step: Step, ctx: StepContext): Promise<StepResult> {
    const io = new StepIO(this.rc, ctx);
    try {
      const result = await handlerOf(step.action.kind).execute(step, step.action as never, io);
      return result.summary === undefined ? result : { summary: this.rc.redactor.redact(result.summary) };
    } catch (err) {
      throw io.failure(err);
    }
  }

  async probe(step: Step): Promise<ProbeResult> {
    try {
      return await handlerOf(step.action.kind).probe(step, step.action as never, this.rc);
    } catch {
      // A host we cannot ask right now: the step runs again, which every handler allows.
      return 'unknown';
    }
  }

  async computeStatus(host: string, env?: Environment): Promise<ComputeStatus | undefined> {
    if (this.rc.cloud === undefined) return undefined;
    const cloud = await cloudOf(this.rc, host, env);
    const s = (await cloud.compute.services({ host, binary: 'nova-compute' })).find((x) => x.host === host);
    return s === undefined ? undefined : { up: s.up, enabled: s.enabled };
  }

  async close(): Promise<void> {
    await Promise.all([this.rc.exec.close(), this.rc.cloud?.close()]);
  }
}
