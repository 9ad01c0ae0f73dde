// `stackhop serve` in a real browser (Debian's Chromium, headless), against real processes: a paced
// rehearsal of the HA example (`stackhop rehearse --pace`) watched from start to end on the dashboard —
// progress moving, a pause refused without the token, a pause with it that holds the run, a resume,
// the end — and its report served beside it; then the dashboard of a finished 2,000-compute rehearsal,
// whose grid of every host must render in under 2 s (docs/benchmarks.md, "Browser: report load, 2,000
// computes"). Screenshots: reports/screenshots/dashboard-mid-run.png, dashboard-2000.png.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/catalog/index.js';
import { openJournalForReading } from '../../src/cli/commands/status.js';
import { parseInventory } from '../../src/inventory/load.js';
import { planUpgrade } from '../../src/plan/planners/index.js';
import type { RunView } from '../../src/view/run-view.js';
import { artifact, launchChromium, navigationTimes, type PageWatch, watchPage } from './chromium.js';
import { type Cli, type Served, sleep, startCli, startServe, until } from './processes.js';
import { BIG_COMPUTES, HA, type Rehearsed, rehearseBig } from './rehearsals.js';

const LOAD_BUDGET_MS = 2000;
/** Real seconds the paced rehearsal should take (its planned duration over the pace). */
const PACED_SECONDS = 30;

const tmp = mkdtempSync(join(tmpdir(), 'stackhop-browser-dashboard-'));
let browser: Browser;
/** Every process a test started, ended in afterAll whatever happened. */
const children: Cli[] = [];

beforeAll(async () => {
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
  const left = children.filter((c) => c.groupAlive()).map((c) => c.proc.spawnargs.slice(1, 3).join(' '));
  expect(left, 'processes left running').toEqual([]);
}, 60_000);

function track<T extends { cli: Cli } | Cli>(started: T): T {
  children.push('cli' in started ? started.cli : started);
  return started;
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  return context.newPage();
}

/** What the dashboard shows, read through its DOM contract. */
interface Shown {
  status: string;
  done: number;
  total: number;
  phase: string;
  batch: string;
  outages: number;
  hosts: number;
  message: string;
}

/** In the page (a string: this project's types have no DOM). */
const SHOWN = `(() => {
  const text = (s) => (document.querySelector(s)?.textContent ?? '').trim();
  const progress = document.querySelector('#progress');
  return {
    status: text('#status'),
    done: Number(progress?.getAttribute('data-done') ?? NaN),
    total: Number(progress?.getAttribute('data-total') ?? NaN),
    phase: text('#phase'),
    batch: text('#batch'),
    outages: document.querySelectorAll('#outages li').length,
    hosts: document.querySelectorAll('#hosts .host').length,
    message: text('#message'),
  };
})()`;

function shown(page: Page): Promise<Shown> {
  return page.evaluate<Shown>(SHOWN);
}

/** The page's message once it says a control was refused. */
function refusalShown(page: Page, what: string): Promise<string> {
  return until(
    what,
    async () => {
      const { message } = await shown(page);
      return /refused/i.test(message) ? message : undefined;
    },
    10_000,
  );
}

async function view(served: Served, run: string): Promise<RunView> {
  const r = await fetch(`${served.url}api/runs/${run}/view`);
  expect(r.status).toBe(200);
  return (await r.json()) as RunView;
}

async function control(served: Served, run: string, action: string, auth?: string): Promise<Response> {
  return fetch(`${served.url}api/runs/${run}/${action}`, {
    method: 'POST',
    headers: auth === undefined ? {} : { Authorization: auth },
  });
}

/**
 * The page's problems less the one a refused button press makes: Chromium logs every 4xx answer to a
 * fetch as a console error ("Failed to load resource: … 401"), which is the answer the test asked for.
 */
function unexpectedProblems(watch: PageWatch, run: string): string[] {
  return watch.problems.filter(
    (p) => !(/status of 401/.test(p) && new RegExp(`/api/runs/${run}/(pause|resume|abort)\\b`).test(p)),
  );
}

/**
 * Reads the dashboard every 200 ms while a test drives it: the history of what it showed, and the
 * mid-run screenshot, taken as soon as a batch is current with outages open (or, failing that, when a
 * batch is current, retaken if outages open later).
 */
