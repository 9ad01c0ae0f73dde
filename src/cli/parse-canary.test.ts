import { describe, expect, it } from 'vitest';
import { StackhopError } from '../errors.js';
import { parseCanary } from './parse-canary.js';

describe('--canary', () => {
  it('reads counts and percentages like policy.canary', () => {
    expect(parseCanary('1,5,20%')).toEqual([1, 5, '20%']);
    expect(parseCanary(' 2 , 100% ')).toEqual([2, '100%']);
  });

  it.each(['0', '-1', '1.5', '0%', '101%', '2.5%', 'ten', '', '1,,2'])(
    'refuses %j with exit code 2',
    (text) => {
      try {
        parseCanary(text);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(StackhopError);
        expect((err as StackhopError).exitCode).toBe(2);
        expect((err as StackhopError).message).toMatch(/--canary/);
      }
    },
  );
});
