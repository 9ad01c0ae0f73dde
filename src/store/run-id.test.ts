import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRunId, newRunId } from './run-id.js';

describe('newRunId', () => {
  it('is r + UTC date and time + 4 hex digits', () => {
    const now = new Date(Date.UTC(2026, 10, 25, 17, 15, 3, 999));
    expect(newRunId(now, () => 0x4f2a / 0x10000)).toBe('r20261125-171503-4f2a');
    expect(newRunId(now, () => 0)).toBe('r20261125-171503-0000');
    expect(newRunId(now, () => 0.9999999999)).toBe('r20261125-171503-ffff');
    expect(newRunId(now, () => 1)).toBe('r20261125-171503-ffff');
  });

  it('sorts in time order, and is always valid', () => {
    const when = fc.date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2999-12-31T23:59:59Z'),
      noInvalidDate: true,
    });
    const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
    fc.assert(
      fc.property(when, when, random, random, (a, b, ra, rb) => {
        const ia = newRunId(a, () => ra);
        const ib = newRunId(b, () => rb);
        expect(isRunId(ia)).toBe(true);
        if (Math.floor(a.getTime() / 1000) < Math.floor(b.getTime() / 1000)) expect(ia < ib).toBe(true);
      }),
    );
  });

  it('refuses an invalid date', () => {
    expect(() => newRunId(new Date(Number.NaN), Math.random)).toThrow(RangeError);
  });
});

describe('isRunId', () => {
  it.each(['r20261125-171503-4f2a', 'r20240229-000000-0000', 'r20261231-235959-ffff'])('accepts %s', (id) => {
    expect(isRunId(id)).toBe(true);
  });

  it.each([
    '',
    'r20261125-171503-4F2A',
    'r20261125-171503-4f2',
    'r20261125-171503-4f2a0',
    '20261125-171503-4f2a',
    'r20261125171503-4f2a',
    'r20261325-171503-4f2a',
    'r20230229-171503-4f2a',
    'r20261125-241503-4f2a',
    'r20261125-176003-4f2a',
    'r20261125-171560-4f2a',
    ' r20261125-171503-4f2a',
    'r20261125-171503-4f2a\n',
    '../r20261125-171503-4f2a',
  ])('rejects %j', (id) => {
    expect(isRunId(id)).toBe(false);
  });
});
