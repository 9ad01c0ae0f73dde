import { describe, expect, it } from 'vitest';
import { TEST_CATALOG } from '../../test/helpers/inventory-catalog.js';
import { InputError } from '../errors.js';
import { loadInventory, parseInventory } from './load.js';

const HEAD = `cloud: lab
upgrade: { from: havana, to: icehouse }
distro: ubuntu-12.04-uca
networking: neutron-ovs
`;

function load(text: string) {
  return parseInventory(text, 'inv.yaml', TEST_CATALOG);
}

function fail(text: string): InputError {
  try {
    load(text);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('loaded without error');
}

describe('parseInventory', () => {
  it('fills the documented defaults', () => {
    const inv = load(`${HEAD}hosts:\n  - { name: ctl1, roles: [controller] }\n`);
    expect(inv.ssh).toEqual({ user: 'root', port: 22 });
    expect(inv.openstack).toEqual({});
    expect(inv.database).toEqual({ host: 'ctl1' });
    expect(inv.spare_hosts).toEqual([]);
    expect(inv.facts).toEqual({ db_rows: {}, versions: {} });
    expect(inv.policy).toEqual({
      max_parallel_computes: 10,
      canary: [1, 5, '20%'],
      max_failed_hosts: 2,
      drain: 'live-migrate',
      gates: [],
    });
    expect(inv.file).toBe('inv.yaml');
  });

  it('expands hosts with group, line, roles and services', () => {
    const inv = load(`${HEAD}hosts:
  - { name: ctl1, roles: [controller] }
  - name: "cmp[01:03]"
    address: "10.0.1.[1:3]"
    roles: [compute, compute]
spare_hosts:
  - { name: new1, address: 10.0.2.1, roles: [compute] }
`);
    expect(inv.hosts.map((h) => h.name)).toEqual(['ctl1', 'cmp01', 'cmp02', 'cmp03']);
    const cmp = inv.hosts[2];
    expect(cmp).toEqual({
      name: 'cmp02',
      address: '10.0.1.2',
      roles: ['compute'],
      services: ['nova-compute', 'neutron-openvswitch-agent'],
      group: 'cmp[01:03]',
      spare: false,
      line: 7,
    });
    expect(inv.hosts[0]?.address).toBeUndefined();
    expect(inv.spare_hosts).toMatchObject([{ name: 'new1', spare: true, line: 11 }]);
  });

  it('resolves services per networking mode and lets `services:` replace them', () => {
    const inv = load(
      HEAD.replace('neutron-ovs', 'nova-network') +
        `hosts:
  - { name: ctl1, roles: [controller], services: [keystone, nova-api, nova-api] }
  - { name: cmp1, roles: [compute] }
`,
    );
    expect(inv.hosts[0]?.services).toEqual(['keystone', 'nova-api']);
    expect(inv.hosts[1]?.services).toContain('nova-network');
  });

  it('picks the database host: an explicit name or address, else a database host, else the first controller', () => {
    const hosts = `hosts:
  - { name: "ctl[1:2]", address: "10.0.0.[1:2]", roles: [controller] }
  - { name: db1, address: 10.0.0.9, roles: [database] }
`;
    expect(load(HEAD + hosts).database.host).toBe('db1');
    expect(load(`${HEAD}database: { host: 10.0.0.2 }\n${hosts}`).database.host).toBe('10.0.0.2');
    expect(load(`${HEAD}database: { host: ctl2 }\n${hosts}`).database.host).toBe('ctl2');
  });

  it('accepts IPv6 addresses, host-name addresses and ssh settings', () => {
    const inv = load(`${HEAD}ssh: { user: stack, port: 2222, jump_host: "2001:db8::1", identity_file: ~/k }
hosts:
  - { name: ctl1, address: "2001:db8::10", roles: [controller] }
  - { name: cmp1, address: cmp1.example.org, roles: [compute] }
`);
    expect(inv.hosts.map((h) => h.address)).toEqual(['2001:db8::10', 'cmp1.example.org']);
    expect(inv.ssh).toEqual({ user: 'stack', port: 2222, jump_host: '2001:db8::1', identity_file: '~/k' });
  });

  it('maps an auth block to auth_url and region, and refuses cloud plus auth', () => {
    const inv = load(`${HEAD}openstack:
  region: R1
  auth: { auth_url: "https://192.0.2.1:5000/v3", username: admin, project_name: admin }
hosts: [{ name: ctl1, roles: [controller] }]
`);
    expect(inv.openstack).toEqual({ auth_url: 'https://192.0.2.1:5000/v3', region: 'R1' });
    const err = fail(
      `${HEAD}openstack: { cloud: c, auth_url: "http://x:5000" }\nhosts: [{ name: ctl1, roles: [controller] }]\n`,
    );
    expect(err.field).toBe('openstack.cloud');
    expect(err.message).toContain('not both');
  });

  it('accepts percentages from 1% to 100% in the canary ramp and dedupes gates', () => {
    const inv = load(`${HEAD}hosts: [{ name: ctl1, roles: [controller] }]
policy: { canary: [2, "1%", "100%"], gates: [after-canary, after-canary], drain: cold-migrate }
`);
    expect(inv.policy.canary).toEqual([2, '1%', '100%']);
    expect(inv.policy.gates).toEqual(['after-canary']);
    for (const bad of ['0', '"0%"', '"101%"', '"5 %"', '1.5']) {
      const e = fail(`${HEAD}hosts: [{ name: ctl1, roles: [controller] }]\npolicy: { canary: [${bad}] }\n`);
      expect(e.field).toBe('policy.canary[0]');
      expect(e.location.line).toBe(6);
    }
  });
});

describe('parseInventory errors', () => {
  it('reports a truly empty file at line 1', () => {
    const err = fail('');
    expect(err.message).toMatch(/^inv\.yaml:1:1: the inventory is empty/);
    expect(err.exitCode).toBe(2);
  });

  it('refuses secret-like keys anywhere, but not table names in facts.db_rows', () => {
    for (const key of ['os_password', 'OS_TOKEN', 'apiKey', 'private_key', 'client_secret', 'credentials']) {
      const err = fail(`${HEAD}hosts: [{ name: ctl1, roles: [controller] }]\nfacts: { ${key}: x }\n`);
      expect(err.field).toBe(`facts.${key}`);
      expect(err.hint).toContain('environment variable');
      expect(err.location.line).toBe(6);
    }
    const inv = load(
      `${HEAD}hosts: [{ name: ctl1, roles: [controller] }]\nfacts: { db_rows: { keystone.token: 5 } }\n`,
    );
    expect(inv.facts.db_rows).toEqual({ 'keystone.token': 5 });
  });

  it('suggests the key that was meant', () => {
    const err = fail(`${HEAD}hosts:\n  - { name: ctl1, role: [controller] }\n`);
    expect(err.field).toBe('hosts[0].role');
    expect(err.hint).toMatch(/did you mean "roles"/);
    expect(err.location).toEqual({ file: 'inv.yaml', line: 6, col: 19 });
  });

  it('reports the first problem in the file when there are several', () => {
    const err = fail(`${HEAD}ssh: { port: 0 }\nhosts:\n  - { name: ctl1, roles: [bogus] }\n`);
    expect(err.field).toBe('ssh.port');
    expect(err.message).toContain('must be ≥ 1');
  });

  it('treats host names case-insensitively when looking for duplicates', () => {
    const err = fail(
      `${HEAD}hosts:\n  - { name: ctl1, roles: [controller] }\n  - { name: CTL1, roles: [compute] }\n`,
    );
    expect(err.field).toBe('hosts[1].name');
    expect(err.message).toContain('defined twice');
  });

  it('refuses a single address for a range of hosts', () => {
    const err = fail(`${HEAD}hosts:\n  - { name: "ctl[1:2]", address: 10.0.0.1, roles: [controller] }\n`);
    expect(err.field).toBe('hosts[0].address');
    expect(err.message).toContain('one address for 2 hosts');
  });

  it('escapes control characters it quotes back', () => {
    const err = fail(`${HEAD}hosts:\n  - { name: "ctl\\u001b[31m", roles: [controller] }\n`);
    expect(err.message).not.toContain('\u001b');
  });

  it('stops alias bombs', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i += 1)
      lines.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}]`);
    const err = fail(`${lines.join('\n')}\n`);
    expect(err.exitCode).toBe(2);
  });

  it('reports a file it cannot read as bad input', async () => {
    await expect(loadInventory('/nonexistent/inv.yaml', TEST_CATALOG)).rejects.toMatchObject({
      exitCode: 2,
      code: 'ERR_INVENTORY_READ',
    });
  });
});

describe('unknown keys', () => {
  it('reports the first unknown key in the file, even when it makes a required key missing', () => {
    const err = fail(`${HEAD}hots:\n  - { name: ctl1, roles: [controller] }\npolicy: { dran: wait }\n`);
    expect(err.field).toBe('hots');
    expect(err.location.line).toBe(5);
    expect(err.hint).toMatch(/did you mean "hosts"/);
  });
});
