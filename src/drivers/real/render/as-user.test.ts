import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asUser } from './as-user.js';

/**
 * What `su` would receive from a real /bin/sh: the rendered line runs with `su` defined as a function
 * that prints its arguments (running as another user needs root and that user; the quoting does not).
 */
function suArgv(line: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `su() { printf '%s\\0' "$@"; }\n${line}`]);
  return out.toString('utf8').split('\0').slice(0, -1);
}

describe('asUser', () => {
  it('without a user, the command as it is', () => {
    expect(asUser(undefined, 'nova-manage db sync')).toBe('nova-manage db sync');
  });

  it('su with /bin/sh as the shell (service users have /bin/false) and the command as one argument', () => {
    expect(asUser('nova', 'nova-manage db sync')).toBe("su -s /bin/sh -c 'nova-manage db sync' nova");
    expect(suArgv(asUser('nova', 'nova-manage db sync'))).toEqual([
      '-s',
      '/bin/sh',
      '-c',
      'nova-manage db sync',
      'nova',
    ]);
  });

  it.each(['nova', 'neutron', 'ceilometer', '_apt', 'glance-api', 'heat_1'])(
    'accepts the user name %s',
    (u) => {
      expect(asUser(u, 'true')).toMatch(new RegExp(` ${u}$`));
    },
  );

  it.each([
    '',
    'Nova',
    '1nova',
    '-nova',
    '--login',
    'nova user',
    'nova;id',
    '$(id)',
    '`id`',
    'nova\n',
    'nova\nid',
    "nova'",
    'nova/../root',
  ])('refuses the user name %j', (u) => {
    expect(() => asUser(u, 'true')).toThrow(/not a user name/);
  });

  it('catalog-style commands reach su unchanged through a real shell', () => {
    const commands = [
      'neutron-db-manage --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade head',
      "keystone-manage db_sync && echo 'done'",
      'glance-manage db_sync; echo $? "$HOME" `id -u` $(hostname)',
      'it\'s a "quoted" \\ string\nwith a newline',
    ];
    for (const c of commands)
      expect(suArgv(asUser('neutron', c))).toEqual(['-s', '/bin/sh', '-c', c, 'neutron']);
  });

  it('any command (no NUL) reaches su as exactly one argument', () => {
    const command = fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(command, (c) => {
        expect(suArgv(asUser('nova', c))).toEqual(['-s', '/bin/sh', '-c', c, 'nova']);
      }),
      { numRuns: 100 },
    );
  });

  it('the command su hands to /bin/sh runs as written, its metacharacters intact', () => {
    // su runs `SHELL -c CMD`: do that with what su received.
    const c = `printf '%s|' "it's" '$(id)' '\`id\`' "$(echo sub)"; echo`;
    const [, shell, , cmd] = suArgv(asUser('nova', c));
    expect(execFileSync(shell!, ['-c', cmd!], { encoding: 'utf8' })).toBe("it's|$(id)|`id`|sub|\n");
  });
});
