// Measured API downtime: probes (prober.ts, check.ts) and the pure summaries (downtime.ts).

export type { Check, CheckResult } from './check.js';
export { httpCheck, isUpStatus } from './check.js';
export type { ApiDowntime, DownInterval, DowntimeReport, Sample } from './downtime.js';
export { downIntervals, summarise } from './downtime.js';
export type { ProberOptions, ProbeTarget } from './prober.js';
export { ApiProber } from './prober.js';
export { probeTargets } from './targets.js';
