import { describe, expect, it } from 'vitest';
import { parseJumpSpec, parseSshConfig, resolveSshConfig } from './ssh-config.js';

const CONFIG = `
# site config
Host bastion
  HostName 203.0.113.10
  User jump
  Port 2200

Host cmp* !cmp999
  User = stack
  IdentityFile ~/.ssh/cloud_ed25519
  ProxyJump bastion

Match host foo
  User nobody

Host *
  User fallback
  Port 22
  IdentityFile "~/.ssh/id_ed25519"
`;

describe('ssh config', () => {
  const blocks = parseSshConfig(CONFIG);

  it('takes the first value per keyword across matching blocks, and accumulates IdentityFile', () => {
    const r = resolveSshConfig(blocks, 'cmp001');
    expect(r.user).toBe('stack');
    expect(r.port).toBe(22);
    expect(r.proxyJump).toBe('bastion');
    expect(r.identityFiles).toHaveLength(2);
    expect(r.identityFiles[0]).toMatch(/\/\.ssh\/cloud_ed25519$/);
  });

  it('negated patterns exclude a host; Match blocks do not leak', () => {
    const r = resolveSshConfig(blocks, 'cmp999');
    expect(r.user).toBe('fallback');
    expect(r.proxyJump).toBeUndefined();
    expect(resolveSshConfig(blocks, 'foo').user).toBe('fallback');
  });

  it('resolves HostName and Port', () => {
    const r = resolveSshConfig(blocks, 'bastion');
    expect(r).toMatchObject({ hostName: '203.0.113.10', user: 'jump', port: 2200 });
  });

  it('reads ProxyJump specs', () => {
    expect(parseJumpSpec('ops@bastion:2200')).toEqual({ user: 'ops', host: 'bastion', port: 2200 });
    expect(parseJumpSpec('bastion')).toEqual({ host: 'bastion' });
    expect(parseJumpSpec('[2001:db8::1]:22,other')).toEqual({ host: '2001:db8::1', port: 22 });
  });
});
