// Canonical JSON: the same value always gives the same text, whatever order its keys were built in.
// Plan hashes and the grouping of equal actions both depend on it.

/**
 * JSON.stringify with the keys of every object sorted (UTF-16 order). Like JSON.stringify, it drops
 * properties whose value is undefined and writes non-finite numbers as null.
 */
export function canonicalJson(value: unknown): string {
  // The native serializer does the work; the replacer only hands it each object with its keys sorted
  // (a 150,000-step plan: ~0.3 s instead of ~1 s for a hand-written writer).
  return JSON.stringify(value, sortKeys) ?? 'null';
}

function sortKeys(_key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      sorted = false;
      break;
    }
  }
  if (sorted) return v;
  // No prototype, so a key named "__proto__" stays an ordinary property.
  const out: Record<string, unknown> = Object.create(null);
  for (const k of keys.sort()) out[k] = obj[k];
  return out;
}
