// A Keystone session: one project-scoped token and its catalog, issued on first use, issued again
// shortly before it expires (keystoneauth's margin: 120 s, or half the lifetime of a short-lived token)
// and when a service answers 401 (revoked, or Keystone restarted with new signing keys). Concurrent
// callers share one token request.

import { type Clock, realClock } from '../../engine/clock.js';
import { abortable } from './abortable.js';
import { type Catalog, requireEndpoint } from './catalog.js';
import type { AuthOptions } from './credentials.js';
import type { HttpClient } from './http.js';
import { type IssuedToken, issueToken, tokenUrl } from './keystone.js';
import type { Secret } from './secret.js';
import { displayUrl } from './url.js';

export interface SessionOptions {
  clock?: Clock;
  /** Re-issue this long before expiry. Default 120 s. */
  refreshMarginMs?: number;
  /** Aborts token requests in flight (the cloud was closed). */
  signal?: AbortSignal;
}

interface Held extends IssuedToken {
  refreshAt: number;
}

export class Session {
  readonly #auth: AuthOptions;
  readonly #http: HttpClient;
  readonly #clock: Clock;
  readonly #margin: number;
  readonly #signal: AbortSignal | undefined;
  #held: Held | undefined;
  #pending: Promise<Held> | undefined;
  /** Tokens issued so far (for tests and logs; a count, never the tokens). */
  issued = 0;

  constructor(auth: AuthOptions, http: HttpClient, opts: SessionOptions = {}) {
    this.#auth = auth;
    this.#http = http;
    this.#clock = opts.clock ?? realClock;
    this.#margin = opts.refreshMarginMs ?? 120_000;
    this.#signal = opts.signal;
  }

  get auth(): AuthOptions {
    return this.#auth;
  }

  /** A token valid for a while yet. */
  async token(signal?: AbortSignal): Promise<Secret> {
    return (await this.#valid(signal)).token;
  }

  async catalog(signal?: AbortSignal): Promise<Catalog> {
    return (await this.#valid(signal)).catalog;
  }

  /** The project the token is scoped to (Nova URLs of this era carry it). */
  async projectId(signal?: AbortSignal): Promise<string | undefined> {
    return (await this.#valid(signal)).projectId;
  }

  /** The endpoint of the first of `types` in the catalog, for the configured interface and region. */
  async endpoint(types: readonly string[], signal?: AbortSignal): Promise<string> {
    return requireEndpoint(await this.catalog(signal), types, {
      interface: this.#auth.interface,
      region: this.#auth.regionName,
    });
  }

  /** Forget `token` (a service refused it); the next call issues a new one. A newer token is kept. */
  invalidate(token: Secret): void {
    if (this.#held?.token === token) this.#held = undefined;
  }

  /** Forget any token. */
  clear(): void {
    this.#held = undefined;
  }

  #valid(signal: AbortSignal | undefined): Promise<Held> {
    const held = this.#held;
    if (held !== undefined && this.#clock.now() < held.refreshAt) return Promise.resolve(held);
    if (this.#pending === undefined) {
      const started = this.#clock.now();
      this.#pending = issueToken(this.#http, this.#auth, this.#signal)
        .then((t) => {
          this.issued++;
          const margin = Math.min(this.#margin, Math.max(0, (t.expiresAt - started) / 2));
          const h: Held = { ...t, refreshAt: t.expiresAt - margin };
          this.#held = h;
          return h;
        })
        .finally(() => {
          this.#pending = undefined;
        });
    }
    return abortable(this.#pending, signal);
  }

  toJSON(): object {
    return {
      authUrl: displayUrl(tokenUrl(this.#auth)),
      identityVersion: this.#auth.identityVersion,
      username: this.#auth.username,
      project: this.#auth.projectName ?? this.#auth.projectId,
      hasToken: this.#held !== undefined,
      tokenExpiresAt: this.#held === undefined ? undefined : new Date(this.#held.expiresAt).toISOString(),
    };
  }

  toString(): string {
    return `Session(${this.#auth.username}@${displayUrl(tokenUrl(this.#auth))})`;
  }
}
