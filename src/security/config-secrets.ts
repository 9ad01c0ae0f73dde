// Which values of an OpenStack config file are credentials: keys named like passwords, tokens and
// secrets, and the password inside connection URLs (mysql://user:password@host/db).

import type { IniDocument } from '../drivers/config/index.js';

export const SECRET_KEY = /(pass(word)?|passwd|secret|token|_key)$/i;

/** The password part of a URL with credentials, if any. */
export function urlPassword(value: string): string | undefined {
  return /:\/\/[^:/@\s]+:([^@\s]+)@/.exec(value)?.[1];
}

export function secretsOf(key: string, value: string): string[] {
  const out: string[] = [];
  if (SECRET_KEY.test(key) && value !== '') out.push(value);
  const p = urlPassword(value);
  if (p !== undefined) out.push(p, value);
  return out;
}

export function secretsOfIni(doc: IniDocument): string[] {
  const out: string[] = [];
  for (const section of doc.sections()) {
    for (const key of doc.keys(section))
      for (const v of doc.getAll(section, key)) out.push(...secretsOf(key, v));
  }
  return out;
}
