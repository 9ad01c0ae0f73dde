// `--canary 1,5,20%`: the batch-size ramp of the rolling phases, as the inventory's policy.canary
// writes it (Ansible's `serial` list; the last entry repeats).

import { EXIT_BAD_INPUT, StackhopError } from '../errors.js';
import type { CanaryStep } from '../inventory/types.js';

export function parseCanary(text: string): CanaryStep[] {
  const parts = text.split(',').map((p) => p.trim());
  const out: CanaryStep[] = [];
  for (const p of parts) {
    const pct = /^(\d{1,3})%$/.exec(p);
    if (pct !== null && Number(pct[1]) >= 1 && Number(pct[1]) <= 100) {
      out.push(`${Number(pct[1])}%`);
      continue;
    }
    if (/^\d+$/.test(p) && Number(p) >= 1) {
      out.push(Number(p));
      continue;
    }
    throw new StackhopError(
      'ERR_USAGE',
      `--canary: "${p}" is not a batch size (a whole number ≥ 1, or a whole percentage from 1% to 100%)`,
      {
        exitCode: EXIT_BAD_INPUT,
        hint: 'e.g. --canary 1,5,20%',
      },
    );
  }
  return out;
}
