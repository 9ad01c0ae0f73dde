// `stackhop init [FILE]`: write the commented example inventory to start from.

import { existsSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { EXAMPLE_INVENTORY } from '../../inventory/example.js';
import { type CommandResult, ok } from '../result.js';
import { writeFileAtomic } from '../write-file.js';

export const DEFAULT_INVENTORY_FILE = 'stackhop.yaml';

export async function init(file: string | undefined, opts: { force?: boolean }): Promise<CommandResult> {
  const target = file ?? DEFAULT_INVENTORY_FILE;
  if (target === '-') return ok(EXAMPLE_INVENTORY);
  if (opts.force !== true && existsSync(target)) {
    throw new InputError(
      { file: target, line: 0, col: 0 },
      '',
      'already exists; stackhop init never overwrites it',
      {
        hint: 'pass --force to replace it, or choose another file name',
      },
    );
  }
  await writeFileAtomic(target, EXAMPLE_INVENTORY, { exclusive: opts.force !== true });
  return ok('', `wrote ${target}: edit the hosts, then run: stackhop validate ${target}\n`);
}
