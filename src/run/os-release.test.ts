import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DISTROS } from '../catalog/types.js';
import { type DetectedDistro, DISTRO_QUERY, matchesDistro, parseDistro } from './os-release.js';

const UBUNTU_1204 = `NAME="Ubuntu"
VERSION="12.04.5 LTS, Precise Pangolin"
ID=ubuntu
ID_LIKE=debian
PRETTY_NAME="Ubuntu precise (12.04.5 LTS)"
VERSION_ID="12.04"
`;

const UBUNTU_1404 = `NAME="Ubuntu"
VERSION="14.04.6 LTS, Trusty Tahr"
ID=ubuntu
ID_LIKE=debian
PRETTY_NAME="Ubuntu 14.04.6 LTS"
VERSION_ID="14.04"
HOME_URL="http://www.ubuntu.com/"
SUPPORT_URL="http://help.ubuntu.com/"
BUG_REPORT_URL="http://bugs.launchpad.net/ubuntu/"
`;

const DEBIAN_12 = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

const osRelease = (text: string) => `OSRELEASE\n${text}`;
const redhat = (line: string) => `REDHAT\n${line}\n`;

describe('parseDistro', () => {
  it('Ubuntu 12.04 from /etc/os-release', () => {
    expect(parseDistro(osRelease(UBUNTU_1204))).toEqual({
      id: 'ubuntu',
      version: '12.04',
      pretty: 'Ubuntu precise (12.04.5 LTS)',
    });
  });

  it('Ubuntu 14.04 from /etc/os-release', () => {
    expect(parseDistro(osRelease(UBUNTU_1404))).toEqual({
      id: 'ubuntu',
      version: '14.04',
      pretty: 'Ubuntu 14.04.6 LTS',
    });
  });

  it('Debian 12 from /etc/os-release (ID is not confused with VERSION_ID or ID_LIKE)', () => {
    expect(parseDistro(osRelease(DEBIAN_12))).toEqual({
      id: 'debian',
      version: '12',
      pretty: 'Debian GNU/Linux 12 (bookworm)',
    });
  });

  it('CentOS 6.5 from /etc/redhat-release', () => {
    expect(parseDistro(redhat('CentOS release 6.5 (Final)'))).toEqual({
      id: 'centos',
      version: '6',
      pretty: 'CentOS release 6.5 (Final)',
    });
  });

  it('RHEL 6.5 from /etc/redhat-release', () => {
    expect(parseDistro(redhat('Red Hat Enterprise Linux Server release 6.5 (Santiago)'))).toEqual({
      id: 'rhel',
      version: '6',
      pretty: 'Red Hat Enterprise Linux Server release 6.5 (Santiago)',
    });
    expect(parseDistro(redhat('Red Hat Enterprise Linux Workstation release 6.10 (Santiago)'))?.id).toBe(
      'rhel',
    );
  });

  it('another Red Hat-like distro is unknown, with its version', () => {
    expect(parseDistro(redhat('Scientific Linux release 6.5 (Carbon)'))).toEqual({
      id: 'unknown',
      version: '6',
      pretty: 'Scientific Linux release 6.5 (Carbon)',
    });
  });

  it('missing fields are empty, not undefined', () => {
    expect(parseDistro(osRelease('NAME="Something"\n'))).toEqual({ id: '', version: '', pretty: '' });
    expect(parseDistro(redhat('garbage'))).toEqual({ id: 'unknown', version: '', pretty: 'garbage' });
  });

  it('neither file, or output it does not know', () => {
    expect(parseDistro('NONE\n')).toBeUndefined();
    expect(parseDistro('')).toBeUndefined();
    expect(parseDistro('Welcome to Ubuntu\nOSRELEASE\nID=ubuntu\n')).toBeUndefined();
  });

  it.skipIf(!existsSync('/etc/os-release') || existsSync('/etc/redhat-release'))(
    'DISTRO_QUERY run by a real /bin/sh on this machine reads its /etc/os-release',
    () => {
      const out = execFileSync('/bin/sh', ['-c', DISTRO_QUERY], { encoding: 'utf8' });
      expect(out.startsWith('OSRELEASE\n')).toBe(true);
      const d = parseDistro(out);
      const text = execFileSync('cat', ['/etc/os-release'], { encoding: 'utf8' });
      const id = /^ID="?([^"\n]*)"?$/m.exec(text)?.[1];
      expect(d?.id).toBe(id);
      expect(d?.id).not.toBe('');
    },
  );
});

describe('matchesDistro', () => {
  const found = {
    u1204: parseDistro(osRelease(UBUNTU_1204))!,
    u1404: parseDistro(osRelease(UBUNTU_1404))!,
    centos: parseDistro(redhat('CentOS release 6.5 (Final)'))!,
    rhel: parseDistro(redhat('Red Hat Enterprise Linux Server release 6.5 (Santiago)'))!,
    debian: parseDistro(osRelease(DEBIAN_12))!,
  };

  it('each host matches its own profile only', () => {
    const matches = (d: DetectedDistro) => DISTROS.filter((p) => matchesDistro(d, p));
    expect(matches(found.u1204)).toEqual(['ubuntu-12.04-uca']);
    expect(matches(found.u1404)).toEqual(['ubuntu-14.04']);
    expect(matches(found.centos)).toEqual(['centos-6-rdo']);
    expect(matches(found.rhel)).toEqual(['rhel-6-rdo']);
    expect(matches(found.debian)).toEqual(['debian-12']);
  });

  it('a point release matches; a longer number with the same digits does not', () => {
    expect(matchesDistro({ id: 'rhel', version: '6.5', pretty: '' }, 'rhel-6-rdo')).toBe(true);
    expect(matchesDistro({ id: 'ubuntu', version: '12.04.5', pretty: '' }, 'ubuntu-12.04-uca')).toBe(true);
    expect(matchesDistro({ id: 'rhel', version: '66', pretty: '' }, 'rhel-6-rdo')).toBe(false);
    expect(matchesDistro({ id: 'centos', version: '7', pretty: '' }, 'centos-6-rdo')).toBe(false);
    expect(matchesDistro({ id: 'ubuntu', version: '12.10', pretty: '' }, 'ubuntu-12.04-uca')).toBe(false);
    expect(matchesDistro({ id: 'ubuntu', version: '', pretty: '' }, 'ubuntu-14.04')).toBe(false);
  });
});
