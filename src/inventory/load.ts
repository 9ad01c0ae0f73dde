// Inventory loader: YAML text → checked, expanded Inventory. Stages run in an order that makes the first
// error the most useful one: syntax, shape of the file, secrets (before the schema, so a password is
// reported as a password and not as an unknown key), schema, release pair, hosts, cross-references.
// Every failure is one InputError with file:line:col; nothing here ever throws anything else for bad input.

import { readFile } from 'node:fs/promises';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { Catalog } from '../catalog/types.js';
import { InputError } from '../errors.js';
import { inputError, type SourceContext, show } from './context.js';
import { checkUnique, expandEntry, type HostList } from './hosts.js';
import { schemaError } from './issues.js';
import { positionOf } from './positions.js';
import { checkPlatform, checkUpgrade } from './release.js';
import { type InventoryDoc, InventoryDocSchema } from './schema.js';
import { findSecretKey, SECRET_HINT } from './secrets.js';
import { guessHint } from './suggest.js';
import type { Host, Inventory } from './types.js';

/** Aliases may not expand into more nodes than this (the "billion laughs" guard of the yaml package). */
const MAX_ALIAS_COUNT = 1000;

function parseYaml(text: string, file: string): SourceContext & { data: unknown } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const ctx: SourceContext = { file, doc, lc };
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const { line, col } = lc.linePos(syntax.pos[0]);
    throw new InputError({ file, line, col }, '', `YAML syntax error: ${syntax.message}`, {
      code: 'ERR_INVENTORY_SYNTAX',
      hint: 'check indentation, quoting and that every "[" and "{" is closed; range patterns must be quoted',
    });
  }
  if (doc.contents === null) {
    throw new InputError({ file, line: 1, col: 1 }, '', 'the inventory is empty', {
      code: 'ERR_INVENTORY',
      hint: 'run `stackhop init` to write a commented example inventory',
    });
  }
  if (!isMap(doc.contents)) {
    const what = show(doc.contents.toJSON());
    throw inputError(
      ctx,
      [],
      `expected a mapping (cloud:, upgrade:, hosts:, …) at the top level, found ${what}`,
    );
  }
  const secret = findSecretKey(doc);
  if (secret !== undefined) {
    throw inputError(ctx, secret, 'secrets are not allowed in the inventory', {
      key: true,
      hint: SECRET_HINT,
      code: 'ERR_INVENTORY_SECRET',
    });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    throw inputError(
      ctx,
      [],
      `cannot expand YAML aliases: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return { ...ctx, data };
}

function defaultDatabaseHost(hosts: readonly Host[]): string | undefined {
  return (
    hosts.find((h) => h.roles.includes('database')) ?? hosts.find((h) => h.roles.includes('controller'))
  )?.name;
}

function expandAll(ctx: SourceContext, doc: InventoryDoc, catalog: Catalog) {
  const release = catalog.releases[doc.upgrade.from];
  if (release === undefined)
    throw inputError(ctx, ['upgrade', 'from'], `unknown release ${show(doc.upgrade.from)}`);
  const opts = { release, networking: doc.networking };
  const all: { host: Host; list: HostList; index: number }[] = [];
  for (const list of ['hosts', 'spare_hosts'] as const) {
    for (const [index, entry] of doc[list].entries()) {
      for (const host of expandEntry(ctx, entry, list, index, opts)) all.push({ host, list, index });
    }
  }
  checkUnique(ctx, all);
  return {
    hosts: all.filter((e) => e.list === 'hosts').map((e) => e.host),
    spare: all.filter((e) => e.list === 'spare_hosts').map((e) => e.host),
  };
}

function checkDatabaseHost(ctx: SourceContext, doc: InventoryDoc, hosts: readonly Host[]): string {
  const given = doc.database?.host;
  if (given === undefined) {
    const fallback = defaultDatabaseHost(hosts);
    if (fallback === undefined) throw inputError(ctx, ['hosts'], 'no host to run database backups on');
    return fallback;
  }
  if (hosts.some((h) => h.name === given || h.address === given)) return given;
  const names = hosts.map((h) => h.name);
  const guess = guessHint(given, names);
  const some = names.length > 8 ? `${names.slice(0, 8).join(', ')}, …` : names.join(', ');
  throw inputError(
    ctx,
    ['database', 'host'],
    `${show(given)} is not a host (or address of a host) in hosts`,
    {
      hint: `${guess === undefined ? '' : `${guess} `}hosts: ${some}`,
    },
  );
}

/** Positions of the top-level keys, their direct children, and `facts.versions` entries. */
function fieldPositions(ctx: SourceContext, data: unknown): Record<string, { line: number; col: number }> {
  const out: Record<string, { line: number; col: number }> = {};
  const keysOf = (v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : [];
  for (const top of keysOf(data)) {
    out[top] = positionOf(ctx.doc, ctx.lc, [top], { key: true });
    const value = (data as Record<string, unknown>)[top];
    for (const child of keysOf(value)) {
      out[`${top}.${child}`] = positionOf(ctx.doc, ctx.lc, [top, child], { key: true });
      if (top === 'facts' && child === 'versions') {
        for (const svc of keysOf((value as Record<string, unknown>)[child]))
          out[`facts.versions.${svc}`] = positionOf(ctx.doc, ctx.lc, ['facts', 'versions', svc], {
            key: true,
          });
      }
    }
  }
  return out;
}

/** Parse and check inventory text. `file` is only used in messages. */
export function parseInventory(text: string, file: string, catalog: Catalog): Inventory {
  const { data, ...ctx } = parseYaml(text, file);
  const parsed = InventoryDocSchema.safeParse(data);
  if (!parsed.success) throw schemaError(ctx, InventoryDocSchema, data, parsed.error.issues);
  const doc = parsed.data;
  checkUpgrade(ctx, catalog, doc.upgrade.from, doc.upgrade.to);
  checkPlatform(ctx, catalog, doc.upgrade, doc.distro, doc.networking);
  const { hosts, spare } = expandAll(ctx, doc, catalog);
  if (!hosts.some((h) => h.roles.includes('controller'))) {
    throw inputError(ctx, ['hosts'], 'no host has the controller role', {
      hint: 'add the controller role to the host(s) running the API services, e.g. roles: [controller]',
    });
  }
  const databaseHost = checkDatabaseHost(ctx, doc, hosts);
  const { ssh, openstack, facts, policy } = doc;
  const authUrl = openstack.auth_url ?? openstack.auth?.auth_url;
  return {
    file,
    cloud: doc.cloud,
    upgrade: { from: doc.upgrade.from, to: doc.upgrade.to },
    distro: doc.distro,
    networking: doc.networking,
    ssh: {
      user: ssh.user,
      port: ssh.port,
      ...(ssh.identity_file === undefined ? {} : { identity_file: ssh.identity_file }),
      ...(ssh.known_hosts === undefined ? {} : { known_hosts: ssh.known_hosts }),
      ...(ssh.jump_host === undefined ? {} : { jump_host: ssh.jump_host }),
    },
    openstack: {
      ...(openstack.cloud === undefined ? {} : { cloud: openstack.cloud }),
      ...(authUrl === undefined ? {} : { auth_url: authUrl }),
      ...(openstack.region === undefined ? {} : { region: openstack.region }),
      ...(openstack.smoke_network === undefined ? {} : { smoke_network: openstack.smoke_network }),
    },
    database: { host: databaseHost },
    hosts,
    spare_hosts: spare,
    facts: {
      ...(facts.instances === undefined ? {} : { instances: facts.instances }),
      ...(facts.instance_ram_mb === undefined ? {} : { instance_ram_mb: facts.instance_ram_mb }),
      ...(facts.migration_bandwidth_mbps === undefined
        ? {}
        : { migration_bandwidth_mbps: facts.migration_bandwidth_mbps }),
      db_rows: facts.db_rows,
      versions: facts.versions,
      ...(facts.drain_wait_s === undefined ? {} : { drain_wait_s: facts.drain_wait_s }),
    },
    positions: fieldPositions(ctx, data),
    policy: {
      max_parallel_computes: policy.max_parallel_computes,
      canary: policy.canary.map((c) => (typeof c === 'number' ? c : (c as `${number}%`))),
      max_failed_hosts: policy.max_failed_hosts,
      drain: policy.drain,
      gates: [...new Set(policy.gates)],
    },
  };
}

/** Read and check an inventory file. */
export async function loadInventory(file: string, catalog: Catalog): Promise<Inventory> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = err instanceof Error && 'code' in err ? String(err.code) : String(err);
    throw new InputError({ file, line: 0, col: 0 }, '', `cannot read the inventory (${reason})`, {
      code: 'ERR_INVENTORY_READ',
      hint: 'pass the path of an inventory file; `stackhop init` writes an example',
    });
  }
  return parseInventory(text, file, catalog);
}
