// The plan's identity: resume refuses to continue a run with a plan that is not byte-for-byte the one it
// started with. Canonical JSON (object keys sorted at every level, arrays in order) so that the same plan
// always hashes the same, whatever order its objects were built in.

import { createHash } from 'node:crypto';
import type { Plan } from '../plan/types.js';

/** sha256, hex, of the plan's canonical JSON. */
export function planHash(plan: Plan): string {
  return createHash('sha256').update(canonicalJson(plan)).digest('hex');
}

/**
 * JSON.stringify with the keys of every object sorted (UTF-16 order). Like JSON.stringify, it drops
 * properties whose value is undefined and writes non-finite numbers as null.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

function write(value: unknown, out: string[]): void {
  if (value === null || typeof value !== 'object') {
    out.push(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      const item: unknown = value[i];
      // As JSON.stringify: undefined and functions in arrays become null.
      if (item === undefined || typeof item === 'function') out.push('null');
      else write(item, out);
    }
    out.push(']');
    return;
  }
  const obj = value as Record<string, unknown>;
  out.push('{');
  let first = true;
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(key), ':');
    write(v, out);
  }
  out.push('}');
}
