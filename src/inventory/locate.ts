// Errors about an inventory found after loading (by a planner) still name the file, line and field.

import { InputError } from '../errors.js';
import type { Inventory } from './types.js';

export function inventoryError(
  inventory: Pick<Inventory, 'file' | 'positions'>,
  field: string,
  message: string,
  opts: { hint?: string } = {},
): InputError {
  // The field itself, else its nearest parent the file has (a missing key sits under its parent).
  const parts = field.split('.');
  let at: { line: number; col: number } | undefined;
  for (let n = parts.length; n > 0 && at === undefined; n--)
    at = inventory.positions[parts.slice(0, n).join('.')];
  return new InputError(
    { file: inventory.file, line: at?.line ?? 0, col: at?.col ?? 0 },
    field,
    message,
    opts,
  );
}
