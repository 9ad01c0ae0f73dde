// One file per family of actions; each handler runs its action and can tell, after a crash, whether
// the action already took effect.

import type { ProbeResult, StepResult } from '../../../engine/driver.js';
import type { Action, ActionKind, ActionOf, Step } from '../../../plan/types.js';
import type { RealContext } from '../real-context.js';
import type { StepIO } from '../step-io.js';

export interface ActionHandler<K extends ActionKind> {
  execute(step: Step, action: ActionOf<K>, io: StepIO): Promise<StepResult>;
  probe(step: Step, action: ActionOf<K>, rc: RealContext): Promise<ProbeResult>;
}

export type HandlerTable = { [K in ActionKind]: ActionHandler<K> };

export type AnyAction = Action;
