// Durations on the command line: `90s`, `45m`, `2h`, `1h30m`, `3d`, or plain seconds.

import { EXIT_BAD_INPUT, StackhopError } from '../errors.js';

const UNIT_S: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };
const PART = /(\d+(?:\.\d+)?)([smhd])/gy;

/** Seconds, or a usage error (exit 2) naming the option and what it accepts. */
export function parseDuration(text: string, option: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  let total = 0;
  let at = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(t); m !== null; m = PART.exec(t)) {
    total += Number(m[1]) * UNIT_S[m[2]!]!;
    at = PART.lastIndex;
  }
  if (t === '' || at !== t.length) {
    throw new StackhopError('ERR_USAGE', `${option}: "${text}" is not a duration`, {
      exitCode: EXIT_BAD_INPUT,
      hint: 'use seconds or units s, m, h, d: 90s, 45m, 2h, 1h30m, 3d',
    });
  }
  return total;
}
