// Measured downtime from probe samples. Pure: the polling loop (prober.ts) only collects samples.
//
// An API is down from the first failed probe to the first successful probe after it. So a window is
// measured to within one probe interval, and a single failed probe counts as one interval of downtime
// (the gap until the next probe proved it up), not as zero.

export interface Sample {
  api: string;
  /** Epoch ms when the probe was sent (on the prober's clock). */
  at: number;
  up: boolean;
  /** HTTP status, when there was an answer. */
  status?: number;
  /** Why it is down without a status: `timeout`, `ECONNREFUSED`, … */
  error?: string;
  latencyMs: number;
}

export interface DownInterval {
  start: number;
  end: number;
  /** Still down at the end of the measurement: `end` is that end, not a recovery. */
  open: boolean;
}

export interface ApiDowntime {
  /** Sum of the intervals, in seconds. */
  downSeconds: number;
  intervals: DownInterval[];
  samples: number;
  downSamples: number;
}

export type DowntimeReport = Record<string, ApiDowntime>;

/**
 * Down intervals of one API's samples (any order). An interval still open at the last sample ends at
 * `until` (default: the last sample's time).
 */
export function downIntervals(samples: readonly Pick<Sample, 'at' | 'up'>[], until?: number): DownInterval[] {
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const out: DownInterval[] = [];
  let start: number | undefined;
  for (const s of sorted) {
    if (!s.up && start === undefined) start = s.at;
    else if (s.up && start !== undefined) {
      out.push({ start, end: s.at, open: false });
      start = undefined;
    }
  }
  if (start !== undefined) {
    const last = sorted[sorted.length - 1]!.at;
    out.push({ start, end: Math.max(start, until ?? last), open: true });
  }
  return out;
}

/** Downtime per API; `apis` lists APIs to report even without samples (all zero). */
export function summarise(
  samples: readonly Sample[],
  opts: { until?: number; apis?: readonly string[] } = {},
): DowntimeReport {
  const byApi = new Map<string, Sample[]>();
  for (const api of opts.apis ?? []) byApi.set(api, []);
  for (const s of samples) {
    let list = byApi.get(s.api);
    if (list === undefined) {
      list = [];
      byApi.set(s.api, list);
    }
    list.push(s);
  }
  const report: DowntimeReport = {};
  for (const [api, list] of byApi) {
    const intervals = downIntervals(list, opts.until);
    const ms = intervals.reduce((sum, i) => sum + (i.end - i.start), 0);
    report[api] = {
      downSeconds: ms / 1000,
      intervals,
      samples: list.length,
      downSamples: list.filter((s) => !s.up).length,
    };
  }
  return report;
}
