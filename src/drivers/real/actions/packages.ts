// upgrade-packages and switch-repository.

import { packageReleaseVersion } from '../../../catalog/index.js';
import type { ReleaseDef } from '../../../catalog/types.js';
import { StepFailure } from '../../../engine/driver.js';
import type { Step } from '../../../plan/types.js';
import { quote } from '../../ssh/shell-quote.js';
import type { RealContext } from '../real-context.js';
import { backupDir, fileNameOf } from '../render/backup.js';
import {
  candidateQuery,
  isOnRelease,
  parsePolicy,
  parseVersions,
  refreshCommand,
  upgradeCommand,
  versionQuery,
} from '../render/packages.js';
import { switchCommands, switchProbe } from '../render/repository.js';
import type { StepIO } from '../step-io.js';
import type { ActionHandler } from './types.js';

/** Installed versions of the packages on a host; missing packages are absent from the map. */
export async function installedVersions(
  rc: RealContext,
  host: string,
  packages: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  if (packages.length === 0) return new Map();
  const r = await rc.exec.exec(
    host,
    versionQuery(rc.profile, packages),
    signal !== undefined ? { signal } : {},
  );
  return parseVersions(r.stdout);
}

function releaseDef(rc: RealContext, release: string) {
  if (release === rc.to.name) return rc.to;
  if (release === rc.from.name) return rc.from;
  throw new StepFailure(`unknown release ${release}`, { permanent: true });
}

/** Packages of the list still below the release (installed ones only: not every host has all). */
function behind(versions: Map<string, string>, packages: readonly string[], release: ReleaseDef): string[] {
  return packages.filter((p) => {
    const v = versions.get(p);
    return v !== undefined && !isOnRelease(v, packageReleaseVersion(release, p));
  });
}

/**
 * Installed packages of the list not yet where the step takes them: below the release, or (point
 * releases) not at the candidate version of the host's repositories.
 */
async function packagesBehind(
  rc: RealContext,
  host: string,
  action: { packages: readonly string[]; release: string; target?: 'candidate' },
  versions: Map<string, string>,
  signal?: AbortSignal,
): Promise<string[]> {
  if (action.target !== 'candidate') return behind(versions, action.packages, releaseDef(rc, action.release));
  const installed = action.packages.filter((p) => versions.has(p));
  if (installed.length === 0) return [];
  const r = await rc.exec.exec(
    host,
    candidateQuery(rc.profile, installed),
    signal !== undefined ? { signal } : {},
  );
  if (r.code !== 0) {
    throw new StepFailure(`${host}: cannot read the candidate versions (exit ${r.code})`, {
      command: candidateQuery(rc.profile, installed),
      exitCode: r.code,
      stderrTail: rc.redactor.redact(r.stderr.trim().split('\n').slice(-5).join('\n')),
    });
  }
  if (rc.profile.packageManager !== 'apt') return /updates available/.test(r.stdout) ? installed : [];
  const policy = parsePolicy(r.stdout);
  // A package apt does not list, or lists without a candidate, cannot be judged: not "up to date".
  const unknown = installed.filter((p) => policy.get(p)?.candidate === undefined);
  if (unknown.length > 0) {
    throw new StepFailure(
      `${host}: apt knows no candidate version of ${unknown.join(', ')} (is the package index current?)`,
      { command: candidateQuery(rc.profile, installed) },
    );
  }
  return installed.filter((p) => policy.get(p)?.candidate !== versions.get(p));
}

/**
 * Keeps the versions a host had before this step changed them, for rollback: the named packages, or
 * every installed one before a full upgrade. The first attempt's record stays.
 */
async function recordVersionsBefore(
  io: StepIO,
  step: Step,
  packages: readonly string[],
  full: boolean,
): Promise<void> {
  const { rc } = io;
  const file = `${backupDir(rc.runId)}/packages/${fileNameOf(step.id)}.versions`;
  const query = versionQuery(rc.profile, full ? [] : packages);
  const script = [
    `test -e ${quote(file)} && exit 0`,
    'umask 077',
    `mkdir -p ${quote(file.slice(0, file.lastIndexOf('/')))}`,
    `{ echo "# at $(date +%s%3N)"; ${query} 2>/dev/null; } > ${quote(`${file}.tmp`)} || true`,
    `mv -f ${quote(`${file}.tmp`)} ${quote(file)}`,
  ].join('\n');
  await io.must(step.host, script, {
    label: `record package versions before the upgrade in ${file}`,
    quiet: true,
  });
}

export const upgradePackages: ActionHandler<'upgrade-packages'> = {
  async execute(step, action, io) {
    const { rc } = io;
    await recordVersionsBefore(io, step, action.packages, action.full === true);
    // The index is refreshed first: a switch-repository done before a crash may have missed it.
    await io.must(step.host, refreshCommand(rc.profile));
    await io.must(
      step.host,
      upgradeCommand(
        rc.profile,
        action.packages,
        action.full === true,
        rc.hosts.get(step.host)?.spare === true,
      ),
    );
    const versions = await installedVersions(rc, step.host, action.packages, io.ctx.signal);
    const left = await packagesBehind(rc, step.host, action, versions, io.ctx.signal);
    if (left.length > 0) {
      const where =
        action.target === 'candidate'
          ? "the repositories' candidate versions"
          : `${action.release} (${releaseDef(rc, action.release).version})`;
      throw new StepFailure(
        `${step.host}: still not at ${where} after the upgrade: ` +
          left.map((p) => `${p} ${versions.get(p)}`).join(', '),
        {
          command: upgradeCommand(
            rc.profile,
            action.packages,
            action.full === true,
            rc.hosts.get(step.host)?.spare === true,
          ),
        },
      );
    }
    if (versions.size === 0 && action.packages.length > 0) {
      throw new StepFailure(`${step.host}: none of ${action.packages.join(', ')} is installed`);
    }
    return { summary: [...versions].map(([p, v]) => `${p} ${v}`).join(', ') };
  },
  async probe(step, action, rc) {
    const versions = await installedVersions(rc, step.host, action.packages);
    if (versions.size === 0) return 'not-done';
    return (await packagesBehind(rc, step.host, action, versions)).length === 0 ? 'done' : 'not-done';
  },
};

function repository(
  rc: RealContext,
  step: Step,
  action: { release: string; remove: readonly string[]; add: readonly string[] },
) {
  const def = rc.profile.repositories[action.release];
  if (def === undefined) {
    throw new StepFailure(`${step.host}: ${rc.profile.id} has no repository for ${action.release}`, {
      permanent: true,
    });
  }
  return { ...def, remove: action.remove, add: action.add };
}

export const switchRepository: ActionHandler<'switch-repository'> = {
  async execute(step, action, io) {
    const repo = repository(io.rc, step, action);
    for (const cmd of switchCommands(io.rc.profile, repo)) await io.must(step.host, cmd);
    return { summary: repo.description };
  },
  async probe(step, action, rc) {
    const r = await rc.exec.exec(step.host, switchProbe(rc.profile, repository(rc, step, action)));
    return r.code === 0 ? 'done' : 'not-done';
  },
};
