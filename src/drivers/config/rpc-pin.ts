// The set-rpc-pin / clear-rpc-pin actions as ordinary edits of nova.conf `[upgrade_levels]`, so the
// driver writes pins through the same code, probe and error path as the catalog's edits.

import type { ConfigEditOp } from '../../catalog/types.js';

export const UPGRADE_LEVELS = 'upgrade_levels';

export function setRpcPinOps(service: string, level: string): ConfigEditOp[] {
  return [{ op: 'set', section: UPGRADE_LEVELS, key: service, value: { literal: level } }];
}

/** Unset rather than set to the new release: without a pin the client sends its newest version. */
export function clearRpcPinOps(service: string): ConfigEditOp[] {
  return [{ op: 'unset', section: UPGRADE_LEVELS, key: service }];
}
