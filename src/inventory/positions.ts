// Maps a path in the parsed document (a zod issue path, or one of ours) to a line and column through the
// yaml AST, so every inventory error points at the text the user wrote. When the path goes past what exists
// (a missing key), the nearest existing parent is used.

import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export type DocPath = readonly (string | number)[];

export interface Position {
  line: number;
  col: number;
}

interface Found {
  node: Node;
  /** The key node of the last map step, when the path ended on a map entry. */
  key: Node | undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function resolve(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/** The deepest node along `path`, and the key it sits under. */
function walk(doc: Document, path: DocPath): Found | undefined {
  const root = resolve(doc, doc.contents);
  if (root === null || root === undefined || !isNodeLike(root)) return undefined;
  let found: Found = { node: root, key: undefined };
  for (const seg of path) {
    const node = found.node;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
      if (pair === undefined) return found;
      const value = resolve(doc, pair.value);
      const key = isNodeLike(pair.key) ? pair.key : undefined;
      // `key:` with no value: point at the key itself.
      found = { node: isNodeLike(value) ? value : (key ?? node), key };
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = resolve(doc, node.items[seg]);
      if (!isNodeLike(item)) return found;
      found = { node: item, key: undefined };
    } else {
      return found;
    }
  }
  return found;
}

function isNodeLike(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value);
}

function toPosition(lc: LineCounter, offset: number): Position {
  const { line, col } = lc.linePos(offset);
  return { line, col };
}

/**
 * Position of the value at `path` (or of its key with `{ key: true }`, for "this key is not allowed").
 * Falls back to the nearest existing parent, and to 1:1 for an empty document.
 */
export function positionOf(
  doc: Document,
  lc: LineCounter,
  path: DocPath,
  opts: { key?: boolean } = {},
): Position {
  const found = walk(doc, path);
  if (found === undefined) return { line: 1, col: 1 };
  const target = opts.key === true && found.key !== undefined ? found.key : found.node;
  const start = target.range?.[0];
  return start === undefined ? { line: 1, col: 1 } : toPosition(lc, start);
}
