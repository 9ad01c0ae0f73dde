import { describe, expect, it } from 'vitest';
import {
  API_PASTE,
  havanaConfigFiles as files,
  GLANCE_API_CONF,
  GLANCE_POLICY,
  KEYSTONE_CONF,
  LOCAL_SETTINGS,
  NEUTRON_CONF,
  NOVA_CONF,
  NOVA_CONF_RHEL,
  NOVA_POLICY,
} from '../../../test/support/havana-configs.js';
import { HAVANA_ICEHOUSE } from '../../catalog/packs/havana-icehouse.js';
import { CONF } from '../../catalog/releases/openstack-2013.js';
import type { ConfigEditDef, ConfigEditOp, ConfigValue, DistroFamily } from '../../catalog/types.js';
import {
  applyConfigEdits,
  describeValue,
  editsApplied,
  type ResolveValue,
  valuesNeeded,
} from './apply-edits.js';
import { ConfigEditError } from './errors.js';
import { IniDocument } from './ini.js';
import { clearRpcPinOps, setRpcPinOps } from './rpc-pin.js';

const LOOKUPS = {
  'service-tenant-id': '5f4c4d1e0a1b4c7e9d2f3a6b8c0d1e2f',
  'nova-api-url': 'http://ctl1:8774/v2',
  'keystone-admin-url': 'http://ctl1:35357/v2.0',
  'parallel-nova-db-url': 'mysql://nova:NOVA_DBPASS@db1/nova_icehouse',
  'parallel-nova-api-url': 'http://ctl9:8774/v2',
  'parallel-region': 'RegionTwo',
} as const;

/** The driver's resolution, done on the fixtures: copies read the same host's file through IniDocument. */
function resolver(family: DistroFamily): ResolveValue {
  return (v: ConfigValue) => {
    if ('literal' in v) throw new Error('literals are not resolved by the driver');
    if ('lookup' in v) return LOOKUPS[v.lookup];
    const { file, section, key } = v.copyFrom;
    const value = IniDocument.parse(files(family)[file] ?? '').get(section, key);
    if (value === undefined) throw new Error(`fixture lacks ${file} [${section}] ${key}`);
    return value;
  };
}

const ALL_EDITS: readonly ConfigEditDef[] = [
  ...HAVANA_ICEHOUSE.configEdits,
  ...HAVANA_ICEHOUSE.parallelEnvironment,
  ...HAVANA_ICEHOUSE.parallelNeutron,
];

/** Each (edit, family, path) the pack can produce, per the edit's own scope. */
const CASES = ALL_EDITS.flatMap((def) =>
  (def.scope.families ?? (['ubuntu', 'rhel'] as const)).flatMap((family) => {
    const path = def.file[family] ?? def.file.default;
    return path === undefined ? [] : [{ name: `${def.id} (${family})`, def, family, path }];
  }),
);

function value(op: Extract<ConfigEditOp, { op: 'set' }>, resolve: ResolveValue): string {
  return 'literal' in op.value ? op.value.literal : resolve(op.value);
}

/** What each INI op promises about the file afterwards, checked against the file before. */
function checkIniOp(before: IniDocument, after: IniDocument, op: ConfigEditOp, resolve: ResolveValue): void {
  switch (op.op) {
    case 'set':
      expect(after.get(op.section, op.key)).toBe(value(op, resolve));
      break;
    case 'unset':
      expect(after.getAll(op.section, op.key)).toEqual([]);
      break;
    case 'move':
      expect(after.getAll(op.section, op.key)).toEqual([]);
      expect(after.get(op.toSection, op.toKey)).toBe(
        before.get(op.toSection, op.toKey) ?? before.get(op.section, op.key),
      );
      break;
    case 'map': {
      const old = before.get(op.section, op.key);
      expect(after.get(op.section, op.key)).toBe(old === undefined ? undefined : (op.map[old] ?? old));
      break;
    }
    case 'comment-section':
      expect(after.keys(op.section)).toEqual(before.keys(op.section).filter((k) => op.keep.includes(k)));
      break;
    default:
      throw new Error(`${op.op} is not an INI op`);
  }
}

