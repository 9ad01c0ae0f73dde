import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, connectionReason, DEFAULT_RETRY, isRetryable } from './retry.js';

describe('retry policy', () => {
  it('retries 5xx but 501, and POST only when surely unprocessed', () => {
    const status = (s: number) => ({ kind: 'status' as const, status: s });
    expect(isRetryable(status(500), true)).toBe(true);
    expect(isRetryable(status(503), true)).toBe(true);
    expect(isRetryable(status(501), true)).toBe(false);
    expect(isRetryable(status(404), true)).toBe(false);
    expect(isRetryable(status(401), true)).toBe(false);
    expect(isRetryable(status(503), false)).toBe(true);
    expect(isRetryable(status(502), false)).toBe(false);
    expect(isRetryable({ kind: 'connection', reason: 'ECONNREFUSED', notSent: true }, false)).toBe(true);
    expect(isRetryable({ kind: 'connection', reason: 'ECONNRESET', notSent: false }, false)).toBe(false);
    expect(isRetryable({ kind: 'connection', reason: 'ECONNRESET', notSent: false }, true)).toBe(true);
  });

  it('backs off exponentially within [half, full] of the capped delay', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (retry, r) => {
          const full = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** (retry - 1));
          const d = backoffDelay(retry, DEFAULT_RETRY, () => r);
          return d >= Math.floor(full / 2) && d <= full && d > 0;
        },
      ),
    );
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, DEFAULT_RETRY, () => 0))).toEqual([
      250, 500, 1000, 2000, 4000, 4000,
    ]);
  });

  it('finds the system error code inside fetch’s TypeError', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(connectionReason(refused)).toEqual({ reason: 'ECONNREFUSED', notSent: true });
    const eyeballs = new TypeError('fetch failed', {
      cause: new AggregateError([Object.assign(new Error('x'), { code: 'ECONNRESET' })]),
    });
    expect(connectionReason(eyeballs)).toEqual({ reason: 'ECONNRESET', notSent: false });
    expect(connectionReason(new TypeError('fetch failed'))).toEqual({
      reason: 'FETCH_FAILED',
      notSent: false,
    });
  });
});
