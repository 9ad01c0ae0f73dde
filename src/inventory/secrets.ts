// stackhop never reads secrets from the inventory: inventories get committed, pasted into tickets and
// attached to reports. Any key that names a secret is refused wherever it appears, before the schema runs,
// so the user learns about the secret rather than about an "unknown key".

import { type Document, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { DocPath } from './positions.js';

const SECRET_WORDS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'api_key',
  'api-key',
  'apikey',
  'private_key',
  'private-key',
  'privatekey',
  'credential',
];

export const SECRET_HINT =
  'put it in an environment variable (OS_PASSWORD, …) or in clouds.yaml; stackhop never reads secrets from the inventory';

/** Keys of these maps are data (table names such as `keystone.token`), not settings. */
const DATA_KEYED: readonly string[] = ['facts.db_rows'];

export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  return SECRET_WORDS.some((word) => lower.includes(word));
}

/** The path of the first key (in document order) that names a secret, if any. */
export function findSecretKey(doc: Document): DocPath | undefined {
  const seen = new Set<unknown>();
  const visit = (node: unknown, path: (string | number)[]): DocPath | undefined => {
    const target = isAlias(node) ? node.resolve(doc) : node;
    // Aliases can make the graph cyclic in principle; visit each node once.
    if (target === undefined || target === null || seen.has(target)) return undefined;
    seen.add(target);
    if (isMap(target)) {
      const dataKeyed = DATA_KEYED.includes(path.join('.'));
      for (const pair of target.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        if (!dataKeyed && isSecretKey(key)) return [...path, key];
        const inner = visit(pair.value, [...path, key]);
        if (inner !== undefined) return inner;
      }
    } else if (isSeq(target)) {
      for (const [i, item] of target.items.entries()) {
        const inner = visit(item, [...path, i]);
        if (inner !== undefined) return inner;
      }
    }
    return undefined;
  };
  return visit(doc.contents, []);
}
