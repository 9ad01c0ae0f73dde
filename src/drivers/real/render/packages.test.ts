import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DISTROS_PROFILES } from '../../../catalog/distros.js';
import {
  candidateQuery,
  compareVersions,
  isOnRelease,
  parsePolicy,
  parseVersions,
  refreshCommand,
  upgradeCommand,
  upstreamVersion,
  versionQuery,
} from './packages.js';

const UBUNTU = DISTROS_PROFILES['ubuntu-12.04-uca'];
const TRUSTY = DISTROS_PROFILES['ubuntu-14.04'];
const RHEL = DISTROS_PROFILES['rhel-6-rdo'];
const CENTOS = DISTROS_PROFILES['centos-6-rdo'];

/** The argv a real /bin/sh hands to the command's program (the command name replaced by printf). */
function argvThroughShell(command: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `args() { printf '%s\\0' "$@"; }; args ${command}`]);
  return out.toString('utf8').split('\0').slice(0, -1);
}

describe('upgradeCommand', () => {
  it('apt: only-upgrade of the named packages, non-interactive, keeping the admin config files', () => {
    for (const profile of [UBUNTU, TRUSTY]) {
      const cmd = upgradeCommand(profile, ['nova-api', 'nova-scheduler'], false);
      expect(cmd).toBe(
        'env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600 ' +
          '-o Dpkg::Options::=--force-confold -o Dpkg::Options::=--force-confdef install --only-upgrade ' +
          'nova-api nova-scheduler',
      );
      expect(argvThroughShell(cmd)).toEqual([
        'env',
        'DEBIAN_FRONTEND=noninteractive',
        'apt-get',
        '-y',
        '-q',
        '-o',
        'DPkg::Lock::Timeout=600',
        '-o',
        'Dpkg::Options::=--force-confold',
        '-o',
        'Dpkg::Options::=--force-confdef',
        'install',
        '--only-upgrade',
        'nova-api',
        'nova-scheduler',
      ]);
    }
  });

  it('apt: the full upgrade is a dist-upgrade with the same options and no package list', () => {
    const cmd = upgradeCommand(UBUNTU, ['ignored'], true);
    expect(cmd).toBe(
      'env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=600 ' +
        '-o Dpkg::Options::=--force-confold -o Dpkg::Options::=--force-confdef dist-upgrade',
    );
    expect(cmd).not.toContain('ignored');
  });

  it('yum: upgrade of the named packages, or of everything', () => {
    for (const profile of [RHEL, CENTOS]) {
      expect(upgradeCommand(profile, ['openstack-nova-api', 'python-nova'], false)).toBe(
        'yum -y -q upgrade openstack-nova-api python-nova',
      );
      expect(upgradeCommand(profile, ['openstack-nova-api'], true)).toBe('yum -y -q upgrade');
    }
  });

  it('a package name holding shell syntax stays one argument', () => {
    const evil = ['nova-api; touch /tmp/pwned', '$(id)', "it's"];
    for (const profile of [UBUNTU, RHEL]) {
      const argv = argvThroughShell(upgradeCommand(profile, evil, false));
      expect(argv.slice(-3)).toEqual(evil);
    }
  });
});

describe('versionQuery', () => {
  it('apt: dpkg-query with a literal Package/Version/Status format', () => {
    const cmd = versionQuery(UBUNTU, ['nova-common', 'python-nova']);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's format syntax
    expect(cmd).toBe("dpkg-query -W '-f=${Package} ${Version} ${Status}\\n' nova-common python-nova");
    expect(argvThroughShell(cmd)).toEqual([
      'dpkg-query',
      '-W',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's format syntax
      '-f=${Package} ${Version} ${Status}\\n',
      'nova-common',
      'python-nova',
    ]);
  });

  it('yum: rpm -q with a NAME VERSION-RELEASE format', () => {
    const cmd = versionQuery(RHEL, ['openstack-nova-common']);
    expect(argvThroughShell(cmd)).toEqual([
      'rpm',
      '-q',
      '--qf',
      '%{NAME} %{VERSION}-%{RELEASE}\\n',
      'openstack-nova-common',
    ]);
  });

  it.skipIf(!existsSync('/usr/bin/dpkg-query'))(
    'apt: run for real on this machine, its output parses into name → version',
    () => {
      const r = spawnSync(
        '/bin/sh',
        ['-c', versionQuery(UBUNTU, ['bash', 'coreutils', 'no-such-package-xyz'])],
        {
          encoding: 'utf8',
        },
      );
      // A missing package is reported on stderr (exit 1) after the others are printed.
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/no-such-package-xyz/);
      const versions = parseVersions(r.stdout);
      expect([...versions.keys()].sort()).toEqual(['bash', 'coreutils']);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's format syntax
      const bash = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'bash'], { encoding: 'utf8' });
      expect(versions.get('bash')).toBe(bash);
    },
  );
});

