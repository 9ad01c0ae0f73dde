// The dashboard's one secret: printed at start-up to whoever started `stackhop serve`, asked for by
// every request that changes something. Compared in constant time.

import { randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(16).toString('hex');
}

/** Whether an `Authorization: Bearer …` header carries the token. */
export function authorized(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/.exec(header ?? '');
  if (m === null) return false;
  const given = Buffer.from(m[1]!);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}
