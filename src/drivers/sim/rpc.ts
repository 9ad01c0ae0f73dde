// Nova RPC compatibility as oslo.messaging decides it, from the catalog's per-release topic data
// (ReleaseDef.rpc). Pure functions: the cloud model asks them whenever a client and a server of a link
// run at the same time.
//
// The rule (facts §3.2): a server accepts version v when one of its endpoints has v's major and a minor
// ≥ v's minor. A client sends its newest version unless `[upgrade_levels] <topic>` caps it; the cap is
// looked up in the client's alias table, else taken as a literal version (`VERSION_ALIASES.get(value,
// value)`, facts §3.1).

import type { RpcTopicDef } from '../../catalog/types.js';
import { compareVersions } from '../../catalog/versions.js';

export interface RpcVersion {
  major: number;
  minor: number;
}

const parsed = new Map<string, RpcVersion | undefined>();

/** `2.47` → {2, 47}; a third part (`3.23.1`, RH6's pins) is ignored; anything else is not a version. */
export function parseRpcVersion(v: string): RpcVersion | undefined {
  if (parsed.has(v)) return parsed.get(v);
  const m = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(v.trim());
  const out = m === null ? undefined : { major: Number(m[1]), minor: Number(m[2]) };
  // Versions come from the catalog and from pins: a handful of distinct strings.
  if (parsed.size < 1000) parsed.set(v, out);
  return out;
}

function order(a: RpcVersion, b: RpcVersion): number {
  return a.major - b.major || a.minor - b.minor;
}

/**
 * The newest version of each major a server offers at a point release. An unknown point release is
 * taken as the newest of its release: the twin then assumes the endpoint exists (documented).
 */
export function servedVersions(topic: RpcTopicDef, point: string | undefined): string[] {
  return topic.serves
    .filter((e) => e.since === undefined || point === undefined || compareVersions(point, e.since) >= 0)
    .map((e) => e.max);
}

export function accepts(served: readonly string[], version: string): boolean {
  const v = parseRpcVersion(version);
  if (v === undefined) return false;
  return served.some((s) => {
    const e = parseRpcVersion(s);
    return e !== undefined && e.major === v.major && e.minor >= v.minor;
  });
}

/** What a client sends on a topic: a version, or why it cannot send at all. */
export type Send = { ok: true; version: string } | { ok: false; error: string };

export function sendVersion(
  topicName: string,
  topic: RpcTopicDef,
  client: { release: string; point: string | undefined },
  level: string | undefined,
): Send {
  if (level === undefined) return { ok: true, version: topic.sends };
  const alias = topic.aliases[level];
  const since = topic.aliasesSince?.[level];
  const aliasKnown =
    alias !== undefined &&
    (since === undefined || client.point === undefined || compareVersions(client.point, since) >= 0);
  const cap = aliasKnown ? alias : level;
  const capV = parseRpcVersion(cap);
  if (capV === undefined) {
    const at = client.point === undefined ? client.release : `${client.release} ${client.point}`;
    return {
      ok: false,
      error:
        `[upgrade_levels] ${topicName} = ${level} is neither an alias ${at} knows ` +
        `(${Object.keys(topic.aliases).join(', ') || 'none'}${alias !== undefined && since !== undefined ? `; ${level} only from ${since}` : ''}) nor a version`,
    };
  }
  const newest = parseRpcVersion(topic.sends)!;
  if (topic.uncappable === true && order(capV, newest) < 0) {
    return {
      ok: false,
      error:
        `RPCVersionCapError: requested message version ${topic.sends} is incompatible with the version cap ${cap} ` +
        `([upgrade_levels] ${topicName} = ${level}); the ${client.release} client sends nothing older`,
    };
  }
  // Below its newest the client speaks the cap; above it within the same major, its newest; a higher
  // major only exists through a backported alias (Havana's icehouse-compat = 3.0).
  if (order(capV, newest) < 0 || capV.major > newest.major) return { ok: true, version: cap };
  return { ok: true, version: topic.sends };
}

export function describeServed(served: readonly string[]): string {
  return served.length === 0
    ? 'serves no version of this topic'
    : `serves ${served.map((v) => `≤ ${v}`).join(', ')}`;
}

export function unsupported(version: string): string {
  return `UnsupportedVersion: Endpoint does not support RPC version ${version}`;
}
