// OpenSSH known_hosts: how a host key is checked before we send a single byte of a command.
// Plain, bracketed ([host]:port), wildcard and hashed (|1|salt|hash) host fields, @revoked markers.
// A host we know with a different key is always refused; an unknown host only with an explicit flag.

import { createHmac } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { matchesPatterns } from './host-patterns.js';

export interface KnownHostEntry {
  /** Host patterns (comma-separated field) or one hashed pattern. */
  hosts: readonly string[];
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  key: Buffer;
  marker?: 'revoked' | 'cert-authority';
  line: number;
}

export type HostKeyVerdict = 'match' | 'unknown' | 'changed' | 'revoked';

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const fields = raw.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@') === true) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue;
    }
    const [hostField, keyType, keyB64] = fields;
    if (hostField === undefined || keyType === undefined || keyB64 === undefined) continue;
    const key = Buffer.from(keyB64, 'base64');
    const entry: KnownHostEntry = { hosts: [], keyType, key, line: i + 1, ...(marker ? { marker } : {}) };
    if (hostField.startsWith('|1|')) {
      const [, , salt, hash] = hostField.split('|');
      if (salt === undefined || hash === undefined) continue;
      entries.push({
        ...entry,
        hashed: { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') },
      });
    } else {
      entries.push({ ...entry, hosts: hostField.split(',') });
    }
  }
  return entries;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed !== undefined) {
    const digest = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return digest.equals(entry.hashed.hash);
  }
  return matchesPatterns(entry.hosts, name);
}

/** The key types known for a host, so the client offers those first (as OpenSSH does). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], names: readonly string[]): string[] {
  const types = new Set<string>();
  for (const e of entries) {
    if (e.marker === undefined && names.some((n) => entryMatches(e, n))) types.add(e.keyType);
  }
  return [...types];
}

/**
 * Checks a presented key blob against every name the host is known by (its alias and address).
 * Revoked beats everything; a match on any name is a match; a host known with other keys only is
 * `changed`, which the caller must refuse.
 */
export function verifyHostKey(
  entries: readonly KnownHostEntry[],
  names: readonly string[],
  key: Buffer,
): HostKeyVerdict {
  let known = false;
  let matched = false;
  for (const e of entries) {
    if (e.marker === 'revoked') {
      if (e.key.equals(key)) return 'revoked';
      continue;
    }
    if (e.marker === 'cert-authority') continue;
    if (!names.some((n) => entryMatches(e, n))) continue;
    known = true;
    if (e.key.equals(key)) matched = true;
  }
  if (matched) return 'match';
  return known ? 'changed' : 'unknown';
}

/** The key type named inside an SSH public key blob (its first string). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  return key.subarray(4, 4 + len).toString('latin1');
}

export async function loadKnownHosts(path: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Adds a newly accepted key (only with the operator's explicit flag). The file is rewritten through a
 * temp file and a rename, so a crash never leaves it half-written.
 */
export async function appendKnownHost(path: string, name: string, key: Buffer): Promise<void> {
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== '' && !text.endsWith('\n')) text += '\n';
  text += `${name} ${keyTypeOf(key)} ${key.toString('base64')}\n`;
  const tmp = `${path}.stackhop-${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}

/**
 * known_hosts indexed once per load, so a connection costs a map lookup plus the entries that need a
 * scan (wildcards, hashed names): a file listing every host of a large cloud stays cheap per host.
 */
export class KnownHostsIndex {
  readonly #exact = new Map<string, KnownHostEntry[]>();
  readonly #scanned: KnownHostEntry[] = [];
  readonly #revoked: KnownHostEntry[] = [];

  constructor(entries: readonly KnownHostEntry[]) {
    for (const e of entries) {
      if (e.marker === 'revoked') this.#revoked.push(e);
      else if (e.marker === 'cert-authority') continue;
      else if (e.hashed === undefined && e.hosts.every((h) => !/[*?!]/.test(h))) {
        for (const h of e.hosts) {
          const key = h.toLowerCase();
          const list = this.#exact.get(key) ?? [];
          list.push(e);
          this.#exact.set(key, list);
        }
      } else {
        this.#scanned.push(e);
      }
    }
  }

  /** The entries that apply to a host known by these names, revoked keys included. */
  entriesFor(names: readonly string[]): KnownHostEntry[] {
    const out = new Set<KnownHostEntry>(this.#revoked);
    for (const n of names) for (const e of this.#exact.get(n.toLowerCase()) ?? []) out.add(e);
    for (const e of this.#scanned) if (names.some((n) => entryMatches(e, n))) out.add(e);
    return [...out];
  }
}
