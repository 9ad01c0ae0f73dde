// The dashboard's HTTP server: pages, the run's view as JSON and as Server-Sent Events, the report, and
// the three controls. Reading is open to whoever can reach the port (loopback by default); changing
// anything takes the start-up token in an Authorization header — never a cookie, so another site open
// in the same browser cannot press the buttons. The Host header must name this server, which keeps a
// DNS-rebinding page from reading the run through the browser.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allEvents, type Journal } from '../engine/journal.js';
import { renderReportHtml } from '../report/render-html.js';
import { buildReport } from '../report/report-model.js';
import { isRunId } from '../store/run-id.js';
import { type ControlAction, controlRun } from './control.js';
import { DASHBOARD_CSS, DASHBOARD_JS, dashboardPage, runsPage } from './dashboard-page.js';
import { RunFeed } from './run-feed.js';
import { authorized } from './token.js';

export interface ServeOptions {
  journal: Journal;
  state: string;
  token: string;
  port: number;
  bind: string;
  /** The run `/` shows; the newest run when absent. */
  run?: string;
  /** How often the journal is read for new events while someone watches. */
  pollMs?: number;
}

export interface Dashboard {
  url: string;
  close(): Promise<void>;
}

const HEARTBEAT_MS = 15_000;

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export async function startDashboard(o: ServeOptions): Promise<Dashboard> {
  const feeds = new Map<string, RunFeed>();
  const feedOf = (id: string) => {
    let f = feeds.get(id);
    if (f === undefined) {
      f = new RunFeed(o.journal, id);
      feeds.set(id, f);
    }
    return f;
  };
  let polling = false;
  const timer = setInterval(async () => {
    if (polling) return;
    polling = true;
    try {
      for (const f of feeds.values()) if (f.watchers > 0) await f.poll();
    } catch {
      // A journal busy with a writer's checkpoint: the next tick reads again.
    } finally {
      polling = false;
    }
  }, o.pollMs ?? 250);
  const streams = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `internal error: ${(err as Error).message}\n`);
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, server)) {
      send(res, 421, 'text/plain', 'this dashboard answers only to the address it listens on\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    if (method === 'GET' && parts.length === 0) {
      const runs = await o.journal.listRuns();
      const target = o.run ?? runs[0]?.id;
      if (target === undefined) {
        send(res, 200, 'text/html', runsPage(runs));
        return;
      }
      res.writeHead(302, { ...SECURITY_HEADERS, location: `/runs/${target}` }).end();
      return;
    }
    if (method === 'GET' && url.pathname === '/favicon.ico') {
      res.writeHead(204, SECURITY_HEADERS).end();
      return;
    }
    if (method === 'GET' && url.pathname === '/runs') {
      send(res, 200, 'text/html', runsPage(await o.journal.listRuns()));
      return;
    }
    if (method === 'GET' && url.pathname === '/assets/dashboard.js') {
      send(res, 200, 'text/javascript', DASHBOARD_JS);
      return;
    }
    if (method === 'GET' && url.pathname === '/assets/dashboard.css') {
      send(res, 200, 'text/css', DASHBOARD_CSS);
      return;
    }
    if (method === 'GET' && url.pathname === '/api/runs') {
      sendJson(res, 200, await o.journal.listRuns());
      return;
    }
    const [root, id, what, extra] = parts.length > 0 && parts[0] === 'api' ? parts.slice(1) : parts;
    if (id === undefined || !isRunId(id) || extra !== undefined) {
      send(res, 404, 'text/plain', 'not found\n');
      return;
    }
    if (root === 'runs' && method === 'GET' && what === undefined && parts[0] !== 'api') {
      const feed = feedOf(id);
      await feed.poll();
      if (!feed.exists) return notFound(res, id);
      send(res, 200, 'text/html', dashboardPage(id, feed.kind));
      return;
    }
    if (root === 'runs' && method === 'GET' && what === 'report' && parts[0] !== 'api') {
      const stored = await o.journal.loadRun(id);
      if (stored === undefined) return notFound(res, id);
      const report = buildReport(stored, await allEvents(o.journal, id));
      send(res, 200, 'text/html', renderReportHtml(report, stored.plan), true);
      return;
    }
    if (root !== 'runs' || parts[0] !== 'api') {
      send(res, 404, 'text/plain', 'not found\n');
      return;
    }
    if (method === 'GET' && what === 'view') {
      const feed = feedOf(id);
      await feed.poll();
      if (!feed.exists) return notFound(res, id);
      sendJson(res, 200, feed.view());
      return;
    }
    if (method === 'GET' && what === 'stream') {
      const feed = feedOf(id);
      await feed.poll();
      if (!feed.exists) return notFound(res, id);
      stream(req, res, feed);
      return;
    }
    if (method === 'POST' && (what === 'pause' || what === 'resume' || what === 'abort')) {
      req.resume();
      if (!authorized(req.headers.authorization, o.token)) {
        sendJson(res, 401, {
          ok: false,
          message: 'refused: the token printed by `stackhop serve` is required',
        });
        return;
      }
      const r = await controlRun(o.state, id, what as ControlAction);
      sendJson(res, r.status, { ok: r.status === 202, message: r.message });
      return;
    }
    send(res, method === 'GET' || method === 'POST' ? 404 : 405, 'text/plain', 'not found\n');
  }

  function stream(req: IncomingMessage, res: ServerResponse, feed: RunFeed): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
    });
    streams.add(res);
    const push = (view: unknown) => res.write(`event: view\ndata: ${JSON.stringify(view)}\n\n`);
    const current = feed.view();
    if (current !== undefined) push(current);
    const unsubscribe = feed.subscribe(push);
    const beat = setInterval(() => res.write(': still here\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(beat);
      unsubscribe();
      streams.delete(res);
    });
  }

  // The run `/` shows is folded before the address is printed: a big run's first page is then fast.
  const first = o.run ?? (await o.journal.listRuns())[0]?.id;
  if (first !== undefined) await feedOf(first).poll();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}/`,
    close: async () => {
      clearInterval(timer);
      for (const r of streams) r.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string, selfContained = false): void {
  // The report is one self-contained page with its own, stricter policy in a meta tag.
  const headers = selfContained
    ? { ...SECURITY_HEADERS, 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" }
    : SECURITY_HEADERS;
  res.writeHead(status, { ...headers, 'content-type': `${type}; charset=utf-8` }).end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', `${JSON.stringify(body)}\n`);
}

function notFound(res: ServerResponse, id: string): void {
  send(res, 404, 'text/plain', `no run ${id} in this state directory\n`);
}

/** The Host header names the address the server listens on, or `localhost` for a loopback server. */
function hostAllowed(header: string | undefined, server: Server): boolean {
  if (header === undefined) return false;
  const addr = server.address() as AddressInfo | null;
  if (addr === null) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header);
  if (m === null) return false;
  const name = m[1]!.replace(/^\[|\]$/g, '');
  if (m[2] !== undefined && Number(m[2]) !== addr.port) return false;
  const loopback = addr.address === '127.0.0.1' || addr.address === '::1';
  if (loopback) return name === addr.address || name === 'localhost';
  // Bound elsewhere (the operator chose to, and was warned): any name that reaches us is accepted.
  return true;
}
