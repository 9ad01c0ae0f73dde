import { describe, expect, it } from 'vitest';
import { formatDuration } from './duration.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45, '45 s'],
    [59.4, '59 s'],
    [59.6, '1 min'],
    [89, '1 min'],
    [720, '12 min'],
    [3599, '1 h 00 min'],
    [3900, '1 h 05 min'],
    [36_000, '10 h 00 min'],
    [86_399, '1 d 00 h'],
    [2 * 86_400 + 3 * 3600, '2 d 03 h'],
    [-1, '?'],
    [Number.NaN, '?'],
  ])('%s s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
