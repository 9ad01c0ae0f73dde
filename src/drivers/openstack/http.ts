// The request layer every OpenStack client shares: JSON in and out, a timeout per try, retries with
// exponential backoff and jitter (policy in retry.ts), an outer AbortSignal that stops everything at
// once, and errors that name the request without its secrets.
//
// Timeouts use real timers because they bound real I/O; the waits between retries use the injected
// Clock, so tests (and anything on a virtual clock) do not wait for backoff.

import type { z } from 'zod';
import { type Clock, realClock } from '../../engine/clock.js';
import { bodyTail, serviceMessage } from './error-body.js';
import {
  OpenStackConnectionError,
  OpenStackHttpError,
  OpenStackResponseError,
  type RequestRef,
} from './errors.js';
import {
  backoffDelay,
  connectionReason,
  DEFAULT_RETRY,
  isRetryable,
  type RetryPolicy,
  type TryOutcome,
} from './retry.js';
import { type Secret, scrub } from './secret.js';
import { displayUrl } from './url.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface HttpOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Sleeps between retries. Defaults to the wall clock. */
  clock?: Clock;
  /** [0, 1) source for jitter. Defaults to Math.random. */
  random?: () => number;
  retry?: Partial<RetryPolicy>;
  /** Per try, headers and body included. Default 30 s. */
  timeoutMs?: number;
}

export interface HttpRequest {
  method: HttpMethod;
  url: URL | string;
  headers?: Readonly<Record<string, string>>;
  /** Sent as the JSON body. */
  json?: unknown;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
  /** Whether sending it twice is harmless. Default: every method but POST. */
  idempotent?: boolean;
  /** Values to scrub from response text quoted in errors (the token this request carries, …). */
  secrets?: readonly (Secret | string | undefined)[];
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

type Try =
  | { kind: 'response'; status: number; headers: Headers; text: string }
  | { kind: 'connection'; reason: string; notSent: boolean; cause: unknown };

export class HttpClient {
  readonly #fetch: typeof fetch;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #retry: RetryPolicy;
  readonly #timeoutMs: number;

  constructor(opts: HttpOptions = {}) {
    this.#fetch = opts.fetch ?? globalThis.fetch;
    this.#clock = opts.clock ?? realClock;
    this.#random = opts.random ?? Math.random;
    this.#retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
  }

  get clock(): Clock {
    return this.#clock;
  }

  /** Sends with retries; resolves on 1xx–3xx, throws OpenStackHttpError / OpenStackConnectionError. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const ref: RequestRef = { method: req.method, url: displayUrl(req.url) };
    const idempotent = req.idempotent ?? req.method !== 'POST';
    for (let attempt = 1; ; attempt++) {
      req.signal?.throwIfAborted();
      const t = await this.#once(req);
      let outcome: TryOutcome;
      if (t.kind === 'response') {
        if (t.status < 400) return { status: t.status, headers: t.headers, body: parseJson(ref, t.text) };
        outcome = { kind: 'status', status: t.status };
      } else {
        outcome = { kind: 'connection', reason: t.reason, notSent: t.notSent };
      }
      if (attempt >= this.#retry.attempts || !isRetryable(outcome, idempotent))
        throw failure(ref, t, attempt, req);
      await this.#clock.sleep(backoffDelay(attempt, this.#retry, this.#random), req.signal);
    }
  }

  /** `send`, then the body checked against `schema` (a mismatch is an OpenStackResponseError). */
  async json<S extends z.ZodType>(
    req: HttpRequest,
    schema: S,
  ): Promise<{ body: z.infer<S>; headers: Headers }> {
    const res = await this.send(req);
    return {
      body: parseBody({ method: req.method, url: displayUrl(req.url) }, schema, res.body),
      headers: res.headers,
    };
  }

  async #once(req: HttpRequest): Promise<Try> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), req.timeoutMs ?? this.#timeoutMs);
    const signal = req.signal === undefined ? timeout.signal : AbortSignal.any([req.signal, timeout.signal]);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': 'stackhop',
      ...req.headers,
    };
    if (req.json !== undefined) headers['Content-Type'] = 'application/json';
    try {
      const res = await this.#fetch(req.url, {
        method: req.method,
        headers,
        signal,
        ...(req.json === undefined ? {} : { body: JSON.stringify(req.json) }),
      });
      // Read the body inside the timeout too: a service can send headers and then stall.
      const text = await res.text();
      return { kind: 'response', status: res.status, headers: res.headers, text };
    } catch (err) {
      // The caller gave up (or the cloud was closed): stop, do not retry, rethrow its reason.
      if (req.signal?.aborted === true) throw req.signal.reason;
      if (timeout.signal.aborted)
        return { kind: 'connection', reason: 'TIMEOUT', notSent: false, cause: undefined };
      if (err instanceof TypeError) return { kind: 'connection', ...connectionReason(err), cause: err };
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  toJSON(): object {
    return { retry: this.#retry, timeoutMs: this.#timeoutMs };
  }
}

function failure(ref: RequestRef, t: Try, attempts: number, req: HttpRequest): Error {
  if (t.kind === 'connection') return new OpenStackConnectionError(ref, t.reason, attempts, t.cause);
  const secrets = req.secrets ?? [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(t.text);
  } catch {
    parsed = undefined;
  }
  const said = serviceMessage(parsed);
  return new OpenStackHttpError(ref, t.status, {
    ...(said === undefined ? {} : { serviceMessage: scrub(said, secrets) }),
    bodyTail: scrub(bodyTail(t.text), secrets),
    attempts,
  });
}

function parseJson(ref: RequestRef, text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // The text itself is not quoted: a success body can hold a token (Keystone v2).
    throw new OpenStackResponseError(ref, `the body is not JSON (${text.length} bytes)`);
  }
}

/** Checks a parsed body; the message lists where it differs, never the values (they may be secret). */
export function parseBody<S extends z.ZodType>(ref: RequestRef, schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issues = r.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
  const more = r.error.issues.length > 3 ? ` (+${r.error.issues.length - 3} more)` : '';
  throw new OpenStackResponseError(ref, issues.join('; ') + more);
}
