import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hostKeyName,
  KnownHostsIndex,
  keyTypeOf,
  knownKeyTypes,
  parseKnownHosts,
  verifyHostKey,
} from './known-hosts.js';

function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const b = Buffer.from(body);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  const blen = Buffer.alloc(4);
  blen.writeUInt32BE(b.length);
  return Buffer.concat([len, t, blen, b]);
}

const K1 = blob('ssh-ed25519', 'key-one-bytes-xxxxxxxxxxxxxxxxxxx');
const K2 = blob('ssh-ed25519', 'key-two-bytes-yyyyyyyyyyyyyyyyyyy');
const R1 = blob('ssh-rsa', 'rsa-key');

function hashed(name: string): string {
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

describe('known_hosts', () => {
  it('matches plain, bracketed and hashed entries', () => {
    const text = [
      '# comment',
      `ctl1,10.0.0.11 ssh-ed25519 ${K1.toString('base64')}`,
      `[10.0.0.12]:2422 ssh-ed25519 ${K2.toString('base64')} comment here`,
      `${hashed('[127.0.1.3]:2422')} ssh-ed25519 ${K1.toString('base64')}`,
    ].join('\n');
    const e = parseKnownHosts(text);
    expect(e).toHaveLength(3);
    expect(verifyHostKey(e, ['10.0.0.11'], K1)).toBe('match');
    expect(verifyHostKey(e, [hostKeyName('10.0.0.12', 2422)], K2)).toBe('match');
    expect(verifyHostKey(e, [hostKeyName('127.0.1.3', 2422)], K1)).toBe('match');
    expect(verifyHostKey(e, ['10.9.9.9'], K1)).toBe('unknown');
  });

  it('calls a different key for a known host a change, and refuses revoked keys everywhere', () => {
    const e = parseKnownHosts(
      `ctl1 ssh-ed25519 ${K1.toString('base64')}\n@revoked * ssh-ed25519 ${K2.toString('base64')}\n`,
    );
    expect(verifyHostKey(e, ['ctl1'], blob('ssh-ed25519', 'another'))).toBe('changed');
    expect(verifyHostKey(e, ['ctl1'], K2)).toBe('revoked');
    expect(verifyHostKey(e, ['anything'], K2)).toBe('revoked');
  });

  it('honours wildcards and negations', () => {
    const e = parseKnownHosts(`*.lab,!bad.lab ssh-ed25519 ${K1.toString('base64')}\n`);
    expect(verifyHostKey(e, ['cmp1.lab'], K1)).toBe('match');
    expect(verifyHostKey(e, ['bad.lab'], K1)).toBe('unknown');
  });

  it('a match on any of the names counts (alias or address)', () => {
    const e = parseKnownHosts(`10.0.0.11 ssh-ed25519 ${K1.toString('base64')}\n`);
    expect(verifyHostKey(e, ['ctl1', '10.0.0.11'], K1)).toBe('match');
  });

  it('reports the key types known for a host and reads a blob type', () => {
    const e = parseKnownHosts(`h ssh-ed25519 ${K1.toString('base64')}\nh ssh-rsa ${R1.toString('base64')}\n`);
    expect(knownKeyTypes(e, ['h'])).toEqual(['ssh-ed25519', 'ssh-rsa']);
    expect(keyTypeOf(K1)).toBe('ssh-ed25519');
    expect(hostKeyName('h', 22)).toBe('h');
  });
});

describe('KnownHostsIndex', () => {
  it('gives the same verdicts as scanning the whole file', () => {
    const name = fc.constantFrom(
      'ctl1',
      'cmp1',
      'cmp2',
      'CMP3',
      '10.0.0.1',
      '[10.0.0.2]:2422',
      'bad.lab',
      'x.lab',
    );
    const key = fc.constantFrom(K1, K2, R1);
    const entry = fc.oneof(
      fc
        .tuple(fc.array(name, { minLength: 1, maxLength: 3 }), key)
        .map(([ns, k]) => `${ns.join(',')} ${keyTypeOf(k)} ${k.toString('base64')}`),
      fc.tuple(name, key).map(([n, k]) => `${hashed(n)} ${keyTypeOf(k)} ${k.toString('base64')}`),
      key.map((k) => `*.lab,!bad.lab ${keyTypeOf(k)} ${k.toString('base64')}`),
      key.map((k) => `@revoked * ${keyTypeOf(k)} ${k.toString('base64')}`),
    );
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 12 }),
        fc.array(name, { minLength: 1, maxLength: 2 }),
        key,
        (lines, names, k) => {
          const all = parseKnownHosts(lines.join('\n'));
          const some = new KnownHostsIndex(all).entriesFor(names);
          expect(verifyHostKey(some, names, k)).toBe(verifyHostKey(all, names, k));
          expect(knownKeyTypes(some, names).sort()).toEqual(knownKeyTypes(all, names).sort());
        },
      ),
      { numRuns: 300 },
    );
  });
});
