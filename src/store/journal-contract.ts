// The behaviour every Journal store must have, as vitest tests: `sqlite-journal.test.ts` and
// `memory-journal.test.ts` register them against their store, so the two cannot drift apart.

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CATALOG } from '../catalog/index.js';
import { type EngineEvent, isStepEvent, type RunStatus } from '../engine/events.js';
import {
  applyRunEvent,
  applyStepEvent,
  type Journal,
  OUTPUT_LIMIT_BYTES,
  type RunHeader,
  type StepState,
} from '../engine/journal.js';
import { StackhopError } from '../errors.js';
import { parseInventory } from '../inventory/load.js';
import { canonicalJson } from '../plan/canonical-json.js';
import { planUpgrade } from '../plan/planners/index.js';
import { PLAN_FORMAT, type Plan } from '../plan/types.js';
import { boundEvent } from './bound-output.js';

export interface JournalFixture {
  journal: Journal;
  /** Closes the journal (if the test did not) and removes what it left on disk. */
  dispose(): Promise<void>;
}

const INVENTORY = `cloud: tiny
upgrade: { from: havana, to: icehouse }
distro: ubuntu-12.04-uca
networking: neutron-ovs
database: { host: ctl1 }
hosts:
  - { name: ctl1, address: 10.0.0.1, roles: [controller, network, database, messaging] }
  - { name: "cmp[1:2]", address: "10.0.1.[1:2]", roles: [compute] }
`;

/** A real live-compute plan for a controller and two computes (about a hundred steps). */
export function smallRealPlan(): Plan {
  return planUpgrade(parseInventory(INVENTORY, 'tiny.yaml', CATALOG), CATALOG, 'live-compute');
}

/** A hand-made two-step plan: enough for the tests that do not look at the plan. */
export function tinyPlan(cloud = 'lab'): Plan {
  return {
    format: PLAN_FORMAT,
    cloud,
    scenario: 'all-at-once',
    from: 'havana',
    to: 'icehouse',
    distro: 'ubuntu-12.04-uca',
    networking: 'neutron-ovs',
    policy: { max_parallel_computes: 1, canary: [1], max_failed_hosts: 0, drain: 'none', gates: [] },
    phases: [{ id: 'p', title: 'Phase' }],
    steps: [
      {
        id: 'p/aio1/stop',
        phase: 'p',
        host: 'aio1',
        action: { kind: 'stop-services', services: ['nova-api'] },
        after: [],
        estimate_s: 5,
        opens: ['compute'],
        closes: [],
      },
      {
        id: 'p/aio1/start',
        phase: 'p',
        host: 'aio1',
        action: { kind: 'start-services', services: ['nova-api'] },
        after: ['p/aio1/stop'],
        estimate_s: 5,
        opens: [],
        closes: ['compute'],
      },
    ],
    warnings: [],
    estimate: {
      duration_s: 10,
      outages: { compute: 10 },
      compute_control: { hosts: 0, host_seconds: 0, longest_s: 0 },
      migrations: { live: 0, cold: 0, gb_moved: 0 },
    },
  };
}

export function runHeader(id: string, over: Partial<RunHeader> = {}): RunHeader {
  return {
    id,
    created_at: Date.UTC(2026, 0, 1),
    created_wall: '2026-11-25T17:15:03.000Z',
    cloud: 'lab',
    scenario: 'all-at-once',
    plan_hash: 'f'.repeat(64),
    driver: 'twin',
    options: { seed: 7, faults: ['cmp1:upgrade-packages'] },
    ...over,
  };
}

const S = 'p/aio1/stop';
const H = 'aio1';

/** The step states and run status a fold of the events gives, the way both stores must. */
export function fold(events: readonly EngineEvent[]): { steps: Map<string, StepState>; status: RunStatus } {
  const steps = new Map<string, StepState>();
  let status: RunStatus = 'running';
  for (const raw of events) {
    const e = boundEvent(raw);
    status = applyRunEvent(status, e);
    if (!isStepEvent(e)) continue;
    const next = applyStepEvent(steps.get(e.step), e);
    if (next === undefined) steps.delete(e.step);
    else steps.set(e.step, next);
  }
  return { steps, status };
}

async function rejection(p: Promise<unknown>): Promise<StackhopError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StackhopError) return err;
    throw err;
  }
  throw new Error('resolved, expected a rejection');
}

