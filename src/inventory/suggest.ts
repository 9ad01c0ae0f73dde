// "Did you mean …?" for misspelt keys and values: the closest candidate by edit distance, if close enough
// that the suggestion is more likely right than noise.

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const cur = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(word.length, 3) / 3));
  return bestDistance <= limit ? best : undefined;
}

/** A hint sentence: "did you mean X? allowed: a, b, c". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const guess = guessHint(word, candidates);
  const allowed = `allowed: ${candidates.join(', ')}`;
  return guess === undefined ? allowed : `${guess} ${allowed}`;
}

/** Just "did you mean X?", for messages that already list what is allowed. */
export function guessHint(word: string, candidates: readonly string[]): string | undefined {
  const guess = closest(word, candidates);
  return guess === undefined ? undefined : `did you mean "${guess}"?`;
}
