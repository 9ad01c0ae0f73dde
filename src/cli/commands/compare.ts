// `stackhop compare FILE`: the four scenarios rehearsed side by side, with a recommendation.

import { CATALOG } from '../../catalog/index.js';
import { compareScenarios } from '../../compare/compare.js';
import { parseDuration } from '../../compare/parse-duration.js';
import { renderComparison } from '../../compare/render.js';
import type { Constraints } from '../../compare/types.js';
import { EXIT_BAD_INPUT, StackhopError } from '../../errors.js';
import { parseInventory } from '../../inventory/load.js';
import { type CommandResult, ok } from '../result.js';
import { readInventoryText } from './rehearse.js';

export interface CompareOptions {
  seed: number;
  maxApiDowntime?: string;
  spareHosts?: string;
  window?: string;
  json: boolean;
}

export function constraintsFrom(opts: CompareOptions): Constraints {
  const c: Constraints = {};
  if (opts.maxApiDowntime !== undefined)
    c.maxApiDowntime_s = parseDuration(opts.maxApiDowntime, '--max-api-downtime');
  if (opts.window !== undefined) c.window_s = parseDuration(opts.window, '--window');
  if (opts.spareHosts !== undefined) {
    if (!/^\d+$/.test(opts.spareHosts)) {
      throw new StackhopError('ERR_USAGE', `--spare-hosts: "${opts.spareHosts}" is not a whole number`, {
        exitCode: EXIT_BAD_INPUT,
      });
    }
    c.spareHosts = Number(opts.spareHosts);
  }
  return c;
}

export async function compare(file: string, opts: CompareOptions): Promise<CommandResult> {
  const constraints = constraintsFrom(opts);
  const text = await readInventoryText(file);
  const inventory = parseInventory(text, file, CATALOG);
  const comparison = await compareScenarios({
    inventory,
    inventoryText: text,
    catalog: CATALOG,
    seed: opts.seed,
    constraints,
  });
  return ok(opts.json ? `${JSON.stringify(comparison, null, 2)}\n` : renderComparison(comparison));
}
