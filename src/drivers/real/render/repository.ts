// Repository switch commands per distro profile, and the probe that says whether it took effect.

import type { DistroProfile, RepositoryDef } from '../../../catalog/types.js';
import { quote, shellCommand } from '../../ssh/shell-quote.js';
import { refreshCommand } from './packages.js';

const CLOUD_ARCHIVE = /^cloud-archive:([a-z]+)$/;

/** Where add-apt-repository writes a cloud-archive pocket (software-properties' naming). */
export function cloudArchiveFile(entry: string): string | undefined {
  const m = CLOUD_ARCHIVE.exec(entry);
  return m === null ? undefined : `/etc/apt/sources.list.d/cloudarchive-${m[1]}.list`;
}

/** RDO's release package name inside a URL or package name. */
export function rdoPackage(entry: string): string | undefined {
  const m = /(rdo-release-[a-z]+)/.exec(entry);
  return m?.[1];
}

export function switchCommands(profile: DistroProfile, repo: RepositoryDef): string[] {
  const out: string[] = [];
  if (profile.packageManager === 'apt') {
    for (const r of repo.remove) out.push(shellCommand(['add-apt-repository', '-y', '-r', r]));
    for (const a of repo.add) out.push(shellCommand(['add-apt-repository', '-y', a]));
    out.push(refreshCommand(profile));
    return out;
  }
  for (const entry of repo.remove) {
    // A rollback removes what the upgrade added, which the profile names by URL: erase its package.
    const r = rdoPackage(entry) ?? entry;
    out.push(`if rpm -q --quiet ${quote(r)}; then ${shellCommand(['yum', '-y', '-q', 'erase', r])}; fi`);
  }
  for (const a of repo.add) {
    const pkg = rdoPackage(a);
    const install = shellCommand(['yum', '-y', '-q', 'install', a]);
    out.push(pkg === undefined ? install : `rpm -q --quiet ${quote(pkg)} || ${install}`);
  }
  out.push(shellCommand(['yum', '-q', 'makecache']));
  return out;
}

/**
 * Exits 0 when the switch is in place: every added source present and every removed one gone. The
 * index refresh cannot be probed, so a probe that says `done` is followed by the refresh anyway when
 * packages are upgraded (apt-get/yum refresh stale lists on their own only partly).
 */
export function switchProbe(profile: DistroProfile, repo: RepositoryDef): string {
  const tests: string[] = [];
  for (const a of repo.add) {
    if (profile.packageManager === 'apt') {
      const f = cloudArchiveFile(a);
      if (f !== undefined) tests.push(`test -e ${quote(f)}`);
    } else {
      const p = rdoPackage(a);
      if (p !== undefined) tests.push(`rpm -q --quiet ${quote(p)}`);
    }
  }
  for (const r of repo.remove) {
    if (profile.packageManager === 'apt') {
      const f = cloudArchiveFile(r);
      if (f !== undefined) tests.push(`! test -e ${quote(f)}`);
    } else {
      tests.push(`! rpm -q --quiet ${quote(rdoPackage(r) ?? r)}`);
    }
  }
  return tests.length === 0 ? 'true' : tests.join(' && ');
}
