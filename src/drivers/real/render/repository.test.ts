import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DISTROS_PROFILES } from '../../../catalog/distros.js';
import { refreshCommand } from './packages.js';
import { cloudArchiveFile, rdoPackage, switchCommands, switchProbe } from './repository.js';

const UBUNTU = DISTROS_PROFILES['ubuntu-12.04-uca'];
const TRUSTY = DISTROS_PROFILES['ubuntu-14.04'];
const RHEL = DISTROS_PROFILES['rhel-6-rdo'];
const CENTOS = DISTROS_PROFILES['centos-6-rdo'];

const dir = mkdtempSync(path.join(tmpdir(), 'stackhop-repo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Fake package tools on PATH, so the rendered text runs in a real /bin/sh: rpm answers from a folder
 * of installed package names, yum/add-apt-repository change it, every call is logged.
 */
const bin = path.join(dir, 'bin');
const state = path.join(dir, 'state');
const sources = path.join(dir, 'sources.list.d');
const calls = path.join(dir, 'calls.log');
mkdirSync(bin);
const tools: Record<string, string> = {
  rpm: `[ "$1" = -q ] && [ "$2" = --quiet ] || exit 99
test -e "${state}/$3"`,
  yum: `case "$3" in
  erase) rm "${state}/$4" ;;
  install) name=$(echo "$4" | grep -o 'rdo-release-[a-z]*'); touch "${state}/$name" ;;
esac`,
  'add-apt-repository': `if [ "$2" = -r ]; then rm -f "${sources}/cloudarchive-\${3#cloud-archive:}.list"
else touch "${sources}/cloudarchive-\${2#cloud-archive:}.list"; fi`,
  'apt-get': 'true',
};
for (const [name, body] of Object.entries(tools)) {
  writeFileSync(path.join(bin, name), `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> "${calls}"\n${body}\n`);
  chmodSync(path.join(bin, name), 0o755);
}

function sh(command: string): number {
  const r = spawnSync('/bin/sh', ['-c', command], {
    env: { PATH: `${bin}:/usr/bin:/bin` },
    encoding: 'utf8',
  });
  if (r.status === 99) throw new Error(`unexpected rpm call: ${command}`);
  return r.status ?? -1;
}

/** The apt probe, its fixed sources.list.d folder moved to the test's own. */
function aptProbe(text: string): number {
  return sh(text.replaceAll('/etc/apt/sources.list.d/', `${sources}/`));
}

function loggedCalls(): string[] {
  return existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [];
}

beforeEach(() => {
  for (const d of [state, sources]) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d);
  }
  rmSync(calls, { force: true });
});

describe('cloudArchiveFile / rdoPackage', () => {
  it('name the files and packages the switch leaves behind', () => {
    expect(cloudArchiveFile('cloud-archive:icehouse')).toBe(
      '/etc/apt/sources.list.d/cloudarchive-icehouse.list',
    );
    expect(cloudArchiveFile('ppa:foo/bar')).toBeUndefined();
    expect(cloudArchiveFile('cloud-archive:icehouse; rm -rf /')).toBeUndefined();
    expect(rdoPackage('http://rdo.fedorapeople.org/openstack-havana/rdo-release-havana.rpm')).toBe(
      'rdo-release-havana',
    );
    expect(
      rdoPackage(
        'https://repos.fedorapeople.org/repos/openstack/openstack-icehouse/rdo-release-icehouse-3.noarch.rpm',
      ),
    ).toBe('rdo-release-icehouse');
    expect(rdoPackage('epel-release')).toBeUndefined();
  });
});

