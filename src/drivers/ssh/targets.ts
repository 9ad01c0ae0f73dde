// From an inventory (and ~/.ssh/config, as operators already use it) to how each host is reached.
// The inventory plays the part of ssh's command line: its explicit values win over the config file.

import { homedir } from 'node:os';
import type { Inventory } from '../../inventory/types.js';
import { expandHome, parseJumpSpec, resolveSshConfig, type SshConfigBlock } from './ssh-config.js';
import type { SshTarget } from './target.js';

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => `${homedir()}/.ssh/${f}`);

/** The inventory schema fills these in when absent, so they do not override ~/.ssh/config. */
const SCHEMA_DEFAULT_USER = 'root';
const SCHEMA_DEFAULT_PORT = 22;

export function sshTargets(
  inventory: Inventory,
  config: readonly SshConfigBlock[],
): (host: string) => SshTarget {
  const addresses = new Map<string, string | undefined>();
  for (const h of [...inventory.hosts, ...inventory.spare_hosts]) addresses.set(h.name, h.address);
  const cache = new Map<string, SshTarget>();

  const build = (name: string, depth: number): SshTarget => {
    const cfg = resolveSshConfig(config, name);
    const ssh = inventory.ssh;
    const jumpSpec = depth === 0 ? (ssh.jump_host ?? cfg.proxyJump) : cfg.proxyJump;
    const target: SshTarget = {
      name,
      address: addresses.get(name) ?? cfg.hostName ?? name,
      port: ssh.port !== SCHEMA_DEFAULT_PORT ? ssh.port : (cfg.port ?? ssh.port),
      user: ssh.user !== SCHEMA_DEFAULT_USER ? ssh.user : (cfg.user ?? ssh.user),
      identityFiles: [
        ...(ssh.identity_file !== undefined ? [expandHome(ssh.identity_file)] : []),
        ...cfg.identityFiles,
        ...DEFAULT_IDENTITIES,
      ],
    };
    if (jumpSpec === undefined) return target;
    // A jump through a jump: one level is what inventories use; deeper chains come from ~/.ssh/config.
    if (depth > 3) throw new Error(`ProxyJump chain for ${name} is too deep`);
    const j = parseJumpSpec(jumpSpec);
    const jump = build(j.host, depth + 1);
    return {
      ...target,
      jump: {
        ...jump,
        ...(j.user !== undefined ? { user: j.user } : {}),
        ...(j.port !== undefined ? { port: j.port } : {}),
      },
    };
  };

  return (name: string) => {
    let t = cache.get(name);
    if (t === undefined) {
      t = build(name, 0);
      cache.set(name, t);
    }
    return t;
  };
}

export function defaultKnownHosts(inventory: Inventory): string {
  return expandHome(inventory.ssh.known_hosts ?? '~/.ssh/known_hosts');
}
