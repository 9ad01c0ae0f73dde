// `stackhop report`: rehearsals journaled through the CLI's own code path, then reported as HTML, JSON and
// text. The HTML must be self-contained (no network reference of any kind), name every host, show the
// plan's outage estimates and failures with their error, escape hostile text from the cloud, and carry
// a journal hash anyone can recompute; unknown runs are bad input (exit 2); a 2,000-compute run stays
// small.

import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rehearseCommand } from '../src/cli/commands/rehearse.js';
import { reportCommand } from '../src/cli/commands/report.js';
import { openJournalForReading } from '../src/cli/commands/status.js';
import type { EngineEvent } from '../src/engine/events.js';
import type { StoredRun } from '../src/engine/journal.js';
import { formatDuration } from '../src/plan/render/duration.js';
import { testPlan } from '../src/plan/render/test-plans.js';
import { isComputeControl, type Plan } from '../src/plan/types.js';
import { escapeHtml } from '../src/report/html-escape.js';
import { renderReportHtml } from '../src/report/render-html.js';
import { buildReport, REPORT_FORMAT, type RunReport } from '../src/report/report-model.js';
import type { RunView } from '../src/view/run-view.js';

const HA = join(import.meta.dirname, '..', 'examples', 'ha-ubuntu.yaml');
const FAILING_HOST = 'cmp003';

const tmp = mkdtempSync(join(tmpdir(), 'stackhop-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Rehearsed {
  state: string;
  run: string;
  plan: Plan;
  events: EngineEvent[];
}

/** A rehearsal of the HA example through `rehearseCommand`, as `stackhop rehearse` runs it. */
async function rehearsed(name: string, inject: readonly string[]): Promise<Rehearsed> {
  const state = join(tmp, name);
  await rehearseCommand(HA, {
    scenario: 'live-compute',
    seed: 1,
    inject,
    rehearseRejected: false,
    state,
    json: false,
    quiet: true,
    progress: () => {},
  });
  const journal = openJournalForReading(state);
  try {
    const [listing] = await journal.listRuns();
    if (listing === undefined) throw new Error(`no run journaled in ${state}`);
    const stored = await journal.loadRun(listing.id);
    return { state, run: listing.id, plan: stored!.plan, events: await journal.events(listing.id) };
  } finally {
    await journal.close();
  }
}

/** The journal hash, recomputed here from its definition rather than through the report's code. */
function rehash(events: readonly EngineEvent[]): string {
  const h = createHash('sha256');
  for (const e of events) h.update(`${sortedJson(e)}\n`);
  return h.digest('hex');
}

function sortedJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : sortedJson(x))).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${sortedJson(x)}`).join(',')}}`;
}

/** Seconds of measured downtime per API, summed over the run's api-downtime events. */
function measuredDowntime(events: readonly EngineEvent[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const e of events) if (e.type === 'api-downtime') sums.set(e.api, (sums.get(e.api) ?? 0) + e.down_s);
  return sums;
}

/** Attribute values that would make a browser fetch something (a scheme, or a protocol-relative URL). */
const NETWORK_REF =
  /\b(?:src|href|action|poster|srcset|xlink:href|data)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/**
 * Checked on the tags only: escaped text may well mention `https://` or `onerror=` (a measured API's URL,
 * hostile step output); what matters is that no tag the browser parses references the network or runs code.
 */
function expectSelfContained(html: string): void {
  const tags = html.match(/<[a-zA-Z][^>]*>/g) ?? [];
  expect(tags.length).toBeGreaterThan(20);
  for (const tag of tags) {
    expect(tag).not.toMatch(NETWORK_REF);
    expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
  }
  expect(html).not.toMatch(/<(?:script|link|img|iframe|object|embed|base|form)\b/i);
  const css = html.slice(html.indexOf('<style>'), html.indexOf('</style>'));
  expect(css).not.toMatch(/@import|url\s*\(/i);
  expect(html).toContain("default-src 'none'");
}

/** Every element of the document is one the report writes on purpose. */
const ELEMENTS = new Set(
  'html head meta title style body header h1 h2 h3 p span b i code pre section table thead tbody tr th td svg line text rect details summary article footer'.split(
    ' ',
  ),
);

/** Every element closed, in order (void and self-closed ones aside): the page parses as written. */
function expectBalanced(html: string): void {
  const open: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(\/?)>/g)) {
    const [, close, name, selfClosed] = m;
    if (name === 'meta' || selfClosed === '/') continue;
    if (close === '') open.push(name!);
    else expect(`</${open.pop()}>`, `at ${m.index}`).toBe(`</${name}>`);
  }
  expect(open).toEqual([]);
}

