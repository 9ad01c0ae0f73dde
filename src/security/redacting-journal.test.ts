import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../engine/events.js';
import { OUTPUT_LIMIT_BYTES, type RunHeader } from '../engine/journal.js';
import { tinyPlan } from '../store/journal-contract.js';
import { MemoryJournal } from '../store/memory-journal.js';
import { redactingJournal } from './redacting-journal.js';
import { Redactor } from './redactor.js';

const MASK = '********';
const SECRET = 'Rabbit-Pa55word!';

function header(id = 'r20140601-120000-abcd'): RunHeader {
  return {
    id,
    created_at: 0,
    created_wall: '2014-06-01T12:00:00.000Z',
    cloud: 'lab',
    scenario: 'all-at-once',
    plan_hash: 'ab'.repeat(32),
    driver: 'real',
    options: { inventory: 'lab.yaml' },
  };
}

async function setup() {
  const inner = new MemoryJournal();
  const redactor = Redactor.fromEnv({ OS_PASSWORD: SECRET });
  const journal = redactingJournal(inner, redactor);
  await journal.createRun(header(), tinyPlan());
  return { inner, redactor, journal, id: header().id };
}

const started: EngineEvent = {
  type: 'run-started',
  at: 0,
  run: 'r20140601-120000-abcd',
  steps: 2,
  resumed: false,
};

describe('redactingJournal over the in-memory journal', () => {
  it('an appended event holding a secret comes back masked, from the journal and from the store beneath', async () => {
    const { inner, journal, id } = await setup();
    const failed: EngineEvent = {
      type: 'step-failed',
      at: 5,
      step: 'p/aio1/stop',
      host: 'aio1',
      attempt: 1,
      duration_ms: 5,
      error: `rabbitmqctl change_password guest ${SECRET} failed`,
      output: `$ echo ${encodeURIComponent(SECRET)}\n${SECRET}\nexit 1`,
    };
    await journal.append(id, [
      started,
      { type: 'step-started', at: 1, step: 'p/aio1/stop', host: 'aio1', attempt: 1 },
      failed,
    ]);

    for (const store of [journal, inner]) {
      const events = await store.events(id);
      expect(events).toHaveLength(3);
      expect(JSON.stringify(events)).not.toContain(SECRET);
      expect(JSON.stringify(events)).not.toContain(encodeURIComponent(SECRET));
      expect(events[2]).toEqual({
        ...failed,
        error: `rabbitmqctl change_password guest ${MASK} failed`,
        output: `$ echo ${MASK}\n${MASK}\nexit 1`,
      });
      const step = (await store.loadRun(id))?.steps.get('p/aio1/stop');
      expect(step?.status).toBe('failed');
      expect(step?.error).toBe(`rabbitmqctl change_password guest ${MASK} failed`);
    }
    // The caller's event is left as it was.
    expect(failed.error).toContain(SECRET);
  });

  it('summaries and reasons are masked too; events without secrets are stored unchanged', async () => {
    const { journal, id } = await setup();
    const events: EngineEvent[] = [
      started,
      { type: 'step-started', at: 1, step: 'p/aio1/stop', host: 'aio1', attempt: 1 },
      {
        type: 'step-succeeded',
        at: 2,
        step: 'p/aio1/stop',
        host: 'aio1',
        attempt: 1,
        duration_ms: 1,
        summary: `set rabbit_password=${SECRET}`,
      },
      { type: 'run-paused', at: 3, reason: `gate: check ${SECRET}` },
      { type: 'run-stopping', at: 4, reason: 'budget', failed_hosts: ['aio1', SECRET] },
    ];
    await journal.append(id, events);
    const stored = await journal.events(id);
    expect(stored[0]).toEqual(started);
    expect(stored[1]).toEqual(events[1]);
    expect(stored[2]).toMatchObject({ summary: `set rabbit_password=${MASK}` });
    expect(stored[3]).toMatchObject({ reason: `gate: check ${MASK}` });
    expect(stored[4]).toMatchObject({ failed_hosts: ['aio1', MASK] });
    expect((await journal.loadRun(id))?.status).toBe('paused');
  });

  it('a secret the run learns later is masked from then on', async () => {
    const { journal, redactor, id } = await setup();
    const learned = 'keystone-admin-token-0001';
    const event = (at: number): EngineEvent => ({ type: 'run-paused', at, reason: `token ${learned}` });
    await journal.append(id, [started, event(1)]);
    redactor.add(learned);
    await journal.append(id, [event(2)]);
    const stored = await journal.events(id);
    expect(stored[1]).toMatchObject({ reason: `token ${learned}` });
    expect(stored[2]).toMatchObject({ reason: `token ${MASK}` });
  });

  it('no part of a secret survives the cut of a long output to its tail', async () => {
    const { journal, id } = await setup();
    // Where the kept tail of the raw output would start in the middle of the secret.
    const cutAt = 8;
    const tail = 'y'.repeat(OUTPUT_LIMIT_BYTES - (SECRET.length - cutAt));
    const output = `${'x'.repeat(1000)}${SECRET}${tail}`;
    await journal.append(id, [
      started,
      { type: 'step-started', at: 1, step: 'p/aio1/stop', host: 'aio1', attempt: 1 },
      {
        type: 'step-succeeded',
        at: 2,
        step: 'p/aio1/stop',
        host: 'aio1',
        attempt: 1,
        duration_ms: 1,
        output,
      },
    ]);
    const [, , e] = await journal.events(id);
    const kept = e?.type === 'step-succeeded' ? (e.output ?? '') : '';
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(OUTPUT_LIMIT_BYTES);
    expect(kept.endsWith(tail)).toBe(true);
    expect(kept).not.toContain(SECRET.slice(cutAt));
  });

  it('the rest of the journal passes through', async () => {
    const { journal, id } = await setup();
    expect((await journal.listRuns()).map((r) => r.id)).toEqual([id]);
    expect((await journal.loadRun(id))?.header.options).toEqual({ inventory: 'lab.yaml' });
    expect(await journal.loadRun('r20140601-120000-ffff')).toBeUndefined();
    await journal.close();
    await expect(journal.events(id)).rejects.toThrow();
  });
});
