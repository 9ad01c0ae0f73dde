// The part of ~/.ssh/config that operators rely on to reach their hosts: Host blocks with patterns,
// HostName, User, Port, IdentityFile and ProxyJump. As in OpenSSH, the first value found for a keyword
// wins (IdentityFile accumulates), so specific blocks belong before `Host *`.

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { matchesPatterns } from './host-patterns.js';

export interface SshConfigBlock {
  patterns: readonly string[];
  options: ReadonlyMap<string, readonly string[]>;
  line: number;
}

export interface ResolvedSshConfig {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: readonly string[];
  proxyJump?: string;
}

const KNOWN = new Set(['hostname', 'user', 'port', 'identityfile', 'proxyjump']);

export function parseSshConfig(text: string): SshConfigBlock[] {
  const blocks: { patterns: string[]; options: Map<string, string[]>; line: number }[] = [
    { patterns: ['*'], options: new Map(), line: 0 },
  ];
  let inMatch = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(raw);
    if (m === null) continue;
    const keyword = (m[1] ?? '').toLowerCase();
    const value = unquote(m[2] ?? '');
    if (keyword === 'host') {
      blocks.push({ patterns: value.split(/\s+/).filter((p) => p !== ''), options: new Map(), line: i + 1 });
      inMatch = false;
      continue;
    }
    // `Match` needs an evaluator we do not have; its options must not leak into other hosts.
    if (keyword === 'match') {
      inMatch = true;
      continue;
    }
    if (inMatch || !KNOWN.has(keyword)) continue;
    const block = blocks[blocks.length - 1];
    if (block === undefined) continue;
    const list = block.options.get(keyword) ?? [];
    list.push(value);
    block.options.set(keyword, list);
  }
  return blocks;
}

function unquote(value: string): string {
  const v = value.trim();
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

function blockMatches(block: SshConfigBlock, host: string): boolean {
  return matchesPatterns(block.patterns, host);
}

export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
}

export function resolveSshConfig(blocks: readonly SshConfigBlock[], host: string): ResolvedSshConfig {
  const first = (key: string): string | undefined => {
    for (const b of blocks) {
      if (!blockMatches(b, host)) continue;
      const v = b.options.get(key)?.[0];
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const identityFiles: string[] = [];
  for (const b of blocks) {
    if (blockMatches(b, host)) identityFiles.push(...(b.options.get('identityfile') ?? []));
  }
  const hostName = first('hostname')?.replaceAll('%h', host);
  const port = first('port');
  const user = first('user');
  const proxyJump = first('proxyjump');
  return {
    ...(hostName !== undefined ? { hostName } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(port !== undefined && /^\d+$/.test(port) ? { port: Number(port) } : {}),
    identityFiles: identityFiles.map((f) => expandHome(f.replaceAll('%h', host))),
    ...(proxyJump !== undefined && proxyJump.toLowerCase() !== 'none' ? { proxyJump } : {}),
  };
}

export async function loadSshConfig(path = `${homedir()}/.ssh/config`): Promise<SshConfigBlock[]> {
  try {
    return parseSshConfig(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** `user@host:port` (ProxyJump's form; only the first hop of a comma list is honoured). */
export function parseJumpSpec(spec: string): { user?: string; host: string; port?: number } {
  const first = spec.split(',')[0]?.trim() ?? spec;
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(first);
  if (m === null) throw new Error(`cannot read jump host "${spec}"`);
  const host = (m[2] ?? '').replace(/^\[|\]$/g, '');
  return {
    ...(m[1] !== undefined ? { user: m[1] } : {}),
    host,
    ...(m[3] !== undefined ? { port: Number(m[3]) } : {}),
  };
}
