// The upgrade pair must be one the catalog has a pack for. Unknown names, downgrades and skipped releases
// get their own messages, because each needs a different fix.

import type { Catalog, DistroId, Networking } from '../catalog/types.js';
import { compareVersions } from '../catalog/versions.js';
import { inputError, type SourceContext, show } from './context.js';
import { guessHint } from './suggest.js';

function supportedPairs(catalog: Catalog): string {
  return catalog.packs.map((p) => `${p.from} → ${p.to}`).join(', ');
}

export function checkUpgrade(ctx: SourceContext, catalog: Catalog, from: string, to: string): void {
  const known = Object.keys(catalog.releases);
  for (const [field, name] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (catalog.releases[name] === undefined) {
      const guess = guessHint(name, known);
      throw inputError(
        ctx,
        ['upgrade', field],
        `unknown release ${show(name)}; known releases: ${known.join(', ')}`,
        {
          ...(guess === undefined ? {} : { hint: guess }),
        },
      );
    }
  }
  if (catalog.packs.some((p) => p.from === from && p.to === to)) return;
  const hint = `supported upgrades: ${supportedPairs(catalog)}`;
  if (from === to) {
    throw inputError(ctx, ['upgrade', 'to'], `from and to are both ${show(from)}; nothing to upgrade`, {
      hint,
    });
  }
  const fromVersion = catalog.releases[from]?.version ?? '';
  const toVersion = catalog.releases[to]?.version ?? '';
  if (compareVersions(toVersion, fromVersion) < 0) {
    throw inputError(ctx, ['upgrade', 'to'], `${to} is older than ${from}: downgrades are not supported`, {
      hint: `undoing an upgrade is a rollback of its run (restore the backups), not a planned downgrade; ${hint}`,
    });
  }
  throw inputError(ctx, ['upgrade', 'to'], `no upgrade pack for ${from} → ${to}`, {
    hint: `upgrade one release at a time; ${hint}`,
  });
}

/**
 * The distro must ship both releases (a repository entry each) and the releases must support the
 * networking mode: Debian 12 has no Havana, Zed has no nova-network.
 */
export function checkPlatform(
  ctx: SourceContext,
  catalog: Catalog,
  upgrade: { from: string; to: string },
  distro: DistroId,
  networking: Networking,
): void {
  const profile = catalog.distros[distro];
  const missing = [upgrade.from, upgrade.to].find((r) => profile.repositories[r] === undefined);
  if (missing !== undefined) {
    const offering = Object.values(catalog.distros)
      .filter((d) => d.repositories[upgrade.from] !== undefined && d.repositories[upgrade.to] !== undefined)
      .map((d) => d.id);
    throw inputError(ctx, ['distro'], `${distro} does not ship ${missing}`, {
      hint:
        offering.length > 0
          ? `distros for ${upgrade.from} → ${upgrade.to}: ${offering.join(', ')}`
          : `no distro profile offers ${upgrade.from} → ${upgrade.to}`,
    });
  }
  for (const name of [upgrade.from, upgrade.to]) {
    const modes = catalog.releases[name]?.networking;
    if (modes !== undefined && !modes.includes(networking)) {
      throw inputError(ctx, ['networking'], `${name} does not support ${networking}`, {
        hint: `supported by ${name}: ${modes.join(', ')}`,
      });
    }
  }
}
