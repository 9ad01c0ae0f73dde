// Canonical JSON: the same value always gives the same text, whatever order its keys were built in.
// Plan hashes and the grouping of equal actions both depend on it.

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