export function journalContract(name: string, open: () => Promise<JournalFixture>): void {
  describe(`${name} (Journal contract)`, () => {
    let fixture: JournalFixture;
    let j: Journal;
    beforeEach(async () => {
      fixture = await open();
      j = fixture.journal;
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    it('gives back the plan and header it was given', async () => {
      const plan = smallRealPlan();
      const header = runHeader('r20261125-171503-4f2a', { scenario: 'live-compute', cloud: 'tiny' });
      await j.createRun(header, plan);
      const run = await j.loadRun(header.id);
      expect(run).toBeDefined();
      expect(run?.plan).toEqual(plan);
      expect(run?.header).toEqual(header);
      expect(run?.status).toBe('running');
      expect(run?.steps.size).toBe(0);
      expect(run?.events).toBe(0);
    });

    it('gives back the plan given with its canonical JSON text', async () => {
      const plan = smallRealPlan();
      const header = runHeader('r20261125-171503-4f2b');
      await j.createRun(header, plan, canonicalJson(plan));
      expect((await j.loadRun(header.id))?.plan).toEqual(plan);
    });

    it('answers undefined and no events for an unknown run', async () => {
      expect(await j.loadRun('r20990101-000000-0000')).toBeUndefined();
      expect(await j.events('r20990101-000000-0000')).toEqual([]);
    });

    it('refuses a run id that exists, and keeps the first run', async () => {
      await j.createRun(runHeader('r1'), tinyPlan('first'));
      const err = await rejection(j.createRun(runHeader('r1', { cloud: 'other' }), tinyPlan('second')));
      expect(err.code).toBe('ERR_RUN_EXISTS');
      expect(err.message).toContain('r1');
      const run = await j.loadRun('r1');
      expect(run?.plan.cloud).toBe('first');
      expect(run?.header.cloud).toBe('lab');
    });

    it('refuses to append to an unknown run, even nothing', async () => {
      const e: EngineEvent = { type: 'run-resumed', at: 1 };
      expect((await rejection(j.append('nope', [e]))).code).toBe('ERR_RUN_UNKNOWN');
      expect((await rejection(j.append('nope', []))).code).toBe('ERR_RUN_UNKNOWN');
    });

    it('records running then succeeded, keeping the start time', async () => {
      await j.createRun(runHeader('r1'), tinyPlan());
      await j.append('r1', [{ type: 'step-started', at: 100, step: S, host: H, attempt: 1 }]);
      expect((await j.loadRun('r1'))?.steps.get(S)).toEqual({
        status: 'running',
        attempt: 1,
        started_at: 100,
      });
      await j.append('r1', [
        {
          type: 'step-succeeded',
          at: 160,
          step: S,
          host: H,
          attempt: 1,
          duration_ms: 60,
          summary: 'stopped 1',
          output: 'ok\n',
        },
      ]);
      const run = await j.loadRun('r1');
      expect(run?.steps.get(S)).toEqual({
        status: 'succeeded',
        attempt: 1,
        started_at: 100,
        finished_at: 160,
        summary: 'stopped 1',
        output: 'ok\n',
      });
      expect(run?.events).toBe(2);
    });

    it('records a failure, then a retry that succeeds and clears the error', async () => {
      await j.createRun(runHeader('r1'), tinyPlan());
      await j.append('r1', [
        { type: 'step-started', at: 1, step: S, host: H, attempt: 1 },
        {
          type: 'step-failed',
          at: 2,
          step: S,
          host: H,
          attempt: 1,
          duration_ms: 1,
          error: 'exit 100',
          output: 'E:',
        },
      ]);
      expect((await j.loadRun('r1'))?.steps.get(S)).toEqual({
        status: 'failed',
        attempt: 1,
        started_at: 1,
        finished_at: 2,
        error: 'exit 100',
        output: 'E:',
      });
      await j.append('r1', [{ type: 'step-started', at: 3, step: S, host: H, attempt: 2 }]);
      expect((await j.loadRun('r1'))?.steps.get(S)).toEqual({ status: 'running', attempt: 2, started_at: 3 });
      await j.append('r1', [{ type: 'step-succeeded', at: 5, step: S, host: H, attempt: 2, duration_ms: 2 }]);
      expect((await j.loadRun('r1'))?.steps.get(S)).toEqual({
        status: 'succeeded',
        attempt: 2,
        started_at: 3,
        finished_at: 5,
      });
    });

    it('records skipped steps and probe results', async () => {
      await j.createRun(runHeader('r1'), tinyPlan());
      const other = 'p/aio1/start';
      await j.append('r1', [
        { type: 'step-skipped', at: 1, step: other, host: H, reason: 'host dropped' },
        { type: 'step-started', at: 2, step: S, host: H, attempt: 3 },
        // not-done and unknown leave a running step running (resume runs it again)
        { type: 'step-probed', at: 3, step: S, host: H, result: 'not-done' },
        { type: 'step-probed', at: 3, step: S, host: H, result: 'unknown' },
        // a probe of a step never started records nothing
        { type: 'step-probed', at: 3, step: 'p/aio1/ghost', host: H, result: 'not-done' },
      ]);
      let run = await j.loadRun('r1');
      expect(run?.steps.get(other)).toEqual({
        status: 'skipped',
        attempt: 0,
        finished_at: 1,
        summary: 'host dropped',
      });
      expect(run?.steps.get(S)).toEqual({ status: 'running', attempt: 3, started_at: 2 });
      expect(run?.steps.has('p/aio1/ghost')).toBe(false);
      await j.append('r1', [{ type: 'step-probed', at: 9, step: S, host: H, result: 'done' }]);
      run = await j.loadRun('r1');
      expect(run?.steps.get(S)).toEqual({
        status: 'succeeded',
        attempt: 3,
        started_at: 2,
        finished_at: 9,
        summary: 'probed: had taken effect',
      });
      expect(run?.steps.size).toBe(2);
      expect(run?.events).toBe(6);
    });

    it('keeps the UTF-8-safe tail of long output, in the step state and the event', async () => {
      await j.createRun(runHeader('r1'), tinyPlan());
      // 3-byte and 4-byte characters so that the cut falls inside one unless it is careful
      const output = `${'start\n'.repeat(100)}${'€😀'.repeat(3000)}\nlast line: E: broken\n`;
      expect(Buffer.byteLength(output)).toBeGreaterThan(OUTPUT_LIMIT_BYTES);
      await j.append('r1', [
        { type: 'step-started', at: 1, step: S, host: H, attempt: 1 },
        { type: 'step-failed', at: 2, step: S, host: H, attempt: 1, duration_ms: 1, error: 'exit 1', output },
      ]);
      const kept = (await j.loadRun('r1'))?.steps.get(S)?.output ?? '';
      const bytes = Buffer.byteLength(kept);
      expect(bytes).toBeLessThanOrEqual(OUTPUT_LIMIT_BYTES);
      expect(bytes).toBeGreaterThan(OUTPUT_LIMIT_BYTES - 4);
      expect(output.endsWith(kept)).toBe(true);
      expect(kept).not.toContain('\uFFFD');
      expect(kept.endsWith('last line: E: broken\n')).toBe(true);
      const [, failed] = await j.events('r1');
      expect(failed?.type === 'step-failed' && failed.output).toBe(kept);

      const short = 'x'.repeat(OUTPUT_LIMIT_BYTES);
      await j.append('r1', [
        { type: 'step-succeeded', at: 3, step: S, host: H, attempt: 2, duration_ms: 1, output: short },
      ]);
      expect((await j.loadRun('r1'))?.steps.get(S)?.output).toBe(short);
    });

    it('follows the run status through run events only', async () => {
      await j.createRun(runHeader('r1'), tinyPlan());
      const status = async () => (await j.loadRun('r1'))?.status;
      await j.append('r1', [{ type: 'run-started', at: 1, run: 'r1', steps: 2, resumed: false }]);
      expect(await status()).toBe('running');
      await j.append('r1', [
        { type: 'gate-waiting', at: 2, step: S, prompt: 'go?' },
        { type: 'run-paused', at: 2, reason: 'operator' },
      ]);
      expect(await status()).toBe('paused');
      await j.append('r1', [{ type: 'step-skipped', at: 3, step: S, host: H, reason: 'x' }]);
      expect(await status()).toBe('paused');
      await j.append('r1', [{ type: 'run-resumed', at: 4 }]);
      expect(await status()).toBe('running');
      const counts = { steps: 2, succeeded: 0, failed: 1, skipped: 1, pending: 0 };
      await j.append('r1', [
        { type: 'run-stopping', at: 5, reason: 'budget', failed_hosts: [H] },
        { type: 'compute-restored', at: 6, host: H, enabled: true, reason: 'ok' },
        { type: 'run-finished', at: 7, status: 'stopped', counts },
      ]);
      expect(await status()).toBe('stopped');
      expect((await j.listRuns())[0]?.status).toBe('stopped');
    });

    it('pages through the events in order', async () => {
      await j.createRun(runHeader('r1'), tinyPlan());
      await j.createRun(runHeader('r2'), tinyPlan());
      const all: EngineEvent[] = [];
      for (let i = 0; i < 10; i++) all.push({ type: 'gate-approved', at: i, step: `s${i}`, by: `op${i}` });
      await j.append('r1', all.slice(0, 3));
      await j.append('r2', [{ type: 'run-resumed', at: 0 }]);
      await j.append('r1', all.slice(3, 4));
      await j.append('r1', []);
      await j.append('r1', all.slice(4));
      expect(await j.events('r1')).toEqual(all);
      expect(await j.events('r1', 3, 4)).toEqual(all.slice(3, 7));
      expect(await j.events('r1', 8, 10)).toEqual(all.slice(8));
      expect(await j.events('r1', 10)).toEqual([]);
      expect(await j.events('r1', 2, 0)).toEqual([]);
      expect(await j.events('r2')).toEqual([{ type: 'run-resumed', at: 0 }]);
      expect((await j.loadRun('r1'))?.events).toBe(10);
      await expect(j.events('r1', -1)).rejects.toThrow(/fromSeq/);
      await expect(j.events('r1', 0, 1.5)).rejects.toThrow(/limit/);
    });

    it('lists runs newest first', async () => {
      await j.createRun(
        runHeader('r20261125-100000-aaaa', { created_wall: '2026-11-25T10:00:00.000Z' }),
        tinyPlan(),
      );
      await j.createRun(
        runHeader('r20261127-090000-bbbb', { created_wall: '2026-11-27T09:00:00.000Z' }),
        tinyPlan(),
      );
      await j.createRun(
        runHeader('r20261126-120000-0001', { created_wall: '2026-11-26T12:00:00.000Z' }),
        tinyPlan(),
      );
      // the same instant: the greater id first
      await j.createRun(
        runHeader('r20261126-120000-0002', { created_wall: '2026-11-26T12:00:00.000Z' }),
        tinyPlan(),
      );
      await j.append('r20261125-100000-aaaa', [
        {
          type: 'run-finished',
          at: 9,
          status: 'succeeded',
          counts: { steps: 0, succeeded: 0, failed: 0, skipped: 0, pending: 0 },
        },
      ]);
      const runs = await j.listRuns();
      expect(runs.map((r) => r.id)).toEqual([
        'r20261127-090000-bbbb',
        'r20261126-120000-0002',
        'r20261126-120000-0001',
        'r20261125-100000-aaaa',
      ]);
      expect(runs[3]).toEqual({
        id: 'r20261125-100000-aaaa',
        created_wall: '2026-11-25T10:00:00.000Z',
        cloud: 'lab',
        scenario: 'all-at-once',
        status: 'succeeded',
      });
    });

    it('refuses use after close', async () => {
      await j.close();
      await expect(j.loadRun('r1')).rejects.toThrow(/closed/);
      await expect(j.append('r1', [])).rejects.toThrow(/closed/);
    });

    it('gives the step states and status a fold of the events gives, for any events in any batches', async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(anyEvent, { maxLength: 5 }), { maxLength: 10 }),
          async (batches) => {
            const id = `prop-${n++}`;
            await j.createRun(runHeader(id), tinyPlan());
            for (const batch of batches) await j.append(id, batch);
            const run = await j.loadRun(id);
            const expected = fold(batches.flat());
            expect(run?.steps).toEqual(expected.steps);
            expect(run?.status).toBe(expected.status);
            expect(run?.events).toBe(batches.flat().length);
            expect(await j.events(id)).toEqual(batches.flat().map(boundEvent));
          },
        ),
        { numRuns: 150 },
      );
    });
  });
}

