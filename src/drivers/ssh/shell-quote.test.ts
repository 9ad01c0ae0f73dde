import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quote, shellCommand } from './shell-quote.js';

/** What a real POSIX shell makes of the quoted arguments. */
function throughShell(argv: readonly string[]): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${argv.map(quote).join(' ')}`]);
  return out.toString('utf8').split('\0').slice(0, -1);
}

describe('quote', () => {
  it('leaves plain words bare and quotes the rest', () => {
    expect(quote('nova-compute')).toBe('nova-compute');
    expect(quote('Dpkg::Options::=--force-confold')).toBe('Dpkg::Options::=--force-confold');
    expect(quote('a b')).toBe("'a b'");
    expect(quote("it's")).toBe(`'it'\\''s'`);
    expect(quote('')).toBe("''");
  });

  it('refuses NUL bytes', () => {
    expect(() => quote('a\0b')).toThrow(/NUL/);
  });

  it('a real shell reads back exactly the arguments, whatever they hold', () => {
    const arg = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 5 }), (argv) => {
        expect(throughShell(argv)).toEqual(argv);
      }),
      { numRuns: 150 },
    );
  });

  it('shell metacharacters never run', () => {
    const evil = [
      '$(touch /tmp/pwned)',
      '`id`',
      '; rm -rf /',
      '| cat /etc/shadow',
      '&& reboot',
      '\n echo hi',
    ];
    expect(throughShell(evil)).toEqual(evil);
    expect(shellCommand(['service', 'nova-api', 'stop'])).toBe('service nova-api stop');
  });
});
