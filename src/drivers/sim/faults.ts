// Injected faults: `host:action:kind`, e.g. `cmp003:upgrade-packages:fail`. `action` is an action kind
// (`upgrade-packages`) or a step name, the last segment of a step id (`drain`, `start-compute`); host `*`
// matches every host. A fault holds on every attempt: retrying does not clear it.

import type { Step } from '../../plan/types.js';

export type FaultKind = 'fail' | 'hang' | 'slow';
export const FAULT_KINDS: readonly FaultKind[] = ['fail', 'hang', 'slow'];

export interface Fault {
  host: string;
  action: string;
  kind: FaultKind;
}

/** `slow` stretches the step's duration by this factor. */
export const SLOW_FACTOR = 5;
/** `fail` fails the step after this share of its duration: part of the work was done, then it broke. */
export const FAIL_AFTER_SHARE = 0.5;

export function parseFault(text: string): Fault {
  const parts = text.split(':');
  if (parts.length !== 3) {
    throw new Error(
      `bad fault "${text}": expected host:action:kind (e.g. cmp003:upgrade-packages:fail), got ${parts.length} part(s)`,
    );
  }
  const [host, action, kind] = parts as [string, string, string];
  if (host.trim() === '') throw new Error(`bad fault "${text}": the host part is empty`);
  if (action.trim() === '') throw new Error(`bad fault "${text}": the action part is empty`);
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`bad fault "${text}": the kind "${kind}" is not one of ${FAULT_KINDS.join(', ')}`);
  }
  return { host: host.trim(), action: action.trim(), kind: kind as FaultKind };
}

/** The last segment of a step id: `computes/cmp001/drain` → `drain`. */
export function stepName(step: Step): string {
  const i = step.id.lastIndexOf('/');
  return i < 0 ? step.id : step.id.slice(i + 1);
}

export function faultFor(faults: readonly Fault[], step: Step): Fault | undefined {
  const name = stepName(step);
  return faults.find(
    (f) => (f.host === '*' || f.host === step.host) && (f.action === step.action.kind || f.action === name),
  );
}

export function describeFault(f: Fault): string {
  return `${f.host}:${f.action}:${f.kind}`;
}
