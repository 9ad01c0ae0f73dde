// Authenticated JSON calls to one service of the catalog (Nova, Neutron, Cinder). The endpoint comes
// from the catalog on each call (a re-issued token may bring a new catalog); a 401 makes the session
// forget the token, and the call is sent once more with a fresh one — once, so wrong credentials or a
// broken Keystone cannot loop.

import type { z } from 'zod';
import { OpenStackHttpError } from './errors.js';
import { type HttpClient, type HttpMethod, parseBody } from './http.js';
import type { Session } from './session.js';
import { displayUrl, joinUrl, type Query } from './url.js';

export interface CallOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
}

export interface ServiceCall extends CallOptions {
  query?: Query;
  json?: unknown;
  idempotent?: boolean;
  /** Extra request headers (a microversion). */
  headers?: Readonly<Record<string, string>>;
}

export interface ServiceClientOptions {
  /** Closing the cloud aborts every call. */
  signal?: AbortSignal;
  /** Turns the catalog URL into the base the paths are relative to (Neutron appends `/v2.0`). */
  base?: (endpoint: string) => string;
}

export class ServiceClient {
  readonly #session: Session;
  readonly #http: HttpClient;
  readonly #types: readonly string[];
  readonly #signal: AbortSignal | undefined;
  readonly #base: (endpoint: string) => string;

  constructor(session: Session, http: HttpClient, types: readonly string[], opts: ServiceClientOptions = {}) {
    this.#session = session;
    this.#http = http;
    this.#types = types;
    this.#signal = opts.signal;
    this.#base = opts.base ?? ((e) => e);
  }

  get http(): HttpClient {
    return this.#http;
  }

  /** The base URL of this service (the catalog URL, adjusted). */
  async baseUrl(signal?: AbortSignal): Promise<string> {
    return this.#base(await this.#session.endpoint(this.#types, this.#with(signal)));
  }

  /** `method base/path?query`, body checked against `schema`. */
  async call<S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    schema: S,
    opts: ServiceCall = {},
  ): Promise<z.infer<S>> {
    const url = joinUrl(await this.baseUrl(opts.signal), path, opts.query);
    return this.callUrl(method, url, schema, opts);
  }

  /** As `call`, for a URL already built (the next page of a listing). */
  async callUrl<S extends z.ZodType>(
    method: HttpMethod,
    url: URL,
    schema: S,
    opts: ServiceCall = {},
  ): Promise<z.infer<S>> {
    const signal = this.#with(opts.signal);
    const send = async () => {
      const token = await this.#session.token(signal);
      try {
        return await this.#http.send({
          method,
          url,
          headers: { ...opts.headers, 'X-Auth-Token': token.reveal() },
          json: opts.json,
          signal,
          ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
          ...(opts.idempotent === undefined ? {} : { idempotent: opts.idempotent }),
          secrets: [token, this.#session.auth.password],
        });
      } catch (err) {
        if (err instanceof OpenStackHttpError && err.status === 401) this.#session.invalidate(token);
        throw err;
      }
    };
    let res: Awaited<ReturnType<typeof send>>;
    try {
      res = await send();
    } catch (err) {
      if (!(err instanceof OpenStackHttpError && err.status === 401)) throw err;
      res = await send();
    }
    return parseBody({ method, url: displayUrl(url) }, schema, res.body);
  }

  #with(signal: AbortSignal | undefined): AbortSignal | undefined {
    if (signal === undefined) return this.#signal;
    if (this.#signal === undefined) return signal;
    return AbortSignal.any([signal, this.#signal]);
  }

  toJSON(): object {
    return { serviceTypes: this.#types };
  }
}