function watchDashboard(page: Page) {
  const history: (Shown & { t: number })[] = [];
  let shot: 'batch and outages' | 'batch only' | undefined;
  let stopped = false;
  let failed: unknown;
  const loop = (async () => {
    const t0 = Date.now();
    while (!stopped) {
      try {
        const s = await shown(page);
        history.push({ ...s, t: Date.now() - t0 });
        if (shot !== 'batch and outages' && s.batch !== '' && /running|paused/.test(s.status)) {
          const kind = s.outages > 0 ? 'batch and outages' : 'batch only';
          if (shot === undefined || kind === 'batch and outages') {
            await page.screenshot({ path: artifact('dashboard-mid-run.png') });
            shot = kind;
          }
        }
      } catch (err) {
        if (!stopped) failed ??= err;
      }
      await sleep(200);
    }
  })();
  return {
    history,
    shot: () => shot,
    /** Stops reading; throws what went wrong reading, if anything did. */
    stop: async () => {
      stopped = true;
      await loop;
      if (failed !== undefined) throw failed;
    },
  };
}

describe.sequential('the dashboard watching a paced rehearsal', () => {
  const state = join(tmp, 'paced');
  let rehearsal: Cli;
  let served: Served;
  let run: string;
  let pace: number;

  beforeAll(async () => {
    const inventory = parseInventory(readFileSync(HA, 'utf8'), HA, CATALOG);
    const planned = planUpgrade(inventory, CATALOG, 'live-compute').estimate.duration_s;
    pace = Math.max(1, Math.round(planned / PACED_SECONDS));
    rehearsal = track(
      startCli([
        'rehearse',
        HA,
        '--scenario',
        'live-compute',
        '--state',
        state,
        '--pace',
        String(pace),
        '--quiet',
      ]),
    );
    await until('the journal', () => (existsSync(join(state, 'journal.db')) ? true : undefined), 30_000);
    run = await until(
      'the run in the journal',
      async () => {
        try {
          const journal = openJournalForReading(state);
          try {
            return (await journal.listRuns())[0]?.id;
          } finally {
            await journal.close();
          }
        } catch {
          return undefined; // the rehearsal is still creating the journal
        }
      },
      30_000,
    );
    served = track(await startServe(state));
  }, 120_000);

  // Ended here too, not only at the end of the file, so they cost nothing to the measurement below.
  afterAll(async () => {
    await Promise.all([rehearsal?.stop(), served?.cli.stop()]);
  }, 30_000);

  it('shows it live, refuses a pause without the token, pauses and resumes with it, ends succeeded', async () => {
    const page = await newPage();
    const watch = watchPage(page, (u) => u.startsWith(served.url));
    let dashboard: ReturnType<typeof watchDashboard> | undefined;
    try {
      // GET / shows the newest run: this one.
      await page.goto(served.url, { waitUntil: 'load' });
      dashboard = watchDashboard(page);
      const first = await until(
        'the dashboard to show the run',
        async () => {
          const s = await shown(page);
          return Number.isFinite(s.done) && s.total > 0 && s.hosts > 0 ? s : undefined;
        },
        15_000,
      );
      const api = await view(served, run);
      expect(api.run).toBe(run);
      expect(first.total).toBe(api.counts.steps);
      expect(first.hosts).toBe(api.hosts.length);
      expect(first.status).toMatch(/running/);

      // Progress moves, by itself (server-sent events, no reload).
      const d0 = (await shown(page)).done;
      const d1 = await until(
        'progress to move',
        async () => {
          const s = await shown(page);
          return s.done > d0 ? s.done : undefined;
        },
        15_000,
      );
      await until(
        'progress to move again',
        async () => ((await shown(page)).done > d1 ? true : undefined),
        15_000,
      );

      // Pause with an empty token: refused, nothing changes.
      await page.fill('#token', '');
      await page.click('#pause');
      const refusal = await refusalShown(page, 'the refusal');
      for (let i = 0; i < 5; i++) {
        expect((await shown(page)).status).toMatch(/running/);
        await sleep(200);
      }
      // A wrong token: the server answers 401, the page says refused, nothing changes.
      await page.evaluate(`document.querySelector('#message').textContent = ''`);
      await page.fill('#token', 'f'.repeat(served.token.length));
      await page.click('#pause');
      const wrong = await refusalShown(page, 'the refusal of a wrong token');
      expect((await shown(page)).status).toMatch(/running/);
      expect((await view(served, run)).status).toBe('running');
      // The API itself: no header, a wrong token, a malformed header: 401, and the run goes on.
      expect((await control(served, run, 'pause')).status).toBe(401);
      expect((await control(served, run, 'pause', `Bearer ${'0'.repeat(served.token.length)}`)).status).toBe(
        401,
      );
      expect((await control(served, run, 'pause', served.token)).status).toBe(401);
      expect((await view(served, run)).status).toBe('running');

      // Pause with the token: held; once its running steps are done, nothing more finishes.
      await page.fill('#token', served.token);
      await page.click('#pause');
      await until(
        'paused',
        async () => (/paused/.test((await shown(page)).status) ? true : undefined),
        15_000,
      );
      expect((await view(served, run)).status).toBe('paused');
      // The steps that were running finish first. At this pace one can take many real seconds, so wait
      // until none runs (a quiet second was not enough on a loaded machine), then for the page to show it.
      const drained = await until(
        'the running steps to finish',
        async () => {
          const v = await view(served, run);
          return v.counts.running === 0 ? v : undefined;
        },
        60_000,
      );
      expect(drained.status).toBe('paused');
      const settled = drained.counts.succeeded + drained.counts.skipped;
      await until(
        'the page to show the held run',
        async () => ((await shown(page)).done === settled ? true : undefined),
        15_000,
      );
      const held: number[] = [];
      for (let i = 0; i < 10; i++) {
        const s = await shown(page);
        expect(s.status).toMatch(/paused/);
        held.push(s.done);
        await sleep(200);
      }
      expect(new Set(held)).toEqual(new Set([settled]));
      const after = (await view(served, run)).counts;
      expect(after.succeeded + after.skipped).toBe(settled);
      expect(after.running).toBe(0);

      // Resume: running again, progress moves.
      await page.click('#resume');
      await until(
        'running again',
        async () => (/running/.test((await shown(page)).status) ? true : undefined),
        15_000,
      );
      await until(
        'progress after the resume',
        async () => ((await shown(page)).done > settled ? true : undefined),
        15_000,
      );

      // To the end.
      const last = await until(
        'the end of the run',
        async () => {
          const s = await shown(page);
          return /succeeded/.test(s.status) ? s : undefined;
        },
        120_000,
      );
      expect(last.done).toBe(last.total);
      expect(await rehearsal.exited).toBe(0);
      await dashboard.stop();

      // What the run looked like on the dashboard: progress never went back, a batch was seen.
      const h = dashboard.history;
      const backwards = h.filter((s, i) => i > 0 && s.done < h[i - 1]!.done);
      expect(backwards, 'data-done went backwards').toEqual([]);
      const batches = [...new Set(h.map((s) => s.batch).filter((b) => b !== ''))];
      const withOutages = h.filter((s) => s.outages > 0);
      console.log(
        `paced rehearsal (pace ${pace}): ${h.length} dashboard readings; batches seen: ${batches.length} ` +
          `(${batches.slice(0, 3).join(' | ')}${batches.length > 3 ? ' | …' : ''}); readings with open outages: ` +
          `${withOutages.length} (with a batch current: ${withOutages.filter((s) => s.batch !== '').length}); ` +
          `mid-run screenshot: ${dashboard.shot() ?? 'none'}; the refusals read "${refusal}" (empty token), ` +
          `"${wrong}" (wrong token); ` +
          `Chromium's console errors for the refused fetch: ${watch.problems.length - unexpectedProblems(watch, run).length}`,
      );
      expect(batches.length).toBeGreaterThan(0);
      expect(dashboard.shot()).toBeDefined();
      expect(unexpectedProblems(watch, run)).toEqual([]);
    } finally {
      await dashboard?.stop().catch(() => {});
      await page.context().close();
    }
  }, 240_000);

  it("serves the run's dashboard and its report without errors", async () => {
    const page = await newPage();
    const watch = watchPage(page, (u) => u.startsWith(served.url));
    try {
      await page.goto(`${served.url}runs/${run}`, { waitUntil: 'load' });
      await until(
        'the finished run',
        async () => (/succeeded/.test((await shown(page)).status) ? true : undefined),
        15_000,
      );
      const url = `${served.url}runs/${run}/report`;
      const response = await page.goto(url, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      expect(await page.title()).toContain('Upgrade report');
      expect(await page.locator('#summary .badge.s-succeeded').isVisible()).toBe(true);
      expect(await page.locator('#hosts table.hosts').isVisible()).toBe(true);
      expect(watch.problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 60_000);
});

/** What the init script marks on the page's window: performance.now() of the complete grid, of its frame. */
interface Marks {
  __gridComplete?: number;
  __gridFrame?: number;
}

describe.sequential(`the dashboard of a ${BIG_COMPUTES.toLocaleString('en')}-compute rehearsal`, () => {
  let big: Rehearsed;
  let served: Served;

  beforeAll(async () => {
    big = await rehearseBig(join(tmp, 'big'));
    served = track(await startServe(big.state, big.run));
  }, 300_000);

  it(`renders the grid of every host in under ${LOAD_BUDGET_MS} ms`, async () => {
    const url = `${served.url}runs/${big.run}`;
    const loads: { grid: number; frame: number; wall: number; ttfb: number }[] = [];
    const problems: string[] = [];
    // In the page, from navigation start: when the grid first holds every host, and the frame after.
    const observe = `(() => {
      const want = ${big.hosts};
      const seen = () => {
        if (window.__gridComplete !== undefined) return;
        if (document.querySelectorAll('#hosts .host').length < want) return;
        window.__gridComplete = performance.now();
        requestAnimationFrame(() => { window.__gridFrame = performance.now(); });
      };
      new MutationObserver(seen).observe(document, { childList: true, subtree: true });
    })()`;
    // The first load is the one that counts (a fresh context, nothing cached); two more show the spread.
    for (let i = 0; i < 3; i++) {
      const page = await newPage();
      const watch = watchPage(page, (u) => u.startsWith(served.url));
      try {
        await page.addInitScript(observe);
        const t0 = performance.now();
        await page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
        // A function, not a string: the dashboard's Content-Security-Policy forbids eval.
        await page.waitForFunction(() => (globalThis as Marks).__gridFrame !== undefined, undefined, {
          timeout: 30_000,
          polling: 50,
        });
        const wall = performance.now() - t0;
        const [grid, frame] = await page.evaluate<[number, number]>(
          '[window.__gridComplete, window.__gridFrame]',
        );
        loads.push({ grid, frame, wall, ttfb: (await page.evaluate(navigationTimes)).responseStart });
        const s = await shown(page);
        expect(s.hosts).toBe(big.hosts);
        expect(s.status).toMatch(/succeeded/);
        expect(s.done).toBe(s.total);
        if (i === 0) await page.screenshot({ path: artifact('dashboard-2000.png') });
        problems.push(...watch.problems);
      } finally {
        await page.context().close();
      }
    }
    const fmt = (ms: number) => `${Math.round(ms)} ms`;
    console.log(
      `dashboard of ${BIG_COMPUTES} computes (${big.hosts} hosts) in Chromium: navigation start → grid complete ` +
        `${loads.map((l) => fmt(l.grid)).join(', ')}; → next frame ${loads.map((l) => fmt(l.frame)).join(', ')}; ` +
        `wall around goto + wait ${loads.map((l) => fmt(l.wall)).join(', ')}; of which the server's first byte ` +
        `${loads.map((l) => fmt(l.ttfb)).join(', ')} (first: fresh context, first request to this serve)`,
    );
    for (const l of loads) {
      expect(l.frame).toBeLessThan(LOAD_BUDGET_MS);
      expect(l.wall).toBeLessThan(LOAD_BUDGET_MS);
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('serves its view and refuses to pause a run no process drives (409)', async () => {
    const v = await view(served, big.run);
    expect(v.hosts.length).toBe(big.hosts);
    expect(v.status).toBe('succeeded');
    expect((await control(served, big.run, 'pause')).status).toBe(401);
    expect((await control(served, big.run, 'pause', `Bearer ${served.token}`)).status).toBe(409);
    expect((await control(served, big.run, 'resume', `Bearer ${served.token}`)).status).toBe(409);
    expect((await view(served, big.run)).status).toBe('succeeded');
  });
});
