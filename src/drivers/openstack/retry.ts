// When to try a request again and how long to wait first. Pure, so the policy is tested without a network.
//
// Retried: 5xx except 501 (Not Implemented will not change), and failures to get any answer. POST is not
// idempotent (a second os-migrateLive would meet a server already migrating, and a reset connection
// says nothing about whether the first one arrived), so unless the caller marks it idempotent, POST is
// retried only when the request surely was not processed: connection refused, or 503 (the proxy or
// the service refused it before any work).

export interface RetryPolicy {
  /** Tries in all, the first included. 1 = no retry. */
  attempts: number;
  /** Delay before the first retry; doubles for each further retry. */
  baseDelayMs: number;
  /** Ceiling of the doubled delay. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8000 };

/** How a try ended, as far as retrying is concerned. */
export type TryOutcome =
  | { kind: 'status'; status: number }
  | { kind: 'connection'; reason: string /** the request never reached the server */; notSent: boolean };

export function isRetryable(outcome: TryOutcome, idempotent: boolean): boolean {
  if (outcome.kind === 'status') {
    if (outcome.status < 500 || outcome.status === 501) return false;
    return idempotent || outcome.status === 503;
  }
  return idempotent || outcome.notSent;
}

/**
 * Delay before retry number `retry` (1 = the first retry): exponential, capped, with "equal jitter"
 * (half fixed, half random) so clients that failed together do not come back together, yet never 0.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Node error codes that mean the connection was never established (the request was not sent). */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * The reason code of a failed `fetch`: undici throws `TypeError('fetch failed')` whose `cause` (or the
 * cause's errors, for happy-eyeballs AggregateErrors) carries the system error code.
 */
export function connectionReason(err: unknown): { reason: string; notSent: boolean } {
  const code = findCode(err, 0);
  if (code === undefined) return { reason: 'FETCH_FAILED', notSent: false };
  return { reason: code, notSent: NOT_SENT.has(code) };
}

function findCode(err: unknown, depth: number): string | undefined {
  if (depth > 4 || typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && e.code !== 'ERR_INVALID_ARG_TYPE') return e.code;
  const inner = findCode(e.cause, depth + 1);
  if (inner !== undefined) return inner;
  if (Array.isArray(e.errors))
    for (const x of e.errors) {
      const c = findCode(x, depth + 1);
      if (c !== undefined) return c;
    }
  return undefined;
}
