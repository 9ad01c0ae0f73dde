// The browser tests' harness: Debian's Chromium (/usr/bin/chromium, installed by scripts/fleet-deps.mjs)
// driven by playwright-core, headless. No browser is downloaded and nothing is mocked at that edge: the
// pages are the files and the server stackhop writes, loaded by a real browser. `watchPage` collects
// everything that went wrong on a page (console errors, uncaught exceptions, failed or unexpected
// requests) so a test asserts the list empty; `artifact` names a screenshot under reports/screenshots/.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.STACKHOP_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless=new',
  // The tests run as root, where Chromium's sandbox refuses to start.
  '--no-sandbox',
  '--disable-gpu',
  // The machine has no network but loopback: no update checks, no sync, no first-run pings.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: \`node scripts/fleet-deps.mjs\` installs Debian's chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
}

export interface PageWatch {
  /** What went wrong on the page so far, one line each. */
  readonly problems: string[];
  /** Every URL the page requested, in order. */
  readonly requests: string[];
}

/**
 * Collects the page's console errors, uncaught exceptions and failed requests, and every request whose
 * URL `allowed` refuses (by default none is refused).
 */
export function watchPage(page: Page, allowed: (url: string) => boolean = () => true): PageWatch {
  const watch: PageWatch = { problems: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') watch.problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => watch.problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    watch.requests.push(r.url());
    if (!allowed(r.url())) watch.problems.push(`unexpected request: ${r.method()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    // An EventSource closed by the page going away is not a failure of the page.
    const reason = r.failure()?.errorText ?? 'failed';
    if (reason === 'net::ERR_ABORTED' && r.resourceType() === 'eventsource') return;
    watch.problems.push(`request failed: ${r.method()} ${r.url()}: ${reason}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== 'fetch') {
      watch.problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
    }
  });
  return watch;
}

/** Milliseconds from navigation start, as the page's Navigation Timing entry has them. */
export interface NavigationTimes {
  /** First byte of the document (the server's answer). */
  responseStart: number;
  domContentLoadedEventEnd: number;
  loadEventEnd: number;
}

/** The page's Navigation Timing, read in the page (pass to `page.evaluate`). */
export function navigationTimes(): NavigationTimes {
  // Node's types (this project has no DOM lib) do not know the 'navigation' entry type.
  const perf = performance as unknown as { getEntriesByType(t: string): NavigationTimes[] };
  const nav = perf.getEntriesByType('navigation')[0];
  return {
    responseStart: nav?.responseStart ?? -1,
    domContentLoadedEventEnd: nav?.domContentLoadedEventEnd ?? -1,
    loadEventEnd: nav?.loadEventEnd ?? -1,
  };
}

export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'reports', 'screenshots');

/** Where a test writes the screenshot `name` (reports/ is git-ignored). */
export function artifact(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, name);
}
