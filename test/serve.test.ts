// The dashboard server over real HTTP on loopback: what anyone who reaches the port can read, what
// needs the token, and what is refused. (The page itself is tested in Chromium: test/browser/.)

import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback, serveCommand } from '../src/cli/commands/serve.js';
import { openJournalForReading } from '../src/cli/commands/status.js';
import type { Journal } from '../src/engine/journal.js';
import { type Dashboard, startDashboard } from '../src/serve/server.js';
import { authorized } from '../src/serve/token.js';
import type { RunView } from '../src/view/run-view.js';
import { HA, rehearseInto } from './browser/rehearsals.js';

const TOKEN = 'a'.repeat(32);
let state: string;
let journal: Journal;
let dashboard: Dashboard;
let runId: string;

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), 'stackhop-serve-'));
  runId = (await rehearseInto(HA, state)).run;
  journal = openJournalForReading(state);
  dashboard = await startDashboard({ journal, state, token: TOKEN, port: 0, bind: '127.0.0.1', pollMs: 50 });
}, 120_000);

afterAll(async () => {
  await dashboard?.close();
  await journal?.close();
  rmSync(state, { recursive: true, force: true });
});

function url(path: string): string {
  return new URL(path, dashboard.url).toString();
}

describe('stackhop serve', () => {
  it('sends / to the newest run, and serves its page, its view and its report', async () => {
    const root = await fetch(url('/'), { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe(`/runs/${runId}`);
    const page = await fetch(url(`/runs/${runId}`));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('id="hosts"');
    const view = (await (await fetch(url(`/api/runs/${runId}/view`))).json()) as RunView;
    expect(view.status).toBe('succeeded');
    expect(view.hosts.length).toBeGreaterThan(50);
    const report = await fetch(url(`/runs/${runId}/report`));
    expect(report.status).toBe(200);
    expect(await report.text()).toContain(runId);
  });

  it('streams the view as Server-Sent Events', async () => {
    const ac = new AbortController();
    const res = await fetch(url(`/api/runs/${runId}/stream`), { signal: ac.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    ac.abort();
    expect(text.startsWith('event: view\ndata: ')).toBe(true);
    const view = JSON.parse(text.slice('event: view\ndata: '.length, text.indexOf('\n\n'))) as RunView;
    expect(view.run).toBe(runId);
  });

  it('changes nothing without the token, and says no process drives a finished run', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Basic ${TOKEN}` }]) {
      const r = await fetch(url(`/api/runs/${runId}/pause`), { method: 'POST', headers });
      expect(r.status).toBe(401);
      expect(((await r.json()) as { message: string }).message).toMatch(/refused/);
    }
    const r = await fetch(url(`/api/runs/${runId}/pause`), {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { message: string }).message).toMatch(/no process drives/);
    const abort = await fetch(url(`/api/runs/${runId}/abort`), {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(abort.status).toBe(202);
    expect(((await abort.json()) as { message: string }).message).toMatch(/already succeeded/);
  });

  it('answers only to its own address (a DNS-rebinding page gets nothing) and 404s what is not a run', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(dashboard.url);
      request({
        host: u.hostname,
        port: u.port,
        path: `/api/runs/${runId}/view`,
        headers: { host: 'evil.example' },
      })
        .on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(421);
    expect((await fetch(url('/runs/not-a-run'))).status).toBe(404);
    expect((await fetch(url('/runs/r20200101-000000-0000'))).status).toBe(404);
  });

  it('prints its address and token, refuses a bad --bind, and knows which addresses are loopback', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const r = await serveCommand(undefined, {
      state,
      port: 0,
      bind: '127.0.0.1',
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      until: Promise.resolve(),
    });
    expect(r.exitCode).toBe(0);
    expect(out[0]).toMatch(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(out[1]).toMatch(/^token: [0-9a-f]{32}$/);
    expect(err).toEqual([]);
    await expect(serveCommand(undefined, { state, port: 0, bind: 'everywhere' })).rejects.toMatchObject({
      exitCode: 2,
    });
    await expect(
      serveCommand('r20200101-000000-0000', { state, port: 0, bind: '127.0.0.1' }),
    ).rejects.toMatchObject({ exitCode: 2 });
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::'].some(isLoopback)).toBe(false);
  });

  it('compares tokens exactly', () => {
    expect(authorized(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(authorized(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(authorized(undefined, TOKEN)).toBe(false);
    expect(authorized(TOKEN, TOKEN)).toBe(false);
  });
});
