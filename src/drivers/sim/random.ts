// Seeded randomness for the twin. Every draw is a pure function of (seed, key): the key names what the
// draw is for (a step id and attempt, an instance number), never its place in a sequence. So results do
// not depend on the order in which concurrent steps run, and a crashed-and-resumed rehearsal draws the
// same numbers as an uninterrupted one.

/** 32-bit FNV-1a of a string, continued from `h`. */
export function hashString(s: string, h = 0x811c9dc5): number {
  let x = h >>> 0;
  for (let i = 0; i < s.length; i++) {
    x ^= s.charCodeAt(i);
    x = Math.imul(x, 0x01000193);
  }
  return x >>> 0;
}

/** MurmurHash3's finalizer: spreads every input bit over the 32 output bits. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds any integer seed (also beyond 32 bits) into 32 bits. */
function seedBits(seed: number): number {
  const s = Math.trunc(seed);
  const lo = s >>> 0;
  const hi = Math.floor(s / 4294967296) >>> 0;
  return mix32(lo ^ mix32(hi ^ 0x9e3779b9));
}

/** A keyed stream: `draw(i)` is uniform in [0, 1) and depends only on (seed, key, i). */
export function keyedRandom(seed: number, key: string): (i?: number) => number {
  const base = mix32(hashString(key) ^ seedBits(seed));
  return (i = 0) => mix32(base + Math.imul(i + 1, 0x9e3779b9)) / 4294967296;
}

/** One uniform draw in [0, 1) for (seed, key). */
export function draw(seed: number, key: string): number {
  return keyedRandom(seed, key)(0);
}