describe('parseVersions', () => {
  it('reads `name version` lines, skipping blank and malformed ones', () => {
    const out = parseVersions(
      [
        'nova-common 1:2014.1.5-0ubuntu1~cloud0',
        '  python-nova 1:2014.1.5-0ubuntu1~cloud0  ',
        '',
        'package foo is not installed',
        'lonely',
        'openstack-nova-api 2014.1.5-1.el6',
        '',
      ].join('\n'),
    );
    expect(Object.fromEntries(out)).toEqual({
      'nova-common': '1:2014.1.5-0ubuntu1~cloud0',
      'python-nova': '1:2014.1.5-0ubuntu1~cloud0',
      'openstack-nova-api': '2014.1.5-1.el6',
    });
  });

  it('counts only fully installed dpkg packages, and flags rpm duplicates', () => {
    const out = parseVersions(
      [
        'nova-common 1:2014.1.5-0ubuntu1~cloud0 install ok installed',
        'nova-api 1:2014.1.5-0ubuntu1~cloud0 install ok half-configured',
        'nova-cert 1:2014.1.5-0ubuntu1~cloud0 install ok unpacked',
        'nova-old 1:2013.2.3-0ubuntu1~cloud0 deinstall ok config-files',
        'openstack-nova-common 2013.2.3-1.el6',
        'openstack-nova-common 2014.1.5-1.el6',
      ].join('\n'),
    );
    expect(Object.fromEntries(out)).toEqual({
      'nova-common': '1:2014.1.5-0ubuntu1~cloud0',
      'openstack-nova-common': '2013.2.3-1.el6+2014.1.5-1.el6',
    });
    expect(isOnRelease(out.get('openstack-nova-common') ?? '', '2014.1')).toBe(false);
  });

  it('an empty output is an empty map', () => {
    expect(parseVersions('').size).toBe(0);
  });
});

describe('upstreamVersion', () => {
  it.each([
    ['1:2014.1.5-0ubuntu1~cloud0', '2014.1.5'],
    ['1:2013.2.4-0ubuntu1~cloud0', '2013.2.4'],
    ['1:2014.1.5-0ubuntu1.4', '2014.1.5'],
    ['2014.1.5-1.el6', '2014.1.5'],
    ['2013.2.3-1.el6', '2013.2.3'],
    ['2014.1.5', '2014.1.5'],
    ['1:2014.1~rc1-0ubuntu1', '2014.1'],
    ['2014.1.1+git201406051522~precise-0ubuntu1', '2014.1.1'],
  ])('%s → %s', (distro, upstream) => {
    expect(upstreamVersion(distro)).toBe(upstream);
  });
});

describe('isOnRelease', () => {
  it('Ubuntu Cloud Archive versions', () => {
    expect(isOnRelease('1:2014.1.5-0ubuntu1~cloud0', '2014.1')).toBe(true);
    expect(isOnRelease('1:2014.1.5-0ubuntu1~cloud0', '2013.2')).toBe(false);
    expect(isOnRelease('1:2013.2.4-0ubuntu1~cloud0', '2014.1')).toBe(false);
    expect(isOnRelease('1:2013.2.4-0ubuntu1~cloud0', '2013.2')).toBe(true);
  });

  it('RDO versions', () => {
    expect(isOnRelease('2014.1.5-1.el6', '2014.1')).toBe(true);
    expect(isOnRelease('2013.2.3-1.el6', '2014.1')).toBe(false);
    expect(isOnRelease('2013.2.3-1.el6', '2013.2')).toBe(true);
  });

  it('the release version exactly, and not a longer number sharing its prefix', () => {
    expect(isOnRelease('2014.1-1.el6', '2014.1')).toBe(true);
    expect(isOnRelease('2014.10.1-1.el6', '2014.1')).toBe(false);
    expect(isOnRelease('1:2014.11-0ubuntu1', '2014.1')).toBe(false);
  });
});