describe('Ubuntu 12.04 with the Cloud Archive, havana → icehouse', () => {
  const icehouse = UBUNTU.repositories.icehouse!;
  const havana = UBUNTU.repositories.havana!;

  it('removes the havana pocket, adds the icehouse one, refreshes the index', () => {
    expect(switchCommands(UBUNTU, icehouse)).toEqual([
      'add-apt-repository -y -r cloud-archive:havana',
      'add-apt-repository -y cloud-archive:icehouse',
      refreshCommand(UBUNTU),
    ]);
  });

  it('the probe wants the icehouse list file and no havana one', () => {
    expect(switchProbe(UBUNTU, icehouse)).toBe(
      'test -e /etc/apt/sources.list.d/cloudarchive-icehouse.list && ' +
        '! test -e /etc/apt/sources.list.d/cloudarchive-havana.list',
    );
  });

  it('run in a real shell: not done before the switch, done after, and back for the rollback', () => {
    writeFileSync(path.join(sources, 'cloudarchive-havana.list'), 'deb …\n');
    expect(aptProbe(switchProbe(UBUNTU, icehouse))).not.toBe(0);
    expect(aptProbe(switchProbe(UBUNTU, havana))).toBe(0);

    for (const c of switchCommands(UBUNTU, icehouse)) expect(sh(c), c).toBe(0);
    expect(existsSync(path.join(sources, 'cloudarchive-icehouse.list'))).toBe(true);
    expect(existsSync(path.join(sources, 'cloudarchive-havana.list'))).toBe(false);
    expect(aptProbe(switchProbe(UBUNTU, icehouse))).toBe(0);
    expect(aptProbe(switchProbe(UBUNTU, havana))).not.toBe(0);

    // Both pockets present (a half-done switch) is not done either way.
    writeFileSync(path.join(sources, 'cloudarchive-havana.list'), 'deb …\n');
    expect(aptProbe(switchProbe(UBUNTU, icehouse))).not.toBe(0);
    expect(aptProbe(switchProbe(UBUNTU, havana))).not.toBe(0);

    for (const c of switchCommands(UBUNTU, havana)) expect(sh(c), c).toBe(0);
    expect(aptProbe(switchProbe(UBUNTU, havana))).toBe(0);
    expect(loggedCalls()).toContain('apt-get -q -o DPkg::Lock::Timeout=600 update');
  });

  it('14.04: the icehouse switch only removes a havana pocket; havana has nothing to probe', () => {
    expect(switchCommands(TRUSTY, TRUSTY.repositories.icehouse!)).toEqual([
      'add-apt-repository -y -r cloud-archive:havana',
      refreshCommand(TRUSTY),
    ]);
    expect(switchProbe(TRUSTY, TRUSTY.repositories.icehouse!)).toBe(
      '! test -e /etc/apt/sources.list.d/cloudarchive-havana.list',
    );
    expect(switchCommands(TRUSTY, TRUSTY.repositories.havana!)).toEqual([refreshCommand(TRUSTY)]);
    expect(switchProbe(TRUSTY, TRUSTY.repositories.havana!)).toBe('true');
    expect(aptProbe('true')).toBe(0);
  });
});

describe('RHEL / CentOS 6 with RDO', () => {
  const icehouse = RHEL.repositories.icehouse!;
  const havana = RHEL.repositories.havana!;

  it('erases the other release package if installed, installs this one if missing, refreshes', () => {
    for (const profile of [RHEL, CENTOS]) {
      expect(switchCommands(profile, icehouse)).toEqual([
        'if rpm -q --quiet rdo-release-havana; then yum -y -q erase rdo-release-havana; fi',
        'rpm -q --quiet rdo-release-icehouse || yum -y -q install ' +
          'https://repos.fedorapeople.org/repos/openstack/openstack-icehouse/rdo-release-icehouse-3.noarch.rpm',
        'yum -q makecache',
      ]);
      expect(switchProbe(profile, icehouse)).toBe(
        'rpm -q --quiet rdo-release-icehouse && ! rpm -q --quiet rdo-release-havana',
      );
    }
  });

  it('run in a real shell: the switch takes, its probe agrees, and a second run changes nothing', () => {
    writeFileSync(path.join(state, 'rdo-release-havana'), '');
    expect(sh(switchProbe(RHEL, icehouse))).not.toBe(0);
    expect(sh(switchProbe(RHEL, havana))).toBe(0);

    for (const c of switchCommands(RHEL, icehouse)) expect(sh(c), c).toBe(0);
    expect(sh(switchProbe(RHEL, icehouse))).toBe(0);
    expect(sh(switchProbe(RHEL, havana))).not.toBe(0);
    const first = loggedCalls().filter((c) => c.startsWith('yum'));
    expect(first).toEqual([
      'yum -y -q erase rdo-release-havana',
      `yum -y -q install ${icehouse.add[0]}`,
      'yum -q makecache',
    ]);

    // Again (a resumed step): nothing to erase or install, only the refresh.
    rmSync(calls);
    for (const c of switchCommands(RHEL, icehouse)) expect(sh(c), c).toBe(0);
    expect(loggedCalls().filter((c) => c.startsWith('yum'))).toEqual(['yum -q makecache']);

    // Rollback.
    for (const c of switchCommands(RHEL, havana)) expect(sh(c), c).toBe(0);
    expect(sh(switchProbe(RHEL, havana))).toBe(0);
    expect(sh(switchProbe(RHEL, icehouse))).not.toBe(0);
  });

  it('with neither release package installed, the switch installs without erasing', () => {
    for (const c of switchCommands(CENTOS, icehouse)) expect(sh(c), c).toBe(0);
    expect(loggedCalls().filter((c) => c.startsWith('yum'))).toEqual([
      `yum -y -q install ${icehouse.add[0]}`,
      'yum -q makecache',
    ]);
  });
});

describe('rollback on RDO', () => {
  it('removes the release package the upgrade installed from a URL', () => {
    const rhel = DISTROS_PROFILES['rhel-6-rdo'];
    const icehouse = rhel.repositories.icehouse;
    const havana = rhel.repositories.havana;
    if (icehouse === undefined || havana === undefined) throw new Error('profile without repositories');
    const back = { ...havana, remove: icehouse.add, add: havana.add };
    const cmds = switchCommands(rhel, back).join('\n');
    expect(cmds).toContain(
      'if rpm -q --quiet rdo-release-icehouse; then yum -y -q erase rdo-release-icehouse; fi',
    );
    expect(switchProbe(rhel, back)).toContain('! rpm -q --quiet rdo-release-icehouse');
  });
});
