import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { credentialsFromEnv, defaultsArg, type MysqlCredentials, optionFile } from './mysql-credentials.js';

const dir = mkdtempSync(path.join(tmpdir(), 'stackhop-mycnf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MY_PRINT_DEFAULTS = '/usr/bin/my_print_defaults';

/** The options MariaDB's own option-file parser reads from the file (what mysql and mysqldump get). */
function parsed(c: MysqlCredentials): string[] {
  const file = path.join(dir, 'my.cnf');
  writeFileSync(file, optionFile(c));
  return execFileSync(MY_PRINT_DEFAULTS, [`--defaults-file=${file}`, 'client'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l !== '');
}

describe('optionFile', () => {
  it('a [client] group with quoted values', () => {
    expect(optionFile({ user: 'root', password: 's3cret' })).toBe(
      '[client]\nuser="root"\npassword="s3cret"\n',
    );
    expect(optionFile({ user: 'backup', password: 'pw', host: 'db1.example', port: 3307 })).toBe(
      '[client]\nuser="backup"\npassword="pw"\nhost="db1.example"\nport=3307\n',
    );
  });

  it('escapes backslashes and double quotes', () => {
    expect(optionFile({ user: 'u', password: 'a"b\\c' })).toBe('[client]\nuser="u"\npassword="a\\"b\\\\c"\n');
  });

  it.each([
    ['a line feed in the password', { user: 'root', password: 'pw\n[mysqld]' }],
    ['a carriage return in the password', { user: 'root', password: 'pw\rx' }],
    ['a line feed in the user', { user: 'root\npassword=x', password: 'pw' }],
    ['a carriage return in the user', { user: 'root\r', password: 'pw' }],
  ])('refuses %s', (_, c) => {
    expect(() => optionFile(c)).toThrow(/line break/);
  });

  // A STACKHOP_DB_HOST holding a newline would write extra option lines (my_print_defaults would read
  // `--host="db1` and `--socket=/tmp/evil.sock"` as two options).
  it('refuses a line break in the host too', () => {
    expect(() => optionFile({ user: 'root', password: 'pw12', host: 'db1\nsocket=/tmp/evil.sock' })).toThrow(
      /line break/,
    );
  });

  describe.skipIf(!existsSync(MY_PRINT_DEFAULTS))("read back by MariaDB's option-file parser", () => {
    it('awkward values come back verbatim', () => {
      expect(
        parsed({
          user: 'svc "backup"',
          password: ` p#ss;w0rd\\ 'x' \\"\\n\t$HOME \\`,
          host: '127.0.0.1',
          port: 3306,
        }),
      ).toEqual([
        '--user=svc "backup"',
        `--password= p#ss;w0rd\\ 'x' \\"\\n\t$HOME \\`,
        '--host=127.0.0.1',
        '--port=3306',
      ]);
    });

    it('any user and password without line breaks or NUL come back verbatim', () => {
      const value = fc
        .oneof(
          fc.string({ unit: 'binary-ascii', maxLength: 24 }),
          fc.string({ unit: 'grapheme', maxLength: 24 }),
        )
        .filter((s) => !/[\r\n\0]/.test(s));
      fc.assert(
        fc.property(value, value, (user, password) => {
          expect(parsed({ user, password })).toEqual([`--user=${user}`, `--password=${password}`]);
        }),
        { numRuns: 200 },
      );
    });
  });
});

describe('credentialsFromEnv', () => {
  it('nothing without a password: the DB host’s own ~/.my.cnf or socket auth applies', () => {
    expect(credentialsFromEnv({})).toBeUndefined();
    expect(credentialsFromEnv({ STACKHOP_DB_USER: 'backup' })).toBeUndefined();
    expect(credentialsFromEnv({ STACKHOP_DB_PASSWORD: '' })).toBeUndefined();
  });

  it('the user defaults to root', () => {
    expect(credentialsFromEnv({ STACKHOP_DB_PASSWORD: 'pw' })).toEqual({ user: 'root', password: 'pw' });
  });

  it('user, host and port when set', () => {
    expect(
      credentialsFromEnv({
        STACKHOP_DB_USER: 'backup',
        STACKHOP_DB_PASSWORD: 'pw',
        STACKHOP_DB_HOST: 'db1',
        STACKHOP_DB_PORT: '3307',
      }),
    ).toEqual({ user: 'backup', password: 'pw', host: 'db1', port: 3307 });
  });

  it('a port that is not a number is ignored', () => {
    expect(credentialsFromEnv({ STACKHOP_DB_PASSWORD: 'pw', STACKHOP_DB_PORT: '33o6' })).toEqual({
      user: 'root',
      password: 'pw',
    });
    expect(credentialsFromEnv({ STACKHOP_DB_PASSWORD: 'pw', STACKHOP_DB_PORT: '-1' })).toEqual({
      user: 'root',
      password: 'pw',
    });
  });

  it('other variables do not count', () => {
    expect(credentialsFromEnv({ OS_PASSWORD: 'pw', MYSQL_PWD: 'pw' })).toBeUndefined();
  });
});

describe('defaultsArg', () => {
  it('nothing without a file, else a leading --defaults-file, quoted', () => {
    expect(defaultsArg(undefined)).toBe('');
    expect(defaultsArg('/var/backups/stackhop/r1/.stackhop-my.cnf')).toBe(
      ' --defaults-file=/var/backups/stackhop/r1/.stackhop-my.cnf',
    );
    expect(defaultsArg('/tmp/a b/my.cnf')).toBe(" --defaults-file='/tmp/a b/my.cnf'");
  });
});