describe('compareVersions', () => {
  it('compares dotted numbers numerically, missing parts as zero', () => {
    expect(compareVersions('2013.2.10', '2013.2.2')).toBe(1);
    expect(compareVersions('2013.2.2', '2013.2.10')).toBe(-1);
    expect(compareVersions('2014.1', '2013.2.4')).toBe(1);
    expect(compareVersions('2014.1', '2014.1.0')).toBe(0);
    expect(compareVersions('2014.1.5', '2014.1.5')).toBe(0);
    expect(compareVersions('2014.1.5-1', '2014.1.5-2')).toBe(-1);
  });

  const version = fc.array(fc.nat({ max: 3000 }), { minLength: 1, maxLength: 5 }).map((xs) => xs.join('.'));
  const sign = (n: number) => (n === 0 ? 0 : n < 0 ? -1 : 1);

  it('is reflexive and antisymmetric', () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(compareVersions(a, a)).toBe(0);
        // Summed, not negated: -0 is not 0 to toBe (Object.is), and equal versions like 1 and 1.0 compare 0.
        expect(sign(compareVersions(a, b)) + sign(compareVersions(b, a))).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('is transitive', () => {
    // Small numbers and short versions, so that equal prefixes and ties are common.
    const close = fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 4 }).map((xs) => xs.join('.'));
    fc.assert(
      fc.property(close, close, close, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort(compareVersions) as [string, string, string];
        expect(compareVersions(x, y)).toBeLessThanOrEqual(0);
        expect(compareVersions(y, z)).toBeLessThanOrEqual(0);
        expect(compareVersions(x, z)).toBeLessThanOrEqual(0);
        if (compareVersions(x, y) === 0 && compareVersions(y, z) === 0) expect(compareVersions(x, z)).toBe(0);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0) {
          expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
        }
        if (compareVersions(a, b) < 0 && compareVersions(b, c) < 0) expect(compareVersions(a, c)).toBe(-1);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with the order of the number tuples (trailing zeros dropped)', () => {
    const tuple = fc.array(fc.nat({ max: 50 }), { minLength: 1, maxLength: 4 });
    const trim = (xs: number[]) => {
      const out = [...xs];
      while (out.length > 0 && out[out.length - 1] === 0) out.pop();
      return out;
    };
    const lex = (a: number[], b: number[]) => {
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        const d = (a[i] ?? 0) - (b[i] ?? 0);
        if (d !== 0) return sign(d);
      }
      return 0;
    };
    fc.assert(
      fc.property(tuple, tuple, (a, b) => {
        expect(compareVersions(a.join('.'), b.join('.'))).toBe(lex(trim(a), trim(b)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('point releases: candidate versions', () => {
  it('reads installed and candidate versions from apt-cache policy', () => {
    const out = [
      'python3-nova:',
      '  Installed: 2:26.2.2-1~deb12u4',
      '  Candidate: 2:26.2.2-1~deb12u5',
      '  Version table:',
      '     2:26.2.2-1~deb12u5 500',
      '        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages',
      ' *** 2:26.2.2-1~deb12u4 500',
      'nova-api:',
      '  Installed: (none)',
      '  Candidate: 2:26.2.2-1~deb12u5',
      '',
    ].join('\n');
    expect(parsePolicy(out)).toEqual(
      new Map([
        ['python3-nova', { installed: '2:26.2.2-1~deb12u4', candidate: '2:26.2.2-1~deb12u5' }],
        ['nova-api', { candidate: '2:26.2.2-1~deb12u5' }],
      ]),
    );
  });

  it('asks apt-cache for exactly the named packages', () => {
    expect(argvThroughShell(candidateQuery(UBUNTU, ['python3-nova', 'nova-common']))).toEqual([
      'env',
      'LC_ALL=C',
      'apt-cache',
      'policy',
      'python3-nova',
      'nova-common',
    ]);
  });
});

describe('refreshCommand: apt-get update with the lists lock taken', () => {
  /** A fake apt-get that fails with `first` (stderr, exit 100) on its first `fails` calls, then succeeds. */
  function withFakeApt(fails: number, first: string) {
    const dir = mkdtempSync(path.join(tmpdir(), 'stackhop-apt-'));
    writeFileSync(
      path.join(dir, 'apt-get'),
      `#!/bin/sh\nn=$(cat ${dir}/n 2>/dev/null || echo 0); echo $((n + 1)) > ${dir}/n\n` +
        `if [ "$n" -lt ${fails} ]; then echo '${first}' >&2; exit 100; fi\necho 'Reading package lists... Done'\n`,
    );
    chmodSync(path.join(dir, 'apt-get'), 0o755);
    const run = () =>
      spawnSync('/bin/sh', ['-c', refreshCommand(UBUNTU, 0)], {
        env: { PATH: `${dir}:/usr/bin:/bin` },
        encoding: 'utf8',
      });
    const calls = () => Number(readFileSync(path.join(dir, 'n'), 'utf8'));
    return { run, calls, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }

  it('waits while another apt-get holds the lock, then succeeds', () => {
    const apt = withFakeApt(
      3,
      'E: Could not get lock /var/lib/apt/lists/lock. It is held by process 12195 (apt-get)',
    );
    try {
      const r = apt.run();
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('Reading package lists');
      expect(apt.calls()).toBe(4);
    } finally {
      apt.cleanup();
    }
  });

  it('stops at once on any other failure, with apt-get’s message and exit code', () => {
    const apt = withFakeApt(5, 'E: The repository is not signed.');
    try {
      const r = apt.run();
      expect(r.status).toBe(100);
      expect(r.stderr).toContain('not signed');
      expect(apt.calls()).toBe(1);
    } finally {
      apt.cleanup();
    }
  });
});
