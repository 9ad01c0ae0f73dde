// The plan's identity: resume refuses to continue a run with a plan that is not byte-for-byte the one it
// started with. Canonical JSON (object keys sorted at every level, arrays in order) so that the same plan
// always hashes the same, whatever order its objects were built in.

import { createHash } from 'node:crypto';
import { canonicalJson } from '../plan/canonical-json.js';
import type { Plan } from '../plan/types.js';

export { canonicalJson };

/** sha256, hex, of the plan's canonical JSON. */
export function planHash(plan: Plan): string {
  return createHash('sha256').update(canonicalJson(plan)).digest('hex');
}