function elementsOf(html: string): Set<string> {
  return new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase()));
}

describe('report of a rehearsal', () => {
  let ok: Rehearsed;
  let failed: Rehearsed;
  beforeAll(async () => {
    ok = await rehearsed('ok', []);
    failed = await rehearsed('failed', [`${FAILING_HOST}:upgrade-packages:fail`]);
  });

  it('writes one self-contained HTML file atomically and prints its path', async () => {
    const dir = mkdtempSync(join(tmp, 'out-'));
    const file = join(dir, 'report.html');
    const r = await reportCommand(ok.run, { state: ok.state, html: file, json: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`${file}\n`);
    expect(readdirSync(dir)).toEqual(['report.html']);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expectSelfContained(html);
    expectBalanced(html);
    expect([...elementsOf(html)].filter((e) => !ELEMENTS.has(e))).toEqual([]);
    expect(html).toContain('rehearsal on the twin');
    expect(html).toContain('badge s-succeeded');
  });

  it('names every host of the plan and shows its outage estimates', async () => {
    const file = join(tmp, 'hosts.html');
    await reportCommand(ok.run, { state: ok.state, html: file, json: false });
    const html = readFileSync(file, 'utf8');
    const hosts = new Set(ok.plan.steps.map((s) => s.host));
    expect(hosts.size).toBeGreaterThan(50);
    for (const h of hosts) expect(html, h).toContain(`<td class="mono">${escapeHtml(h)}</td>`);
    const planned = Object.entries(ok.plan.estimate.outages).filter(
      ([api, s]) => !isComputeControl(api) && s > 0,
    );
    expect(planned.length).toBeGreaterThan(3);
    for (const [api, s] of planned) expect(html, api).toContain(`${api}, planned: ${formatDuration(s)}`);
    // What the twin measured, journaled like probes, next to it.
    const measured = measuredDowntime(ok.events);
    expect(measured.size).toBeGreaterThan(3);
    for (const [api, s] of measured)
      expect(html, api).toContain(`${api}, measured on the twin: ${formatDuration(s)}`);
    // The plan as the operator reviewed it, collapsed.
    expect(html).toMatch(/<details><summary>The plan \(\d+ steps/);
  });

  it('carries the journal hash, equal to a recomputation from the journal', async () => {
    const file = join(tmp, 'hash.html');
    await reportCommand(ok.run, { state: ok.state, html: file, json: false });
    const html = readFileSync(file, 'utf8');
    const sha = rehash(ok.events);
    expect(html).toContain(`${ok.events.length} events, sha256 <span class="mono">${sha}</span>`);
    const text = await reportCommand(ok.run, { state: ok.state, json: false });
    expect(text.stdout).toContain(`journal:  ${ok.events.length} events, sha256 ${sha}`);
  });

  it('prints the report as JSON (stackhop.report/v1)', async () => {
    const r = await reportCommand(ok.run, { state: ok.state, json: true });
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout) as RunReport;
    expect(report.format).toBe(REPORT_FORMAT);
    expect(report.run).toMatchObject({
      id: ok.run,
      cloud: 'east-1',
      scenario: 'live-compute',
      driver: 'twin',
    });
    expect(report.run.plan_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(report.journal).toEqual({ events: ok.events.length, sha256: rehash(ok.events) });
    expect(report.view.status).toBe('succeeded');
    expect(report.view.counts.steps).toBe(ok.plan.steps.length);
    expect(report.view.counts.succeeded).toBe(ok.plan.steps.length);
    expect(report.view.hosts_summary.done).toBe(report.view.hosts_summary.total);
  });

  it('with --html and --json, writes the file and prints the JSON', async () => {
    const file = join(tmp, 'both.html');
    const r = await reportCommand(ok.run, { state: ok.state, html: file, json: true });
    expect((JSON.parse(r.stdout) as RunReport).format).toBe(REPORT_FORMAT);
    expect(r.stderr).toBe(`wrote ${file}\n`);
    expect(readFileSync(file, 'utf8')).toContain('</html>');
  });

  it('summarises in text without --html or --json', async () => {
    const r = await reportCommand(ok.run, { state: ok.state, json: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`rehearsal on the twin ${ok.run}: live-compute on east-1`);
    expect(r.stdout).toMatch(/^status: {3}succeeded$/m);
    expect(r.stdout).toMatch(/^duration: .+ \(virtual time\), planned /m);
    const measured = measuredDowntime(ok.events).get('compute-api');
    const shown = measured === undefined ? '—' : formatDuration(measured);
    expect(r.stdout).toMatch(new RegExp(`^ {2}compute-api +\\d+ min +${shown} +\\d+ min$`, 'm'));
    expect(r.stdout).toMatch(/^failures: 0$/m);
  });

  it('shows an injected failure with its step, host, action and error', async () => {
    const file = join(tmp, 'failed.html');
    const r = await reportCommand(failed.run, { state: failed.state, html: file, json: false });
    expect(r.exitCode).toBe(0);
    const html = readFileSync(file, 'utf8');
    const failure = failed.events.find((e) => e.type === 'step-failed');
    if (failure?.type !== 'step-failed') throw new Error('the injected fault failed no step');
    expect(failure.host).toBe(FAILING_HOST);
    expect(html).toContain('<h2>Failures (1)</h2>');
    expect(html).toContain(
      `<span class="mono">${escapeHtml(failure.step)}</span> on <span class="mono">cmp003</span>`,
    );
    expect(html).toContain(`<pre class="error">${escapeHtml(failure.error)}</pre>`);
    expect(failure.error).toContain('injected fault');
    expect(html).toMatch(/<b>What it does:<\/b> upgrade-packages/);
    expect(html).toContain('badge s-stopped');
    expect(html).toMatch(/<td class="mono">cmp003<\/td><td class="h-(?:failed|dropped)">/);
    expectSelfContained(html);
    expectBalanced(html);
    const text = await reportCommand(failed.run, { state: failed.state, json: false });
    expect(text.stdout).toContain(`failures: 1 (${failure.step})`);
  });

  it('refuses an unknown run, a malformed run id and a missing state directory with exit 2', async () => {
    await expect(
      reportCommand('r20990101-000000-abcd', { state: ok.state, json: false }),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('no run r20990101-000000-abcd'),
    });
    await expect(reportCommand('../etc/passwd', { state: ok.state, json: false })).rejects.toMatchObject({
      exitCode: 2,
    });
    await expect(reportCommand(ok.run, { state: join(tmp, 'nowhere'), json: false })).rejects.toMatchObject({
      exitCode: 2,
    });
  });

  it('refuses an HTML path in a folder that does not exist with exit 2', async () => {
    const file = join(tmp, 'no-such-folder', 'r.html');
    await expect(reportCommand(ok.run, { state: ok.state, html: file, json: false })).rejects.toMatchObject({
      exitCode: 2,
    });
  });
});

const HOSTILE = '</pre><script>alert(1)</script><img src="https://evil.example/x.png" onerror="alert(2)">';
const ANSI = '\u001b[31mERROR\u001b[0m \u0000 done';

/** A run view built by hand: every text field the cloud or a hand-edited plan could control is hostile. */
function hostileView(): RunView {
  return {
    run: 'r20261125-171503-4f2a',
    cloud: `east <b>1</b>`,
    scenario: 'live-compute',
    from: 'havana',
    to: 'icehouse',
    status: 'stopped',
    started_at: 1_000_000,
    now: 1_000_000 + 3_600_000,
    finished_at: 1_000_000 + 3_600_000,
    reason: `cmp<1> failed ${HOSTILE}`,
    counts: { steps: 10, succeeded: 7, failed: 1, skipped: 1, running: 0, pending: 1 },
    hosts_summary: { total: 2, done: 1, failed: 1, running: 0 },
    phases: [
      {
        id: 'computes',
        title: `Computes ${HOSTILE}`,
        steps: 10,
        succeeded: 7,
        failed: 1,
        skipped: 1,
        running: 0,
        batches: 1,
        started_at: 1_000_000,
      },
    ],
    batches: [
      {
        phase: 'computes',
        batch: 1,
        of: 1,
        hosts: 2,
        steps: 10,
        finished: 8,
        failed: 1,
        started_at: 1_000_000,
      },
    ],
    hosts: [
      {
        name: 'cmp001',
        state: 'done',
        steps: 5,
        finished: 5,
        batch: 1,
        started_at: 1_000_000,
        finished_at: 2_000_000,
      },
      { name: `cmp"><b>2`, state: 'failed', steps: 5, finished: 3, batch: 1, step: `computes/x/${HOSTILE}` },
    ],
    planned_duration_s: 3000,
    outages: [],
    computes_down: 1,
    planned_outages: { 'compute-api': 600, [`evil-${HOSTILE}`]: 60, 'compute-control:cmp001': 900 },
    step_outages: { 'compute-api': 540 },
    outage_windows: { 'compute-api': [{ start: 1_100_000, end: 1_640_000 }] },
    measured: [
      {
        api: 'compute-api',
        url: 'https://nova.example:8774/v2',
        watched_s: 3600,
        down_s: 420,
        intervals: [],
      },
    ],
    failures: [
      {
        step: `computes/x/${HOSTILE}`,
        host: `cmp"><b>2`,
        attempt: 2,
        at: 2_500_000,
        action: `run ${HOSTILE}`,
        error: `exit 100: ${HOSTILE}`,
        output: `${ANSI}\n${HOSTILE}\nE: Unable to locate package nova-compute & friends`,
      },
    ],
    log: [HOSTILE],
  };
}

describe('render-html', () => {
  const plan: Plan = { ...testPlan({ computes: 4 }), cloud: `east <b>1</b> ${HOSTILE}` };
  const report: RunReport = {
    format: REPORT_FORMAT,
    run: {
      id: 'r20261125-171503-4f2a',
      cloud: `east <b>1</b>`,
      scenario: 'live-compute',
      driver: 'real',
      created_wall: `2026-11-25T17:15:03Z ${HOSTILE}`,
      plan_hash: 'ab'.repeat(32),
    },
    view: hostileView(),
    journal: { events: 42, sha256: 'cd'.repeat(32) },
  };
  const html = renderReportHtml(report, plan);

  it('escapes every hostile text: no element the report does not write itself', () => {
    expect([...elementsOf(html)].filter((e) => !ELEMENTS.has(e))).toEqual([]);
    expectSelfContained(html);
    expectBalanced(html);
    expect(html).toContain('&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('cmp&quot;&gt;&lt;b&gt;2');
    expect(html).toContain('exit 100: &lt;/pre&gt;');
    expect(html).toContain('&amp; friends');
  });

  it('shows control characters of step output as visible symbols, never raw', () => {
    const raw = [...html].filter((c) => {
      const code = c.charCodeAt(0);
      return (code < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') || code === 0x7f;
    });
    expect(raw).toEqual([]);
    expect(html).toContain('␛[31mERROR␛[0m ␀ done');
  });

  it('labels a real run: measured by probes, next to planned and from step times', () => {
    expect(html).toContain('real run');
    expect(html).toContain('compute-api, planned: 10 min (600 s)');
    expect(html).toContain('compute-api, measured by probes: 7 min (0 outages) (420 s)');
    expect(html).toContain('compute-api, from step times: 9 min (540 s)');
    // Hypervisor control planes are not APIs.
    expect(html).not.toContain('compute-control:cmp001');
  });
});

describe('a 2,000-compute run', () => {
  it('gives a report under 3 MB without per-step elements, in a few seconds', () => {
    const plan = testPlan({ computes: 2000, pad: 4, ramp: [1, 5, 10] });
    const events: EngineEvent[] = [
      { type: 'run-started', at: 0, run: 'r20261125-171503-4f2a', steps: plan.steps.length, resumed: false },
    ];
    // Every step in plan order (the test plan is built in dependency order), one second each.
    plan.steps.forEach((s, i) => {
      events.push({ type: 'step-started', at: i * 1000, step: s.id, host: s.host, attempt: 1 });
      events.push({
        type: 'step-succeeded',
        at: i * 1000 + 1000,
        step: s.id,
        host: s.host,
        attempt: 1,
        duration_ms: 1000,
      });
    });
    const end = plan.steps.length * 1000;
    events.push({
      type: 'run-finished',
      at: end,
      status: 'succeeded',
      counts: { steps: plan.steps.length, succeeded: plan.steps.length, failed: 0, skipped: 0, pending: 0 },
    });
    const stored: StoredRun = {
      header: {
        id: 'r20261125-171503-4f2a',
        created_at: 0,
        created_wall: '2026-11-25T17:15:03Z',
        cloud: plan.cloud,
        scenario: plan.scenario,
        plan_hash: 'ab'.repeat(32),
        driver: 'twin',
        options: {},
      },
      plan,
      status: 'succeeded',
      steps: new Map(),
      events: events.length,
    };
    const started = performance.now();
    const report = buildReport(stored, events);
    const html = renderReportHtml(report, plan);
    const ms = performance.now() - started;
    expect(plan.steps.length).toBeGreaterThan(10_000);
    expect(report.view.hosts.length).toBeGreaterThan(2000);
    expect(html.length).toBeLessThan(3_000_000);
    expect((html.match(/<rect/g) ?? []).length).toBeLessThan(1000);
    expect((html.match(/<tr>/g) ?? []).length).toBeLessThan(2100);
    expect(ms).toBeLessThan(10_000);
    expect(report.journal.sha256).toBe(rehash(events));
  });
});
