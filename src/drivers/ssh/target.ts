// How to reach one host, after the inventory, ~/.ssh/config and the command line have been merged.

export interface SshTarget {
  /** The inventory's host name: used in messages and as a known_hosts alias. */
  name: string;
  /** What to connect to (HostName, or the inventory's address). */
  address: string;
  port: number;
  user: string;
  /** Private keys to offer, in order (the agent's keys are offered too when an agent runs). */
  identityFiles: readonly string[];
  /** Reach this host through another one (ProxyJump / the inventory's jump_host). */
  jump?: SshTarget;
}

export interface SshOptions {
  knownHostsPath: string;
  /** Trust and record the key of a host not yet in known_hosts. A changed key is refused regardless. */
  acceptNewHostKeys: boolean;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** Channels (commands, SFTP) open at once on one connection; sshd's MaxSessions defaults to 10. */
  channelsPerHost: number;
  /** ssh-agent socket (SSH_AUTH_SOCK). */
  agentSocket?: string;
}

export const DEFAULT_SSH_OPTIONS: Omit<SshOptions, 'knownHostsPath'> = {
  acceptNewHostKeys: false,
  connectTimeoutMs: 15_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 4,
  channelsPerHost: 8,
};