describe('every Havana → Icehouse config edit on a plausible Havana file', () => {
  it.each(CASES)('$name', ({ def, family, path }) => {
    const text = files(family)[path];
    const resolve = resolver(family);
    if (def.format === 'symlink') {
      expect(() => applyConfigEdits('', def.format, def.ops, resolve)).toThrow(/driver creates the link/);
      return;
    }
    expect(text, `fixture for ${path}`).toBeDefined();
    const input = def.id === 'nova-vif-plugging-restored' ? relaxed(text!) : text!;
    const { text: out, changed } = applyConfigEdits(input, def.format, def.ops, resolve);
    expect(changed).toBe(true);
    expect(editsApplied(input, def.format, def.ops, resolve)).toBe(false);
    expect(editsApplied(out, def.format, def.ops, resolve)).toBe(true);
    expect(applyConfigEdits(out, def.format, def.ops, resolve)).toEqual({ text: out, changed: false });
    if (def.format !== 'ini') return;
    const before = IniDocument.parse(input);
    const after = IniDocument.parse(out);
    for (const op of def.ops) checkIniOp(before, after, op, resolve);
    const named = def.ops.flatMap((o) =>
      'toSection' in o ? [o.section, o.toSection] : 'section' in o ? [o.section] : [],
    );
    for (const s of before.sections().filter((s) => !named.includes(s))) {
      for (const k of before.keys(s)) expect(after.getAll(s, k)).toEqual(before.getAll(s, k));
      expect(after.keys(s)).toEqual(before.keys(s));
    }
  });

  function relaxed(text: string): string {
    const def = ALL_EDITS.find((d) => d.id === 'nova-vif-plugging-relaxed')!;
    return applyConfigEdits(text, def.format, def.ops, resolver('ubuntu')).text;
  }

  const apply = (id: string, family: DistroFamily = 'ubuntu') => {
    const def = ALL_EDITS.find((d) => d.id === id)!;
    const path = def.file[family] ?? def.file.default!;
    return applyConfigEdits(files(family)[path]!, def.format, def.ops, resolver(family)).text;
  };

  it('keystone: [sql] connection moves to a new [database], the [sql] comments stay', () => {
    expect(apply('keystone-database-connection')).toBe(
      `${KEYSTONE_CONF.replace('connection = mysql://keystone:KEYSTONE_DBPASS@ctl1/keystone\n', '')}\n` +
        '[database]\nconnection = mysql://keystone:KEYSTONE_DBPASS@ctl1/keystone\n',
    );
  });

  it("glance-api: sql_connection renamed into [database], nova's broker settings copied in place", () => {
    const out = apply('glance-api-database-connection');
    expect(out).not.toContain('sql_connection =');
    expect(out).toContain('sql_idle_timeout = 3600');
    expect(
      out.endsWith(
        'flavor = keystone\n\n[database]\nconnection = mysql://glance:GLANCE_DBPASS@ctl1/glance\n',
      ),
    ).toBe(true);
    expect(apply('glance-api-rpc-rabbit')).toBe(
      GLANCE_API_CONF.replace('rabbit_host = localhost', 'rabbit_host = ctl1')
        .replace('rabbit_password = guest', 'rabbit_password = RABBIT_PASS')
        .replace('qpid_hostname = localhost\n', 'qpid_hostname = localhost\nrpc_backend = rabbit\n'),
    );
    expect(apply('glance-api-rpc-qpid', 'rhel')).toBe(
      GLANCE_API_CONF.replace('qpid_hostname = localhost\n', 'qpid_hostname = ctl1\nrpc_backend = qpid\n'),
    );
  });

  it('nova: rpc_backend module paths become transport names, in the line style found', () => {
    expect(apply('nova-rpc-backend')).toBe(NOVA_CONF.replace('nova.rpc.impl_kombu', 'rabbit'));
    expect(apply('nova-rpc-backend', 'rhel')).toBe(
      NOVA_CONF_RHEL.replace('rpc_backend=nova.openstack.common.rpc.impl_qpid', 'rpc_backend=qpid'),
    );
  });

  it('nova api-paste: authtoken keys commented out below paste.filter_factory', () => {
    const out = apply('nova-api-paste-authtoken');
    expect(out).toContain(
      '[filter:authtoken]\npaste.filter_factory = keystoneclient.middleware.auth_token:filter_factory\n' +
        '#auth_host = 127.0.0.1\n#auth_port = 35357\n#auth_protocol = http\n',
    );
    expect(out).toContain('#signing_dir = /var/lib/nova/keystone-signing\n# Workaround');
    expect(out.endsWith('#auth_version = v2.0\n')).toBe(true);
    expect(out.slice(0, out.indexOf('[filter:authtoken]'))).toBe(
      API_PASTE.slice(0, API_PASTE.indexOf('[filter:authtoken]')),
    );
  });

  it('nova compute: vif driver removed, file injection disabled at the end of [DEFAULT]', () => {
    expect(apply('nova-vif-driver')).toBe(
      NOVA_CONF.replace('libvirt_vif_driver = nova.virt.libvirt.vif.LibvirtHybridOVSBridgeDriver\n', ''),
    );
    expect(apply('nova-disable-file-injection')).toBe(
      NOVA_CONF.replace(
        'firewall_driver = nova.virt.firewall.NoopFirewallDriver\n',
        'firewall_driver = nova.virt.firewall.NoopFirewallDriver\nlibvirt_inject_partition = -2\n',
      ),
    );
  });

  it('neutron: nova notification settings with looked-up and copied credentials', () => {
    const doc = IniDocument.parse(apply('neutron-nova-notifications'));
    expect(doc.get('DEFAULT', 'nova_url')).toBe('http://ctl1:8774/v2');
    expect(doc.get('DEFAULT', 'nova_admin_password')).toBe('NOVA_PASS');
    expect(doc.get('DEFAULT', 'nova_admin_tenant_id')).toBe(LOOKUPS['service-tenant-id']);
  });

  it('ml2: values from the OVS ini (lowercase sections) land in the shipped, commented file', () => {
    const out = apply('neutron-ml2-conf');
    expect(out.startsWith('[ml2]\ntype_drivers = local,flat,vlan,gre,vxlan\n')).toBe(true);
    const doc = IniDocument.parse(out);
    expect(doc.get('ml2', 'tenant_network_types')).toBe('gre');
    expect(doc.get('ml2_type_gre', 'tunnel_id_ranges')).toBe('1:1000');
    expect(doc.get('ml2_type_vlan', 'network_vlan_ranges')).toBe('physnet1:100:199');
    expect(doc.get('securitygroup', 'firewall_driver')).toBe(
      'neutron.agent.linux.iptables_firewall.OVSHybridIptablesFirewallDriver',
    );
    expect(out).toContain('[ml2_type_vxlan]\n# vni_ranges =\n');
  });

  it('horizon and policy files', () => {
    expect(apply('horizon-default-role')).toBe(LOCAL_SETTINGS.replace('"Member"', '"_member_"'));
    expect(apply('glance-policy-context-is-admin')).toBe(
      GLANCE_POLICY.replace('"role:admin"\n', '"role:admin",\n    "context_is_admin": "role:admin"\n'),
    );
    expect(apply('nova-policy-context-is-admin')).toBe(
      NOVA_POLICY.replace(
        '"compute:create:attach_network": ""\n',
        '"compute:create:attach_network": "",\n    "context_is_admin": "role:admin"\n',
      ),
    );
  });

  it('parallel-compute: its own database and topics, [conductor] created', () => {
    const doc = IniDocument.parse(apply('parallel-nova-topics'));
    expect(doc.get('conductor', 'topic')).toBe('conductor_icehouse');
    expect(IniDocument.parse(apply('parallel-nova-database')).get('database', 'connection')).toBe(
      LOOKUPS['parallel-nova-db-url'],
    );
  });

  it('[upgrade_levels] pins set and cleared through the same path', () => {
    const noLookups = resolver('ubuntu');
    const pinned = HAVANA_ICEHOUSE.pins.reduce(
      (t, p) => applyConfigEdits(t, 'ini', setRpcPinOps(p.service, p.level), noLookups).text,
      NOVA_CONF,
    );
    expect(pinned).toBe(`${NOVA_CONF}\n[upgrade_levels]\ncompute = icehouse-compat\nnetwork = 1.10\n`);
    expect(editsApplied(pinned, 'ini', setRpcPinOps('compute', 'icehouse-compat'), noLookups)).toBe(true);
    const cleared = HAVANA_ICEHOUSE.pins.reduce(
      (t, p) => applyConfigEdits(t, 'ini', clearRpcPinOps(p.service), noLookups).text,
      pinned,
    );
    expect(cleared).toBe(`${NOVA_CONF}\n[upgrade_levels]\n`);
  });
});

