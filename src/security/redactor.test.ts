import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../engine/events.js';
import { Redactor } from './redactor.js';

const MASK = '********';

function redactor(...secrets: string[]): Redactor {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return r;
}

describe('Redactor.fromEnv', () => {
  const env = {
    OS_USERNAME: 'admin-user',
    OS_PASSWORD: 'os-pass-1234',
    OS_TENANT_NAME: 'admin-tenant',
    OS_AUTH_URL: 'http://ctl1:5000/v2.0',
    STACKHOP_DB_USER: 'backup-user',
    STACKHOP_DB_PASSWORD: 'db-pass-5678',
    OS_TOKEN: 'tok-abcdef',
    SERVICE_TOKEN: 'svc-token-999',
    RABBIT_PASS: 'rabbit-pw-42',
    AWS_SECRET: 'aws-secret-x',
    HOME: '/root',
    PATH: '/usr/bin:/bin',
    PASSWORD_FILE: '/etc/pw-file',
    TOKEN_URL: 'http://token.example',
    SHORT_TOKEN: 'abc',
    UNSET_PASSWORD: undefined,
  };
  const r = Redactor.fromEnv(env);

  it('takes the values of variables named like secrets', () => {
    for (const name of [
      'OS_PASSWORD',
      'STACKHOP_DB_PASSWORD',
      'OS_TOKEN',
      'SERVICE_TOKEN',
      'RABBIT_PASS',
      'AWS_SECRET',
    ])
      expect(r.redact(`x ${env[name as keyof typeof env]} y`), name).toBe(`x ${MASK} y`);
  });

  it('leaves the others alone: user names, URLs, paths', () => {
    for (const name of [
      'OS_USERNAME',
      'OS_TENANT_NAME',
      'OS_AUTH_URL',
      'STACKHOP_DB_USER',
      'HOME',
      'PATH',
      'PASSWORD_FILE',
      'TOKEN_URL',
    ]) {
      const v = env[name as keyof typeof env]!;
      expect(r.redact(v), name).toBe(v);
    }
  });

  it('ignores values too short to be secrets', () => {
    expect(r.redact('abc')).toBe('abc');
  });

  it('matches names whatever their case', () => {
    expect(Redactor.fromEnv({ db_password: 'lower-case-pw' }).redact('lower-case-pw')).toBe(MASK);
  });

  it('an environment without secrets redacts nothing', () => {
    const none = Redactor.fromEnv({ OS_USERNAME: 'admin', HOME: '/root' });
    expect(none.size).toBe(0);
    expect(none.redact('admin /root')).toBe('admin /root');
  });
});

describe('Redactor.redact', () => {
  it('masks every occurrence', () => {
    expect(redactor('hunter22').redact('pw=hunter22; again hunter22hunter22.')).toBe(
      `pw=${MASK}; again ${MASK}${MASK}.`,
    );
  });

  it('masks the URL-encoded form too', () => {
    const r = redactor('p@ss w/rd:1');
    expect(r.size).toBe(2);
    expect(r.redact('mysql://nova:p%40ss%20w%2Frd%3A1@db1/nova')).toBe(`mysql://nova:${MASK}@db1/nova`);
    expect(r.redact('plain p@ss w/rd:1')).toBe(`plain ${MASK}`);
  });

  it('the longer of two overlapping secrets wins', () => {
    const r = redactor('abcd', 'abcdefgh');
    expect(r.redact('xabcdefghx abcdx')).toBe(`x${MASK}x ${MASK}x`);
  });

  it('regular-expression characters in a secret are literal', () => {
    const r = redactor('a.b*c(d)|$^[x]\\');
    expect(r.redact('aXbbbc(d)|$^[x]\\')).toBe('aXbbbc(d)|$^[x]\\');
    expect(r.redact('pw a.b*c(d)|$^[x]\\ end')).toBe(`pw ${MASK} end`);
  });

  it('short values are not secrets', () => {
    const r = redactor('abc', '', '42');
    expect(r.size).toBe(0);
    expect(r.redact('abc 42')).toBe('abc 42');
    r.add('abcd');
    expect(r.redact('abc abcd')).toBe(`abc ${MASK}`);
  });

  it('adding a secret twice or undefined changes nothing', () => {
    const r = redactor('secret-1', 'secret-1');
    r.add(undefined);
    expect(r.size).toBe(1);
  });

  it('a secret added later applies from then on', () => {
    const r = redactor('first-secret');
    expect(r.redact('first-secret second-secret')).toBe(`${MASK} second-secret`);
    r.add('second-secret');
    expect(r.redact('first-secret second-secret')).toBe(`${MASK} ${MASK}`);
  });

  it('no secret survives, wherever it sits in the text', () => {
    const secret = fc
      .string({ unit: 'grapheme', minLength: 4, maxLength: 20 })
      .filter((s) => !s.includes('*'));
    const text = fc.string({ unit: 'grapheme', maxLength: 20 });
    fc.assert(
      fc.property(secret, fc.array(text, { minLength: 1, maxLength: 4 }), (s, parts) => {
        const out = redactor(s).redact(parts.join(s));
        expect(out).not.toContain(s);
        if (encodeURIComponent(s) !== s)
          expect(redactor(s).redact(parts.join(encodeURIComponent(s)))).not.toContain(encodeURIComponent(s));
      }),
      { numRuns: 300 },
    );
  });
});

describe('Redactor.redactDeep', () => {
  it('masks strings at any depth of an event, leaving other values and the keys alone', () => {
    const r = redactor('db-pass-5678');
    const event: EngineEvent = {
      type: 'step-failed',
      at: 12,
      step: 'backup/ctl1/db',
      host: 'ctl1',
      attempt: 2,
      duration_ms: 340,
      error: 'mysqldump: Access denied (using password: db-pass-5678)',
      output: '$ mysqldump -pdb-pass-5678 nova\nexit 2',
    };
    expect(r.redactDeep(event)).toEqual({
      ...event,
      error: `mysqldump: Access denied (using password: ${MASK})`,
      output: `$ mysqldump -p${MASK} nova\nexit 2`,
    });
  });

  it('walks arrays and nested objects, and does not change its input', () => {
    const r = redactor('tok-abcdef');
    const value = {
      a: ['tok-abcdef', 1, null, true, { b: 'x tok-abcdef', c: [['tok-abcdef']] }],
      n: 3,
      u: undefined,
      'tok-abcdef': 'key stays',
    };
    const copy = structuredClone(value);
    const out = r.redactDeep(value);
    expect(out).toEqual({
      a: [MASK, 1, null, true, { b: `x ${MASK}`, c: [[MASK]] }],
      n: 3,
      u: undefined,
      'tok-abcdef': 'key stays',
    });
    expect(value).toEqual(copy);
  });

  it('a bare string or number', () => {
    const r = redactor('tok-abcdef');
    expect(r.redactDeep('tok-abcdef!')).toBe(`${MASK}!`);
    expect(r.redactDeep(42)).toBe(42);
  });

  it('without secrets, the same value back', () => {
    const value = { a: 'x' };
    expect(new Redactor().redactDeep(value)).toBe(value);
  });
});
