import { describe, expect, it } from 'vitest';
import { parseDuration } from './parse-duration.js';

describe('parseDuration', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['45m', 2700],
    ['2h', 7200],
    ['1h30m', 5400],
    ['3d', 259_200],
    ['1.5h', 5400],
  ])('%s → %d s', (text, seconds) => {
    expect(parseDuration(text, '--window')).toBe(seconds);
  });

  it.each(['', 'soon', '2x', 'h', '1h 30m', '-5m', '30mm'])(
    'rejects %j with exit 2, naming the option',
    (text) => {
      expect(() => parseDuration(text, '--window')).toThrow(expect.objectContaining({ exitCode: 2 }));
      expect(() => parseDuration(text, '--window')).toThrow(/^--window: /);
    },
  );
});