describe('applyConfigEdits guards', () => {
  const set = (v: ConfigValue): ConfigEditOp => ({
    op: 'set',
    section: 'DEFAULT',
    key: 'rabbit_password',
    value: v,
  });

  it('refuses a resolved value with a line break, without echoing it', () => {
    const copy = { copyFrom: { file: CONF.nova, section: 'DEFAULT', key: 'rabbit_password' } };
    const run = () => applyConfigEdits(GLANCE_API_CONF, 'ini', [set(copy)], () => 'secret\n[evil]');
    expect(run).toThrow(ConfigEditError);
    expect(run).toThrow(
      /copied from \/etc\/nova\/nova.conf \[DEFAULT\] rabbit_password contains a line break/,
    );
    expect(run).not.toThrow(/secret/);
    expect(() => applyConfigEdits(GLANCE_API_CONF, 'ini', [set({ literal: 'a\r\nb' })], () => '')).toThrow(
      /line break/,
    );
    expect(() =>
      applyConfigEdits(GLANCE_POLICY, 'json', [{ op: 'json-set', key: 'k', value: 'a\nb' }], () => ''),
    ).toThrow(/line break/);
  });

  it('says the driver handles symlinks and refuses ops of another format', () => {
    const link: ConfigEditOp = { op: 'symlink', target: CONF.ml2Ini };
    expect(() => applyConfigEdits('', 'symlink', [link], () => '')).toThrow(/driver creates the link itself/);
    expect(() => applyConfigEdits('[a]\n', 'ini', [link], () => '')).toThrow(
      /driver creates the link itself/,
    );
    expect(() =>
      applyConfigEdits(GLANCE_POLICY, 'json', [{ op: 'unset', section: 'DEFAULT', key: 'k' }], () => ''),
    ).toThrow(/op unset does not apply to a json file/);
    expect(() =>
      applyConfigEdits(NOVA_CONF, 'ini', [{ op: 'python-assign', name: 'X', map: {} }], () => ''),
    ).toThrow(/python-assign does not apply to a ini file/);
  });

  it('calls resolve for run-time values only and lists them once', () => {
    const def = ALL_EDITS.find((d) => d.id === 'neutron-nova-notifications')!;
    const seen: ConfigValue[] = [];
    applyConfigEdits(NEUTRON_CONF, 'ini', [...def.ops, ...def.ops], (v) => {
      seen.push(v);
      return resolver('ubuntu')(v);
    });
    expect(seen.every((v) => !('literal' in v))).toBe(true);
    expect(valuesNeeded([...def.ops, ...def.ops])).toEqual([
      { lookup: 'nova-api-url' },
      { lookup: 'service-tenant-id' },
      { copyFrom: { file: CONF.nova, section: 'keystone_authtoken', key: 'admin_password' } },
      { lookup: 'keystone-admin-url' },
    ]);
    expect(valuesNeeded([{ op: 'comment-section', section: 'x', keep: [] }])).toEqual([]);
    expect(describeValue({ lookup: 'parallel-region' })).toBe('the looked-up value parallel-region');
  });

  it('errors carry their context, and the driver adds host and path', () => {
    try {
      applyConfigEdits('[DEFAULT]\noops\n', 'ini', [], () => '');
      expect.unreachable();
    } catch (e) {
      const err = e as ConfigEditError;
      expect(err.code).toBe('ERR_CONFIG_EDIT');
      expect(err.context.line).toBe(2);
      expect(err.inFile('ctl1', CONF.nova).message).toBe(
        "ctl1:/etc/nova/nova.conf:2: neither '=' nor ':' on a line that is not a comment (oslo.config refuses this file too)",
      );
    }
    const e = new ConfigEditError('x', { op: 'set', section: 'DEFAULT', key: 'k' });
    expect(e.message).toBe('set [DEFAULT] k: x');
    expect(e.inFile('h', '/p').context).toMatchObject({
      op: 'set',
      section: 'DEFAULT',
      key: 'k',
      file: { host: 'h', path: '/p' },
    });
  });
});
