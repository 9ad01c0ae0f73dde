// Expands `hosts:` / `spare_hosts:` entries into Hosts: ranges in names and addresses, strict grammar on
// every expanded value, roles resolved to services (or the entry's `services:` override).

import { knownServiceNames, servicesForRoles } from '../catalog/index.js';
import type { Networking, ReleaseDef, Role } from '../catalog/types.js';
import { inputError, type SourceContext, show } from './context.js';
import { ADDRESS_RULE, HOST_NAME_RULE, isAddress, isHostName } from './hostnames.js';
import { positionOf } from './positions.js';
import { expandPattern, hasRange } from './ranges.js';
import type { HostEntry } from './schema.js';
import { didYouMean } from './suggest.js';
import type { Host } from './types.js';

export type HostList = 'hosts' | 'spare_hosts';

/** Characters a name or address pattern may contain at all: the grammar's plus range brackets. */
const PATTERN_CHARS = /[^A-Za-z0-9.:\-[\]]/;

interface Field {
  list: HostList;
  index: number;
  key: 'name' | 'address';
}

function expandField(
  ctx: SourceContext,
  f: Field,
  pattern: string,
  rule: string,
  valid: (s: string) => boolean,
) {
  const path = [f.list, f.index, f.key];
  const bad = PATTERN_CHARS.exec(pattern);
  if (bad !== null) {
    const what = bad[0] === ' ' ? 'a space' : JSON.stringify(bad[0]);
    throw inputError(ctx, path, `found ${show(pattern)}: ${what} is not allowed; expected ${rule}`, {
      hint: 'names and addresses reach ssh command lines, so only a strict grammar is accepted',
    });
  }
  const expansion = expandPattern(pattern);
  if (!expansion.ok) throw inputError(ctx, path, `found ${show(pattern)}: ${expansion.reason}`);
  const invalid = expansion.values.find((v) => !valid(v));
  if (invalid !== undefined) {
    const from = invalid === pattern ? '' : ` (from ${show(pattern)})`;
    throw inputError(ctx, path, `found ${show(invalid)}${from}; expected ${rule}`);
  }
  return expansion.values;
}

export interface ExpandOptions {
  release: ReleaseDef;
  networking: Networking;
}

function resolveServices(
  ctx: SourceContext,
  entry: HostEntry,
  list: HostList,
  index: number,
  opts: ExpandOptions,
) {
  const roles = [...new Set(entry.roles)] as Role[];
  if (entry.services === undefined)
    return { roles, services: servicesForRoles(opts.release, roles, opts.networking) };
  const known = knownServiceNames(opts.release);
  for (const [j, service] of entry.services.entries()) {
    if (!known.includes(service)) {
      throw inputError(
        ctx,
        [list, index, 'services', j],
        `unknown service ${show(service)} for release ${opts.release.name}`,
        { hint: didYouMean(service, known) },
      );
    }
  }
  return { roles, services: [...new Set(entry.services)] };
}

/** One entry → its hosts, in range order. */
export function expandEntry(
  ctx: SourceContext,
  entry: HostEntry,
  list: HostList,
  index: number,
  opts: ExpandOptions,
): Host[] {
  const names = expandField(ctx, { list, index, key: 'name' }, entry.name, HOST_NAME_RULE, isHostName);
  let addresses: (string | undefined)[] = names.map(() => undefined);
  if (entry.address !== undefined) {
    const expanded = expandField(
      ctx,
      { list, index, key: 'address' },
      entry.address,
      ADDRESS_RULE,
      isAddress,
    );
    if (expanded.length !== names.length) {
      const message = hasRange(entry.address)
        ? `address range expands to ${expanded.length} addresses but name to ${names.length} hosts`
        : `one address for ${names.length} hosts (name ${show(entry.name)} is a range)`;
      throw inputError(ctx, [list, index, 'address'], message, {
        hint: 'give an address range of the same length as the name range, or leave address out',
      });
    }
    addresses = expanded;
  }
  const { roles, services } = resolveServices(ctx, entry, list, index, opts);
  const { line } = positionOf(ctx.doc, ctx.lc, [list, index]);
  return names.map((name, i) => ({
    name,
    address: addresses[i],
    roles,
    services,
    group: entry.name,
    spare: list === 'spare_hosts',
    line,
  }));
}

interface Seen {
  host: Host;
  list: HostList;
}

/** Host names and addresses must be unique across `hosts` and `spare_hosts`. */
export function checkUnique(
  ctx: SourceContext,
  entries: readonly { host: Host; list: HostList; index: number }[],
) {
  const names = new Map<string, Seen>();
  const addresses = new Map<string, Seen>();
  for (const { host, list, index } of entries) {
    const prevName = names.get(host.name.toLowerCase());
    if (prevName !== undefined) {
      const where = prevName.list === list ? '' : ` in ${prevName.list}`;
      throw inputError(
        ctx,
        [list, index, 'name'],
        `host ${show(host.name)} is defined twice: by ${show(prevName.host.group)} at line ${prevName.host.line}${where} and by ${show(host.group)} at line ${host.line}`,
        { hint: 'host names must be unique across hosts and spare_hosts (after range expansion)' },
      );
    }
    names.set(host.name.toLowerCase(), { host, list });
    if (host.address === undefined) continue;
    const key = host.address.toLowerCase();
    const prevAddress = addresses.get(key);
    if (prevAddress !== undefined) {
      throw inputError(
        ctx,
        [list, index, 'address'],
        `address ${show(host.address)} of ${show(host.name)} is already used by ${show(prevAddress.host.name)} (line ${prevAddress.host.line})`,
        { hint: 'every host needs its own address' },
      );
    }
    addresses.set(key, { host, list });
  }
}