const stepIds = fc.constantFrom('p/h1/a', 'p/h1/b', 'q/h2/c');
const at = fc.integer({ min: 0, max: 2 ** 40 });
const attempt = fc.integer({ min: 1, max: 4 });
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const output = fc.oneof(
  { weight: 5, arbitrary: text },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 64 })
      .map((k) => `head${'é'.repeat(OUTPUT_LIMIT_BYTES / 2 - 10 + k)}😀${'a'.repeat(k)}`),
  },
);

const anyEvent: fc.Arbitrary<EngineEvent> = fc.oneof(
  fc.record({ type: fc.constant('step-started'), at, step: stepIds, host: fc.constant('h1'), attempt }),
  fc.record(
    {
      type: fc.constant('step-succeeded'),
      at,
      step: stepIds,
      host: fc.constant('h1'),
      attempt,
      duration_ms: fc.nat(1000),
      summary: text,
      output,
    },
    { requiredKeys: ['type', 'at', 'step', 'host', 'attempt', 'duration_ms'] },
  ),
  fc.record(
    {
      type: fc.constant('step-failed'),
      at,
      step: stepIds,
      host: fc.constant('h1'),
      attempt,
      duration_ms: fc.nat(1000),
      error: text,
      output,
    },
    { requiredKeys: ['type', 'at', 'step', 'host', 'attempt', 'duration_ms', 'error'] },
  ),
  fc.record({ type: fc.constant('step-skipped'), at, step: stepIds, host: fc.constant('h1'), reason: text }),
  fc.record({
    type: fc.constant('step-probed'),
    at,
    step: stepIds,
    host: fc.constant('h1'),
    result: fc.constantFrom('done', 'not-done', 'unknown'),
  }),
  fc.record({ type: fc.constant('run-paused'), at, reason: text }),
  fc.record({ type: fc.constant('run-resumed'), at }),
  fc.record({ type: fc.constant('gate-waiting'), at, step: stepIds, prompt: text }),
);
