import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from './virtual-clock.js';

const T0 = Date.UTC(2026, 0, 1);

interface Outcome {
  ok: boolean;
  at: number;
  reason?: unknown;
}

describe('VirtualClock', () => {
  it('fires sleeps in time order, same-instant ones in the order they began', async () => {
    const clock = new VirtualClock(T0);
    const log: string[] = [];
    await clock.run(async () => {
      await Promise.all(
        [
          ['b', 20],
          ['a', 10],
          ['c', 20],
          ['z', 0],
        ].map(([name, ms]) => clock.sleep(ms as number).then(() => log.push(`${name}@${clock.now() - T0}`))),
      );
    });
    expect(log).toEqual(['z@0', 'a@10', 'b@20', 'c@20']);
    expect(clock.pending).toBe(0);
  });

  it('fires a timer at its instant unless it was cancelled', async () => {
    const clock = new VirtualClock(T0);
    const fired: string[] = [];
    await clock.run(async () => {
      clock.timer(30, () => fired.push(`kept@${clock.now() - T0}`));
      const cancel = clock.timer(10, () => fired.push('cancelled'));
      await clock.sleep(5);
      cancel();
      await clock.sleep(40);
    });
    expect(fired).toEqual(['kept@30']);
    expect(clock.now() - T0).toBe(45);
  });

  it('never advances to a cancelled timer: a program waiting on nothing else is deadlocked', async () => {
    const clock = new VirtualClock(T0);
    const cancel = clock.timer(3_600_000, () => undefined);
    cancel();
    await expect(clock.run(() => new Promise<void>(() => undefined))).rejects.toThrow(/deadlock/);
    expect(clock.now()).toBe(T0);
  });

  it('rejects every pending sleep of an aborted signal with its reason, and only those', async () => {
    const clock = new VirtualClock(T0);
    const ac = new AbortController();
    const other = new AbortController();
    const reason = new Error('step ended');
    const settled: string[] = [];
    await clock.run(async () => {
      const note = (name: string, p: Promise<void>) =>
        p.then(
          () => settled.push(`${name} ok@${clock.now() - T0}`),
          (e: unknown) => settled.push(`${name} ${e === reason ? 'aborted' : String(e)}@${clock.now() - T0}`),
        );
      const all = [
        note('timeout', clock.sleep(3_600_000, ac.signal)),
        note('poll', clock.sleep(5, ac.signal)),
        note('long', clock.sleep(50, ac.signal)),
        note('other', clock.sleep(60, other.signal)),
      ];
      clock.at(T0 + 20, () => ac.abort(reason));
      await Promise.all(all);
      // An already-aborted signal rejects at once, with no timer left behind.
      await expect(clock.sleep(10, ac.signal)).rejects.toBe(reason);
    });
    expect(settled).toEqual(['poll ok@5', 'timeout aborted@20', 'long aborted@20', 'other ok@60']);
    // The run ends with the program: the cancelled hour-long timeout never moved time on to its instant.
    expect(clock.now() - T0).toBe(60);
  });

  it('reports a program that waits for no timer as a deadlock', async () => {
    const clock = new VirtualClock(T0);
    await expect(clock.run(() => new Promise<void>(() => undefined))).rejects.toThrow(/deadlock/);
  });

  it('settles thousands of sleeps on a few signals as a reference model says', async () => {
    const sleeper = fc.record({ ms: fc.integer({ min: 0, max: 5_000 }), group: fc.nat({ max: 7 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(sleeper, { minLength: 1, maxLength: 2_500, size: 'max' }),
        fc.array(fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: undefined }), {
          minLength: 8,
          maxLength: 8,
        }),
        async (sleepers, abortAt) => {
          const clock = new VirtualClock(T0);
          const controllers = abortAt.map(() => new AbortController());
          const got: Outcome[] = new Array(sleepers.length);
          await clock.run(async () => {
            const all = sleepers.map(({ ms, group }, i) =>
              clock.sleep(ms, controllers[group]!.signal).then(
                () => {
                  got[i] = { ok: true, at: clock.now() - T0 };
                },
                (reason: unknown) => {
                  got[i] = { ok: false, at: clock.now() - T0, reason };
                },
              ),
            );
            abortAt.forEach((at, g) => {
              if (at !== undefined) clock.at(T0 + at, () => controllers[g]!.abort(`abort ${g}`));
            });
            await Promise.all(all);
          });
          // Sleeps began before the aborts were scheduled, so at the same instant the sleep wins.
          const want = sleepers.map(({ ms, group }): Outcome => {
            const at = abortAt[group];
            return at === undefined || ms <= at
              ? { ok: true, at: ms }
              : { ok: false, at, reason: `abort ${group}` };
          });
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 40 },
    );
  });
});
