// INTERIM stand-in (see README.md): replies and fault bodies in the shapes each service used.

import type { IncomingMessage } from 'node:http';
import type { State, TokenRow } from './state.js';

export interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/** One request, routed to a service; `segments` are the path parts after the service's prefix. */
export interface Ctx {
  method: string;
  url: URL;
  segments: string[];
  body: unknown;
  /** The valid token the request carried, if any. */
  token: TokenRow | undefined;
  /** `http://127.0.0.1:<port>`: the stand-in's own address, for catalog URLs and links. */
  origin: string;
  state: State;
}

export const reply = (status: number, json?: unknown, headers?: Record<string, string>): Reply => ({
  status,
  ...(json === undefined ? {} : { json }),
  ...(headers === undefined ? {} : { headers }),
});

const NOVA_FAULT: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  500: 'computeFault',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

/** Nova and Cinder: `{"badRequest": {"message": "…", "code": 400}}`. */
export function novaFault(status: number, message: string): Reply {
  return reply(status, { [NOVA_FAULT[status] ?? 'computeFault']: { message, code: status } });
}

/** Keystone's own errors, and the 401 of the auth_token middleware in front of every service. */
export function keystoneError(status: number, title: string, message: string): Reply {
  return reply(status, { error: { message, code: status, title } });
}

export function unauthorized(origin: string): Reply {
  return {
    ...keystoneError(401, 'Unauthorized', 'The request you have made requires authentication.'),
    headers: { 'WWW-Authenticate': `Keystone uri='${origin}/identity/v2.0'` },
  };
}

/** Neutron (Icehouse shape): `{"NeutronError": {"type", "message", "detail"}}`. */
export function neutronError(status: number, type: string, message: string): Reply {
  return reply(status, { NeutronError: { type, message, detail: '' } });
}

/** What haproxy answers when no backend is up. */
export function proxyUnavailable(status: number): Reply {
  const text =
    status === 503
      ? '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n'
      : `<html><body><h1>${status} Error</h1></body></html>\n`;
  return { status, text, headers: { 'Content-Type': 'text/html' } };
}

export class BadJson extends Error {}

export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadJson('body is not JSON');
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
