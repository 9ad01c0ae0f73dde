// The dashboard's page, stylesheet and script. No framework and no build step: one small script renders
// the RunView the server streams (Server-Sent Events) into a page whose elements exist from the start,
// updating the host grid in place so that thousands of hosts stay cheap to redraw.

import type { RunListing } from '../engine/journal.js';
import { escapeHtml } from '../report/html-escape.js';

export function dashboardPage(runId: string, kind: 'twin' | 'real'): string {
  const id = escapeHtml(runId);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>stackhop · ${id}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/dashboard.css"></head>
<body data-run="${id}">
<header>
  <h1>stackhop <span class="muted">${kind === 'twin' ? 'rehearsal on the twin' : 'real run'}</span> <code>${id}</code></h1>
  <div id="title" class="muted"></div>
</header>
<section class="top">
  <div class="card"><div class="label">status</div><div id="status" class="big">connecting…</div><div id="reason" class="muted"></div></div>
  <div class="card"><div class="label">steps</div><div id="progress" class="big" data-done="0" data-total="0"></div><div class="bar"><div id="progress-bar"></div></div></div>
  <div class="card"><div class="label">hosts</div><div id="hosts-summary" class="big"></div></div>
  <div class="card"><div class="label">elapsed · ETA</div><div id="time" class="big"></div></div>
</section>
<section class="now">
  <div class="card wide"><div class="label">phase</div><div id="phase"></div><div class="label">batch</div><div id="batch"></div><div id="gate"></div></div>
  <div class="card wide"><div class="label">down now</div><ul id="outages"></ul><div id="computes-down" class="muted"></div></div>
</section>
<section class="controls card">
  <label>token <input id="token" type="password" autocomplete="off" placeholder="printed by stackhop serve"></label>
  <button id="pause" type="button">Pause</button>
  <button id="resume" type="button">Resume</button>
  <button id="abort" type="button" class="danger">Abort</button>
  <span id="message" role="status"></span>
  <a id="report" href="/runs/${id}/report">report</a>
</section>
<section class="card"><div class="label">phases</div><table id="phases"><tbody></tbody></table></section>
<section class="card"><div class="label">hosts <span class="legend"><i class="host" data-state="pending"></i>pending <i class="host" data-state="running"></i>running <i class="host" data-state="waiting"></i>waiting <i class="host" data-state="done"></i>done <i class="host" data-state="failed"></i>failed <i class="host" data-state="dropped"></i>dropped</span></div><div id="hosts"></div></section>
<section class="card"><div class="label">failures</div><div id="failures" class="muted">none</div></section>
<section class="card"><div class="label">log</div><pre id="log"></pre></section>
<script src="/assets/dashboard.js"></script>
</body></html>
`;
}

export function runsPage(runs: readonly RunListing[]): string {
  const rows = runs
    .map(
      (r) =>
        `<tr><td><a href="/runs/${escapeHtml(r.id)}">${escapeHtml(r.id)}</a></td><td>${escapeHtml(r.cloud)}</td><td>${escapeHtml(r.scenario)}</td><td>${escapeHtml(r.status)}</td><td>${escapeHtml(r.created_wall)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>stackhop runs</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/dashboard.css"></head>
<body><header><h1>stackhop runs</h1></header>
<section class="card">${runs.length === 0 ? '<p>No run in this state directory yet.</p>' : `<table><thead><tr><th>run</th><th>cloud</th><th>scenario</th><th>status</th><th>started</th></tr></thead><tbody>${rows}</tbody></table>`}</section>
</body></html>
`;
}

export const DASHBOARD_CSS = `
:root { --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --run: #0969da; --muted: #6e7781; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 12px 20px; max-width: 1400px; color: #1f2328; }
h1 { font-size: 18px; margin: 0; } code, pre, .mono { font-family: ui-monospace, monospace; }
.muted { color: var(--muted); } .label { font-size: 11px; text-transform: uppercase; color: var(--muted); margin-top: 4px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.top, .now { display: grid; gap: 8px; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); }
.now { grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); }
.top .card, .now .card { margin: 0; }
.big { font-size: 20px; font-weight: 600; }
.bar { height: 6px; background: #eaeef2; border-radius: 3px; overflow: hidden; } .bar > div { height: 100%; background: var(--ok); width: 0; }
#status[data-status=running] { color: var(--run); } #status[data-status=paused] { color: var(--warn); }
#status[data-status=succeeded] { color: var(--ok); } #status[data-status=stopped], #status[data-status=aborted] { color: var(--bad); }
#outages { margin: 0; padding-left: 18px; } #outages li.all { color: var(--bad); font-weight: 600; }
.controls { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
button { padding: 4px 12px; } button.danger { color: var(--bad); } #message { color: var(--muted); } #message.refused { color: var(--bad); }
#report { margin-left: auto; }
#phases { border-collapse: collapse; width: 100%; } #phases td { padding: 2px 6px; border-top: 1px solid #eaeef2; }
#phases tr.current td { background: #ddf4ff; } #phases .pbar { width: 200px; }
#hosts { display: flex; flex-wrap: wrap; gap: 2px; }
.host { display: inline-block; min-width: 10px; height: 10px; border-radius: 2px; background: #d0d7de; }
#hosts.named .host { height: auto; padding: 1px 5px; font: 11px ui-monospace, monospace; color: #1f2328; }
.host[data-state=running] { background: #54aeff; } .host[data-state=waiting] { background: #b6e3ff; }
.host[data-state=done] { background: #4ac26b; } .host[data-state=failed] { background: #ff8182; } .host[data-state=dropped] { background: #a40e26; color: #fff; }
.legend { text-transform: none; margin-left: 12px; } .legend .host { margin: 0 2px 0 8px; vertical-align: middle; }
#log { max-height: 320px; overflow: auto; font-size: 12px; margin: 0; white-space: pre-wrap; }
.failure pre { background: #fff8f8; padding: 6px; max-height: 200px; overflow: auto; font-size: 12px; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 2px 8px; }
`;

export const DASHBOARD_JS = `'use strict';
(() => {
  const runId = document.body.dataset.run;
  const $ = (id) => document.getElementById(id);
  const fmt = (s) => {
    if (!Number.isFinite(s) || s < 0) return '?';
    s = Math.round(s);
    if (s < 60) return s + ' s';
    const m = Math.round(s / 60);
    if (m < 60) return m + ' min';
    if (m < 1440) return Math.floor(m / 60) + ' h ' + String(m % 60).padStart(2, '0') + ' min';
    const h = Math.round(s / 3600);
    return Math.floor(h / 24) + ' d ' + String(h % 24).padStart(2, '0') + ' h';
  };
  const text = (el, t) => { if (el.textContent !== t) el.textContent = t; };
  let hostEls = [];
  let lastLog = '';

  function renderHosts(hosts) {
    const grid = $('hosts');
    if (hostEls.length !== hosts.length) {
      grid.replaceChildren();
      grid.classList.toggle('named', hosts.length <= 120);
      const frag = document.createDocumentFragment();
      hostEls = hosts.map((h) => {
        const el = document.createElement('span');
        el.className = 'host';
        el.dataset.host = h.name;
        if (hosts.length <= 120) el.textContent = h.name;
        frag.appendChild(el);
        return el;
      });
      grid.appendChild(frag);
    }
    hosts.forEach((h, i) => {
      const el = hostEls[i];
      if (el.dataset.state !== h.state) el.dataset.state = h.state;
      const title = h.name + ': ' + h.state + ' (' + h.finished + '/' + h.steps + ' steps)' + (h.batch ? ', batch ' + h.batch : '') + (h.step ? '\\n' + h.step : '');
      if (el.title !== title) el.title = title;
    });
  }

  function render(v) {
    const since = (t) => (t === undefined || v.started_at === undefined ? '' : '+' + fmt((t - v.started_at) / 1000));
    text($('title'), v.cloud + ': ' + v.from + ' → ' + v.to + ' · ' + v.scenario);
    const st = $('status');
    text(st, v.status);
    st.dataset.status = v.status;
    text($('reason'), v.reason || '');
    const c = v.counts;
    const done = c.succeeded + c.skipped;
    const p = $('progress');
    text(p, done + ' / ' + c.steps + ' steps' + (c.failed ? ' · ' + c.failed + ' failed' : '') + (c.running ? ' · ' + c.running + ' running' : ''));
    p.dataset.done = String(done);
    p.dataset.total = String(c.steps);
    $('progress-bar').style.width = (c.steps ? (100 * done) / c.steps : 0).toFixed(1) + '%';
    const hs = v.hosts_summary;
    text($('hosts-summary'), hs.done + ' / ' + hs.total + ' done' + (hs.failed ? ' · ' + hs.failed + ' failed' : '') + (hs.running ? ' · ' + hs.running + ' busy' : ''));
    const elapsed = v.started_at === undefined ? 0 : ((v.finished_at ?? v.now) - v.started_at) / 1000;
    text($('time'), fmt(elapsed) + (v.finished_at === undefined && v.eta_s !== undefined ? ' · ETA ~' + fmt(v.eta_s) : ''));
    const phase = v.phases.find((x) => x.id === v.current_phase);
    text($('phase'), phase ? phase.id + ': ' + phase.title + ' (' + (phase.succeeded + phase.skipped) + '/' + phase.steps + ')' : '');
    const b = v.current_batch;
    text($('batch'), b ? 'batch ' + b.batch + '/' + b.of + ' of ' + b.phase + ': ' + b.hosts + ' hosts, ' + b.finished + '/' + b.steps + ' steps' : '');
    text($('gate'), v.gate ? 'gate waiting: ' + v.gate.prompt : '');
    const ul = $('outages');
    ul.replaceChildren(...v.outages.map((o) => {
      const li = document.createElement('li');
      li.className = o.all_down ? 'all' : '';
      li.textContent = o.all_down
        ? o.outage + ': DOWN (all ' + o.backends + ' hosts) since ' + since(o.all_down_since)
        : o.outage + ': ' + o.down.length + ' of ' + o.backends + ' hosts down (' + o.down.join(', ') + ')';
      return li;
    }));
    if (v.computes_down) {
      const li = document.createElement('li');
      li.className = 'computes';
      li.textContent = 'nova-compute down on ' + v.computes_down + ' hypervisor(s): their instances run but cannot be managed';
      ul.appendChild(li);
    }
    text($('computes-down'), v.outages.length || v.computes_down ? '' : 'nothing is down');
    const tbody = $('phases').tBodies[0];
    tbody.replaceChildren(...v.phases.map((ph) => {
      const tr = document.createElement('tr');
      if (ph.id === v.current_phase) tr.className = 'current';
      const cells = [ph.id, ph.title, (ph.succeeded + ph.skipped) + '/' + ph.steps + (ph.failed ? ' (' + ph.failed + ' failed)' : ''), ph.batches ? ph.batches + ' batches' : '', since(ph.started_at), since(ph.finished_at)];
      for (const t of cells) { const td = document.createElement('td'); td.textContent = t; tr.appendChild(td); }
      return tr;
    }));
    renderHosts(v.hosts);
    const fl = $('failures');
    if (v.failures.length === 0) text(fl, 'none');
    else {
      fl.classList.remove('muted');
      fl.replaceChildren(...v.failures.slice(-5).reverse().map((f) => {
        const d = document.createElement('div');
        d.className = 'failure';
        const h = document.createElement('div');
        h.textContent = f.step + ' on ' + f.host + ' (attempt ' + f.attempt + ', ' + since(f.at) + '): ' + f.action + ' — ' + f.error;
        d.appendChild(h);
        if (f.output) { const pre = document.createElement('pre'); pre.textContent = f.output.split('\\n').slice(-20).join('\\n'); d.appendChild(pre); }
        return d;
      }));
    }
    const log = v.log.slice(-80).join('\\n');
    if (log !== lastLog) {
      const el = $('log');
      const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
      el.textContent = log;
      lastLog = log;
      if (atEnd) el.scrollTop = el.scrollHeight;
    }
    document.body.dataset.rendered = String(Date.now());
  }

  let armedAbort = 0;
  async function control(action) {
    const msg = $('message');
    const token = $('token').value.trim();
    if (token === '') {
      msg.className = 'refused';
      msg.textContent = 'refused: paste the token stackhop serve printed at start-up';
      return;
    }
    if (action === 'abort' && Date.now() - armedAbort > 5000) {
      armedAbort = Date.now();
      msg.className = '';
      msg.textContent = 'press Abort again within 5 s to abort the running steps';
      return;
    }
    armedAbort = 0;
    try {
      const res = await fetch('/api/runs/' + runId + '/' + action, { method: 'POST', headers: { authorization: 'Bearer ' + token } });
      const body = await res.json();
      msg.className = res.status === 202 ? '' : 'refused';
      msg.textContent = (res.status === 401 ? '' : action + ': ') + body.message;
    } catch (err) {
      msg.className = 'refused';
      msg.textContent = action + ' failed: ' + err;
    }
  }
  for (const a of ['pause', 'resume', 'abort']) $(a).addEventListener('click', () => control(a));

  const es = new EventSource('/api/runs/' + runId + '/stream');
  es.addEventListener('view', (ev) => render(JSON.parse(ev.data)));
  es.addEventListener('error', () => { if ($('status').dataset.status === undefined) text($('status'), 'reconnecting…'); });
})();
`;
