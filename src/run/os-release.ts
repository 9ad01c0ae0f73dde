// Which distro a host runs, read the way each family states it: /etc/os-release (Ubuntu), or
// /etc/redhat-release on RHEL/CentOS 6, which predate os-release.

import type { DistroId } from '../catalog/types.js';

export interface DetectedDistro {
  id: string;
  version: string;
  pretty: string;
}

export const DISTRO_QUERY =
  'if test -e /etc/redhat-release; then echo REDHAT; cat /etc/redhat-release; elif test -e /etc/os-release; then echo OSRELEASE; cat /etc/os-release; else echo NONE; fi';

export function parseDistro(stdout: string): DetectedDistro | undefined {
  const [kind, ...rest] = stdout.split('\n');
  const body = rest.join('\n');
  if (kind === 'REDHAT') {
    const line = rest[0]?.trim() ?? '';
    const version = /release (\d+)(?:\.(\d+))?/.exec(line);
    const id = /centos/i.test(line) ? 'centos' : /red hat/i.test(line) ? 'rhel' : 'unknown';
    return { id, version: version?.[1] ?? '', pretty: line };
  }
  if (kind === 'OSRELEASE') {
    const field = (name: string) => new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm').exec(body)?.[1] ?? '';
    return { id: field('ID'), version: field('VERSION_ID'), pretty: field('PRETTY_NAME') };
  }
  return undefined;
}

/** What a profile expects to find on its hosts. */
const EXPECTED: Readonly<Record<DistroId, { id: string; version: string }>> = {
  'ubuntu-12.04-uca': { id: 'ubuntu', version: '12.04' },
  'ubuntu-14.04': { id: 'ubuntu', version: '14.04' },
  'rhel-6-rdo': { id: 'rhel', version: '6' },
  'centos-6-rdo': { id: 'centos', version: '6' },
  'debian-12': { id: 'debian', version: '12' },
};

export function matchesDistro(found: DetectedDistro, distro: DistroId): boolean {
  const want = EXPECTED[distro];
  return (
    found.id === want.id && (found.version === want.version || found.version.startsWith(`${want.version}.`))
  );
}
