// Package commands per distro profile: upgrade, and the version query that proves an upgrade took.

import type { DistroProfile } from '../../../catalog/types.js';
import { shellCommand } from '../../ssh/shell-quote.js';

/**
 * Wait for the dpkg lock instead of failing at once: unattended-upgrades, or a second host's upgrade on
 * a machine that shares one dpkg (the lab), may hold it for a while. Older apt ignores unknown options.
 */
export const APT_LOCK_WAIT = ['-o', 'DPkg::Lock::Timeout=600'] as const;

/**
 * Refreshes the package index. apt's lists lock is not covered by DPkg::Lock::Timeout, so a refresh
 * that finds it taken (another `apt-get update`, apt-daily) is retried every 5 s for up to 10 min;
 * any other failure ends it at once with apt's own message and exit code.
 */
export function refreshCommand(profile: DistroProfile, retryDelayS = 5): string {
  if (profile.packageManager !== 'apt') return shellCommand(['yum', '-q', 'makecache']);
  // In C, so that the lock message reads the same on every host.
  const update = shellCommand(['env', 'LC_ALL=C', 'apt-get', '-q', ...APT_LOCK_WAIT, 'update']);
  return [
    'n=0',
    'while :; do',
    `  out=$(${update} 2>&1) && { printf "%s\\n" "$out"; break; }`,
    '  rc=$?',
    '  case $out in *"Could not get lock"*) ;; *) printf "%s\\n" "$out" >&2; exit $rc ;; esac',
    '  n=$((n + 1)); if [ $n -ge 120 ]; then printf "%s\\n" "$out" >&2; exit $rc; fi',
    `  sleep ${retryDelayS}`,
    'done',
  ].join('\n');
}

/**
 * Upgrades the named packages (or the whole host for the final clean-up). Config-file prompts are
 * refused and the admin's files kept: new ones land as *.dpkg-dist / *.rpmnew (OPS).
 */
export function upgradeCommand(
  profile: DistroProfile,
  packages: readonly string[],
  full: boolean,
  /** A fresh host (parallel-compute's spares): install the packages, not only upgrade them. */
  fresh = false,
): string {
  if (profile.packageManager === 'apt') {
    const base = [
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'apt-get',
      '-y',
      '-q',
      ...APT_LOCK_WAIT,
      '-o',
      'Dpkg::Options::=--force-confold',
      '-o',
      'Dpkg::Options::=--force-confdef',
    ];
    if (full) return shellCommand([...base, 'dist-upgrade']);
    return shellCommand([...base, 'install', ...(fresh ? [] : ['--only-upgrade']), ...packages]);
  }
  if (full) return shellCommand(['yum', '-y', '-q', 'upgrade']);
  return shellCommand(['yum', '-y', '-q', fresh ? 'install' : 'upgrade', ...packages]);
}

/**
 * Prints `name version` per installed package (every installed one when none is named); missing ones
 * are reported on stderr.
 */
export function versionQuery(profile: DistroProfile, packages: readonly string[]): string {
  if (profile.packageManager === 'apt') {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not a template
    return shellCommand(['dpkg-query', '-W', '-f=${Package} ${Version} ${Status}\\n', ...packages]);
  }
  const all = packages.length === 0 ? ['-a'] : [];
  return shellCommand(['rpm', '-q', ...all, '--qf', '%{NAME} %{VERSION}-%{RELEASE}\\n', ...packages]);
}

/**
 * `name version [status]` lines. A dpkg status other than `install ok installed` (unpacked,
 * half-configured after an interrupted upgrade, removed with its config left) does not count as
 * installed; a name rpm lists twice (an interrupted yum transaction) maps to both versions, which no
 * release matches.
 */
export function parseVersions(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) (\S+)(?: (.+))?$/.exec(line.trim());
    if (m?.[1] === undefined || m[2] === undefined) continue;
    if (m[3] !== undefined && m[3].trim() !== 'install ok installed') continue;
    const seen = out.get(m[1]);
    out.set(m[1], seen === undefined || seen === m[2] ? m[2] : `${seen}+${m[2]}`);
  }
  return out;
}

/**
 * The upstream version inside a distro version: `1:2014.1.5-0ubuntu1~cloud0` → `2014.1.5`,
 * `2014.1.5-1.el6` → `2014.1.5`.
 */
export function upstreamVersion(distroVersion: string): string {
  const noEpoch = distroVersion.replace(/^\d+:/, '');
  const dash = noEpoch.lastIndexOf('-');
  const upstream = dash > 0 ? noEpoch.slice(0, dash) : noEpoch;
  return upstream.replace(/[~+].*$/, '');
}

/** Whether an installed version belongs to a release whose upstream versions start with `releaseVersion`. */
export function isOnRelease(distroVersion: string, releaseVersion: string): boolean {
  const v = upstreamVersion(distroVersion);
  return v === releaseVersion || v.startsWith(`${releaseVersion}.`);
}

/** Compares dotted numeric versions (2013.2.10 > 2013.2.2). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10));
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Prints each package's installed and candidate version (`apt-cache policy`), or the updates yum would
 * take (`yum check-update`, exit 100 when there are some): how a point-release update is probed, since
 * the upstream version does not change.
 */
export function candidateQuery(profile: DistroProfile, packages: readonly string[]): string {
  // apt-cache prints "Installed:" / "Candidate:" in the host's language: C, so they parse everywhere.
  if (profile.packageManager === 'apt')
    return shellCommand(['env', 'LC_ALL=C', 'apt-cache', 'policy', ...packages]);
  // check-update exits 100 when there are updates, 1 on an error, 0 when there are none.
  return `${shellCommand(['env', 'LC_ALL=C', 'yum', '-q', 'check-update', ...packages])}; rc=$?; if [ $rc -eq 100 ]; then echo "updates available"; exit 0; fi; exit $rc`;
}

/** `apt-cache policy` output → package → { installed, candidate }; `(none)` means not installed. */
export function parsePolicy(stdout: string): Map<string, { installed?: string; candidate?: string }> {
  const out = new Map<string, { installed?: string; candidate?: string }>();
  let current: { installed?: string; candidate?: string } | undefined;
  for (const line of stdout.split('\n')) {
    const head = /^(\S+):\s*$/.exec(line);
    if (head?.[1] !== undefined) {
      current = {};
      out.set(head[1], current);
      continue;
    }
    const field = /^\s+(Installed|Candidate):\s*(\S+)/.exec(line);
    if (current === undefined || field?.[1] === undefined || field[2] === undefined) continue;
    if (field[2] === '(none)') continue;
    if (field[1] === 'Installed') current.installed = field[2];
    else current.candidate = field[2];
  }
  return out;
}
