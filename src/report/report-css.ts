// The report's one stylesheet, inline: the document must open anywhere (a ticket attachment, offline)
// and print on white paper, so no web fonts, no dark backgrounds, colors that survive grey printing.

export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1d232b; --muted: #5b6673; --line: #d5dbe2; --ok: #1f7a3f;
  --bad: #b3261e; --warn: #8a5a00; --plan: #8d96a0; --meas: #d2691e; --step: #3f6fb0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: #fff; margin: 0 auto; max-width: 1180px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 16px 0 4px; }
p.sub, .muted, .note { color: var(--muted); }
.note { font-size: 12.5px; margin: 4px 0; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; padding: 8px 10px; margin: 4px 0;
  white-space: pre-wrap; overflow-wrap: anywhere; }
pre.plan { white-space: pre; overflow-x: auto; max-height: 80vh; }
pre.error { border-color: #e8b4b0; background: #fdf3f2; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: #f2f4f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.facts { width: auto; }
table.facts th { background: none; font-weight: 500; color: var(--muted); padding-right: 24px; }
table.hosts td { font-size: 12.5px; padding: 1px 8px; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-weight: 600; border: 1px solid; }
.s-succeeded, .h-done { color: var(--ok); }
.s-stopped, .s-aborted, .h-failed, .h-dropped { color: var(--bad); }
.s-running, .s-paused, .s-not-started, .h-running, .h-waiting { color: var(--warn); }
.h-pending { color: var(--muted); }
article.failure { border-left: 3px solid var(--bad); padding: 2px 0 2px 12px; margin: 12px 0; }
article.failure h3 { margin-top: 0; }
svg { display: block; width: 100%; height: auto; font-family: inherit; }
svg text { font-size: 11px; fill: var(--ink); }
svg text.dim { fill: var(--muted); }
svg .grid { stroke: #e3e7ec; stroke-width: 1; }
svg .ph { fill: #4a78b5; }
svg .ph.bad { fill: var(--bad); }
svg .bt { fill: #8fb0db; }
svg .bt.bad { fill: #e08a84; }
svg .open { fill-opacity: 0.55; }
svg .down { fill: var(--bad); fill-opacity: 0.75; }
svg .meas { fill: var(--meas); }
svg .b-plan { fill: var(--plan); }
svg .b-meas { fill: var(--meas); }
svg .b-step { fill: var(--step); }
.legend span { display: inline-block; margin-right: 16px; font-size: 12.5px; }
.legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px;
  print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.legend i.k-plan { background: var(--plan); }
.legend i.k-meas { background: var(--meas); }
.legend i.k-step { background: var(--step); }
footer { margin-top: 32px; padding-top: 8px; border-top: 1px solid var(--line); font-size: 12.5px; }
@media print {
  body { padding: 0; max-width: none; font-size: 11px; }
  h2 { break-after: avoid; }
  tr, article.failure, svg { break-inside: avoid; }
  pre.plan { max-height: none; overflow: visible; }
}
`;
