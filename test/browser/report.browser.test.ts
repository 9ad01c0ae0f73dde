// `stackhop report --html` in a real browser (Debian's Chromium, headless): the HA example's report opens
// from file:// with no console error, no script error and no request but the file itself, and shows
// its summary, timeline, planned and measured outage bars, host table and plan; the report of a
// 2,000-compute rehearsal loads in under 2 s (docs/benchmarks.md, "Browser: report load, 2,000
// computes"). Screenshots: reports/screenshots/report-ha.png, report-2000.png.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifact, launchChromium, navigationTimes, watchPage } from './chromium.js';
import { BIG_COMPUTES, HA, type Rehearsed, rehearseBig, rehearseInto } from './rehearsals.js';

const LOAD_BUDGET_MS = 2000;

let browser: Browser;
const tmp = mkdtempSync(join(tmpdir(), 'stackhop-browser-report-'));

beforeAll(async () => {
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A fresh page (own context: nothing cached) at the size of a laptop screen. */
async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  return context.newPage();
}

describe.sequential('the HTML report in Chromium', () => {
  let ha: Rehearsed;
  beforeAll(async () => {
    ha = await rehearseInto(HA, join(tmp, 'ha'));
  }, 120_000);

  it('opens from file:// without errors or requests, and shows every section', async () => {
    const url = pathToFileURL(ha.report).href;
    const page = await newPage();
    const watch = watchPage(page, (u) => u === url);
    try {
      await page.goto(url, { waitUntil: 'load' });
      expect(await page.title()).toContain('Upgrade report');
      for (const id of ['summary', 'timeline', 'downtime', 'failures', 'hosts', 'plan', 'journal']) {
        await expect.poll(() => page.locator(`#${id}`).isVisible(), { message: `#${id}` }).toBe(true);
      }
      // Summary: the run, its status.
      const summary = page.locator('#summary');
      expect(await summary.textContent()).toContain(ha.run);
      expect(await summary.locator('.badge.s-succeeded').isVisible()).toBe(true);
      // Timeline: an SVG of real size, with bars.
      const timeline = page.locator('#timeline svg.tl');
      expect(await timeline.isVisible()).toBe(true);
      const tlBox = await timeline.boundingBox();
      expect(tlBox?.width).toBeGreaterThan(500);
      expect(tlBox?.height).toBeGreaterThan(100);
      expect(await timeline.locator('rect').count()).toBeGreaterThan(10);
      // Outage bars: planned and measured on the twin, side by side, drawn with a width.
      const outages = page.locator('#downtime svg.outages');
      expect(await outages.isVisible()).toBe(true);
      const labels = await outages.locator('text.dim').allTextContents();
      expect(labels).toContain('planned');
      expect(labels).toContain('measured on the twin');
      for (const cls of ['b-plan', 'b-meas', 'b-step']) {
        const widths = await outages
          .locator(`rect.${cls}`)
          .evaluateAll((rs) => rs.map((r) => r.getBoundingClientRect().width));
        expect(widths.length, cls).toBeGreaterThan(3);
        expect(Math.max(...widths), cls).toBeGreaterThan(5);
      }
      expect(await page.locator('#downtime .legend').textContent()).toContain('measured on the twin');
      // Host table: every host a visible row.
      const rows = page.locator('#hosts table.hosts tbody tr');
      expect(await rows.count()).toBe(ha.hosts);
      expect(await rows.first().isVisible()).toBe(true);
      expect(await page.locator('#hosts').textContent()).toContain('cmp001');
      // The plan: collapsed, opens on a click.
      const plan = page.locator('#plan details');
      expect(await plan.locator('summary').isVisible()).toBe(true);
      expect(await plan.locator('summary').textContent()).toMatch(/The plan \(\d+ steps/);
      expect(await plan.locator('pre.plan').isVisible()).toBe(false);
      await plan.locator('summary').click();
      expect(await plan.locator('pre.plan').isVisible()).toBe(true);
      expect(await plan.locator('pre.plan').textContent()).toContain('cmp001');
      await plan.locator('summary').click();
      await page.screenshot({ path: artifact('report-ha.png'), fullPage: true });
      expect(watch.requests).toEqual([url]);
      expect(watch.problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});

describe.sequential(`the report of a ${BIG_COMPUTES.toLocaleString('en')}-compute rehearsal in Chromium`, () => {
  let big: Rehearsed;
  beforeAll(async () => {
    big = await rehearseBig(join(tmp, 'big'));
    console.log(
      `${BIG_COMPUTES}-compute rehearsal: ${(big.rehearse_ms / 1000).toFixed(1)} s, ${big.hosts} hosts, ` +
        `report ${(statSync(big.report).size / 1e6).toFixed(2)} MB`,
    );
  }, 300_000);

  it(`loads in under ${LOAD_BUDGET_MS} ms`, async () => {
    const url = pathToFileURL(big.report).href;
    const loads: { wall: number; load: number }[] = [];
    // The first load is the one that counts (a fresh context, nothing cached); two more show the spread.
    for (let i = 0; i < 3; i++) {
      const page = await newPage();
      const watch = watchPage(page, (u) => u === url);
      try {
        const t0 = performance.now();
        await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
        const wall = performance.now() - t0;
        const nav = await page.evaluate(navigationTimes);
        loads.push({ wall, load: nav.loadEventEnd });
        expect(await page.locator('#hosts table.hosts tbody tr').first().isVisible()).toBe(true);
        expect(await page.locator('#timeline svg.tl').isVisible()).toBe(true);
        if (i === 0) await page.screenshot({ path: artifact('report-2000.png') });
        expect(watch.problems).toEqual([]);
      } finally {
        await page.context().close();
      }
    }
    const fmt = (ms: number) => `${Math.round(ms)} ms`;
    console.log(
      `report of ${BIG_COMPUTES} computes (${(statSync(big.report).size / 1e6).toFixed(2)} MB) in Chromium: ` +
        `navigation start → load event ${loads.map((l) => fmt(l.load)).join(', ')}; ` +
        `wall around page.goto ${loads.map((l) => fmt(l.wall)).join(', ')} (first: fresh context)`,
    );
    for (const l of loads) {
      expect(l.load).toBeGreaterThan(0);
      expect(l.load).toBeLessThan(LOAD_BUDGET_MS);
      expect(l.wall).toBeLessThan(LOAD_BUDGET_MS);
    }
  });
});
