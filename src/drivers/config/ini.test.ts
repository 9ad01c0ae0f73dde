import { describe, expect, it } from 'vitest';
import { ConfigEditError } from './errors.js';
import { IniDocument } from './ini.js';

// Havana nova.conf as the Ubuntu install guide left it: `key=value` from the package, `key = value`
// added by hand, a [database] section and keystone_authtoken.
const NOVA_CONF = `[DEFAULT]
dhcpbridge_flagfile=/etc/nova/nova.conf
dhcpbridge=/usr/bin/nova-dhcpbridge
logdir=/var/log/nova
state_path=/var/lib/nova
lock_path=/var/lock/nova
force_dhcp_release=True
libvirt_use_virtio_for_bridges=True
verbose=True
api_paste_config=/etc/nova/api-paste.ini
enabled_apis=ec2,osapi_compute,metadata
rpc_backend = nova.rpc.impl_kombu
rabbit_host = ctl1
rabbit_password = RABBIT_PASS
my_ip = 10.0.0.11
libvirt_vif_driver = nova.virt.libvirt.vif.LibvirtHybridOVSBridgeDriver
# Scheduler filters, one per line as ops write them
scheduler_default_filters = RetryFilter,
    AvailabilityZoneFilter,
    RamFilter

# Keep the database and authtoken sections last
[database]
connection = mysql://nova:NOVA_DBPASS@ctl1/nova

[keystone_authtoken]
auth_uri = http://ctl1:5000
auth_host = ctl1
admin_tenant_name = service
admin_user = nova
admin_password = NOVA_PASS
`;

// Havana keystone.conf from the package: mostly commented defaults, the connection under [sql].
const KEYSTONE_CONF = `[DEFAULT]
# A "shared secret" between keystone and other openstack services
admin_token = ADMIN_TOKEN

# The IP address of the network interface to listen on
# bind_host = 0.0.0.0

[sql]
# The SQLAlchemy connection string used to connect to the database
connection = mysql://keystone:KEYSTONE_DBPASS@ctl1/keystone

# the timeout before idle sql connections are reaped
# idle_timeout = 200

[identity]
driver = keystone.identity.backends.sql.Identity
`;

// Havana api-paste.ini [filter:authtoken], with the ubuntu comments between keys.
const API_PASTE = `[composite:osapi_compute]
use = call:nova.api.openstack.urlmap:urlmap_factory
/: oscomputeversions
/v1.1: openstack_compute_api_v2

[filter:authtoken]
paste.filter_factory = keystoneclient.middleware.auth_token:filter_factory
auth_host = 127.0.0.1
auth_port = 35357
auth_protocol = http
admin_tenant_name = %SERVICE_TENANT_NAME%
admin_user = %SERVICE_USER%
admin_password = %SERVICE_PASSWORD%
# signing_dir is configurable, but the default behavior of the authtoken
# middleware should be sufficient.
#signing_dir = /var/lib/nova/keystone-signing
# Workaround for https://bugs.launchpad.net/nova/+bug/1154809
auth_version = v2.0
`;

const edit = (text: string, f: (d: IniDocument) => void): string => {
  const d = IniDocument.parse(text);
  f(d);
  return d.toString();
};

describe('IniDocument reading', () => {
  it('gives back untouched text byte for byte, CRLF and missing final newline included', () => {
    for (const t of [
      NOVA_CONF,
      KEYSTONE_CONF,
      API_PASTE,
      NOVA_CONF.replaceAll('\n', '\r\n'),
      NOVA_CONF.trimEnd(),
      '',
    ]) {
      expect(IniDocument.parse(t).toString()).toBe(t);
    }
  });

  it('reads values as oslo does: delimiters, quotes, continuation lines', () => {
    const d = IniDocument.parse(
      '[a]\nk1=v1\nk2 = v2\nk3: v3\nk4 = "quoted "\nk5 = \'x\'\nurl = mysql://u:p@h/db\nlist = a,\n  b,\n\tc\n',
    );
    expect(d.get('a', 'k1')).toBe('v1');
    expect(d.get('a', 'k2')).toBe('v2');
    expect(d.get('a', 'k3')).toBe('v3');
    expect(d.get('a', 'k4')).toBe('quoted ');
    expect(d.get('a', 'k5')).toBe('x');
    expect(d.get('a', 'url')).toBe('mysql://u:p@h/db');
    expect(d.get('a', 'list')).toBe('a,\nb,\nc');
    expect(d.get('a', 'missing')).toBeUndefined();
    expect(d.get('b', 'k1')).toBeUndefined();
  });

  it('splits paste keys at the first delimiter', () => {
    const d = IniDocument.parse(API_PASTE);
    expect(d.get('composite:osapi_compute', '/v1.1')).toBe('openstack_compute_api_v2');
    expect(d.get('filter:authtoken', 'paste.filter_factory')).toBe(
      'keystoneclient.middleware.auth_token:filter_factory',
    );
  });

  it('keeps every value of a repeated key, the last one being the value', () => {
    const d = IniDocument.parse(
      '[DEFAULT]\nnotification_driver = a\nnotification_driver = b\n[x]\n[DEFAULT]\nnotification_driver = c\n',
    );
    expect(d.getAll('DEFAULT', 'notification_driver')).toEqual(['a', 'b', 'c']);
    expect(d.get('DEFAULT', 'notification_driver')).toBe('c');
  });

  it('matches section names as oslo.config does: case-insensitive except DEFAULT', () => {
    const d = IniDocument.parse('[OVS]\ntenant_network_type = gre\n[default]\nk = lower\n');
    expect(d.get('ovs', 'tenant_network_type')).toBe('gre');
    expect(d.get('DEFAULT', 'k')).toBeUndefined();
    expect(d.get('default', 'k')).toBe('lower');
    expect(d.sections()).toEqual(['OVS', 'default']);
  });

  it.each([
    ['key = v\n[DEFAULT]\n', 1, 'key before the first section header'],
    ['[DEFAULT]\njust words\n', 2, "neither '=' nor ':'"],
    ['[DEFAULT]\n\n  indented\n', 3, 'continues no key'],
    ['# comment\n[DEFAULT\n', 2, 'closing ]'],
    ['[]\n', 1, 'empty section name'],
    ['[a]\n= v\n', 2, 'empty key'],
  ])('refuses what oslo.config refuses: %j', (text, line, message) => {
    const e = (() => {
      try {
        IniDocument.parse(text);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(ConfigEditError);
    expect((e as ConfigEditError).context.line).toBe(line);
    expect((e as ConfigEditError).message).toContain(message);
  });
});

describe('IniDocument.set', () => {
  it('replaces the value in place, keeping the line style', () => {
    const out = edit(NOVA_CONF, (d) => {
      d.set('DEFAULT', 'verbose', 'False');
      d.set('DEFAULT', 'rabbit_host', 'ctl2');
    });
    expect(out).toBe(
      NOVA_CONF.replace('verbose=True', 'verbose=False').replace('rabbit_host = ctl1', 'rabbit_host = ctl2'),
    );
  });

  it('adds a missing key after the last key of the section, before the comments that open the next', () => {
    const out = edit(NOVA_CONF, (d) => d.set('DEFAULT', 'libvirt_inject_partition', '-2'));
    expect(out).toBe(NOVA_CONF.replace('    RamFilter\n', '    RamFilter\nlibvirt_inject_partition = -2\n'));
  });

  it('uses the section style for new keys', () => {
    expect(edit('[DEFAULT]\na=1\n', (d) => d.set('DEFAULT', 'b', '2'))).toBe('[DEFAULT]\na=1\nb=2\n');
    expect(edit('[DEFAULT]\na = 1\n', (d) => d.set('DEFAULT', 'b', '2'))).toBe('[DEFAULT]\na = 1\nb = 2\n');
  });

  it('puts a key of a section without keys right after its header', () => {
    const text = '[DEFAULT]\na = 1\n\n[database]\n# connection = <None>\n\n[x]\n';
    expect(edit(text, (d) => d.set('database', 'connection', 'sqlite://'))).toBe(
      '[DEFAULT]\na = 1\n\n[database]\nconnection = sqlite://\n# connection = <None>\n\n[x]\n',
    );
  });

  it('appends a missing section at the end of the file, after a blank line', () => {
    expect(edit(NOVA_CONF, (d) => d.set('upgrade_levels', 'compute', 'icehouse-compat'))).toBe(
      `${NOVA_CONF}\n[upgrade_levels]\ncompute = icehouse-compat\n`,
    );
    expect(edit('', (d) => d.set('DEFAULT', 'a', '1'))).toBe('[DEFAULT]\na = 1\n');
  });

  it('keeps CRLF line endings and a missing final newline', () => {
    const crlf = NOVA_CONF.replaceAll('\n', '\r\n');
    expect(edit(crlf, (d) => d.set('conductor', 'topic', 'c'))).toBe(
      `${crlf}\r\n[conductor]\r\ntopic = c\r\n`,
    );
    const bare = '[DEFAULT]\na = 1';
    expect(edit(bare, (d) => d.set('DEFAULT', 'b', '2'))).toBe('[DEFAULT]\na = 1\nb = 2');
    expect(edit(bare, (d) => d.set('x', 'b', '2'))).toBe('[DEFAULT]\na = 1\n\n[x]\nb = 2');
  });

  it('changes only the last of duplicate keys, the one oslo reads', () => {
    const text = '[DEFAULT]\nrpc_backend = a\nrpc_backend = b\n';
    expect(edit(text, (d) => d.set('DEFAULT', 'rpc_backend', 'rabbit'))).toBe(
      '[DEFAULT]\nrpc_backend = a\nrpc_backend = rabbit\n',
    );
  });

  it('leaves a value oslo already reads as the new one alone', () => {
    const text = '[DEFAULT]\nrpc_backend = "rabbit"  \nx=\n';
    expect(edit(text, (d) => d.set('DEFAULT', 'rpc_backend', 'rabbit'))).toBe(text);
    expect(edit(text, (d) => d.set('DEFAULT', 'x', ''))).toBe(text);
  });

  it('replaces a multi-line value whole', () => {
    const out = edit(NOVA_CONF, (d) => d.set('DEFAULT', 'scheduler_default_filters', 'RamFilter'));
    expect(out).toContain('scheduler_default_filters = RamFilter\n\n# Keep');
    expect(out).not.toContain('AvailabilityZoneFilter');
  });

  it('quotes values oslo would otherwise strip', () => {
    for (const v of [' lead', 'trail ', '"q"', "'", '']) {
      const d = IniDocument.parse('[a]\nk = old\n');
      d.set('a', 'k', v);
      expect(IniDocument.parse(d.toString()).get('a', 'k')).toBe(v);
    }
  });

  it('refuses line breaks and keys oslo could not read back', () => {
    const d = IniDocument.parse(NOVA_CONF);
    expect(() => d.set('DEFAULT', 'k', 'a\nb = c')).toThrow(/line break/);
    expect(() => d.set('DEFAULT', 'k', 'a\rb')).toThrow(/line break/);
    expect(() => d.set('DEFAULT', 'a=b', 'x')).toThrow(ConfigEditError);
    expect(() => d.set('DEFAULT', '#k', 'x')).toThrow(ConfigEditError);
    expect(() => d.set('x\n[y]', 'k', 'x')).toThrow(/section name contains a line break/);
    expect(d.toString()).toBe(NOVA_CONF);
  });
});

describe('IniDocument.unset', () => {
  it('removes every occurrence with its continuation lines, and nothing else', () => {
    const out = edit(NOVA_CONF, (d) => {
      d.unset('DEFAULT', 'scheduler_default_filters');
      d.unset('DEFAULT', 'libvirt_vif_driver');
    });
    expect(out).toBe(
      NOVA_CONF.replace(
        'libvirt_vif_driver = nova.virt.libvirt.vif.LibvirtHybridOVSBridgeDriver\n',
        '',
      ).replace('scheduler_default_filters = RetryFilter,\n    AvailabilityZoneFilter,\n    RamFilter\n', ''),
    );
    expect(edit('[a]\nk = 1\nj = 2\nk = 3', (d) => d.unset('a', 'k'))).toBe('[a]\nj = 2');
  });

  it('is a no-op for an absent key or section', () => {
    expect(edit(NOVA_CONF, (d) => d.unset('libvirt', 'vif_driver'))).toBe(NOVA_CONF);
  });
});

describe('IniDocument.move', () => {
  it('moves keystone [sql] connection to a new [database] section', () => {
    const out = edit(KEYSTONE_CONF, (d) => d.move('sql', 'connection', 'database', 'connection'));
    expect(out).toBe(
      `${KEYSTONE_CONF.replace('connection = mysql://keystone:KEYSTONE_DBPASS@ctl1/keystone\n', '')}\n` +
        '[database]\nconnection = mysql://keystone:KEYSTONE_DBPASS@ctl1/keystone\n',
    );
  });

  it('renames within the same section and keeps the value as written', () => {
    const out = edit('[DEFAULT]\nsql_connection="sqlite:///x"\nverbose=True\n', (d) =>
      d.move('DEFAULT', 'sql_connection', 'DEFAULT', 'connection'),
    );
    expect(out).toBe('[DEFAULT]\nverbose=True\nconnection="sqlite:///x"\n');
  });

  it('lets an existing target win and only removes the source', () => {
    const text = '[sql]\nconnection = old\n\n[database]\nconnection = new\n';
    expect(edit(text, (d) => d.move('sql', 'connection', 'database', 'connection'))).toBe(
      '[sql]\n\n[database]\nconnection = new\n',
    );
  });

  it('does nothing without a source', () => {
    const moved = edit(KEYSTONE_CONF, (d) => d.move('sql', 'connection', 'database', 'connection'));
    expect(edit(moved, (d) => d.move('sql', 'connection', 'database', 'connection'))).toBe(moved);
  });
});

describe('IniDocument.map', () => {
  const RPC = { 'nova.rpc.impl_kombu': 'rabbit', 'nova.openstack.common.rpc.impl_qpid': 'qpid' };

  it('replaces known values and leaves others', () => {
    expect(edit(NOVA_CONF, (d) => d.map('DEFAULT', 'rpc_backend', RPC))).toBe(
      NOVA_CONF.replace('rpc_backend = nova.rpc.impl_kombu', 'rpc_backend = rabbit'),
    );
    const custom = '[DEFAULT]\nrpc_backend = my.driver\n';
    expect(edit(custom, (d) => d.map('DEFAULT', 'rpc_backend', RPC))).toBe(custom);
  });

  it('maps every occurrence, and a prototype name is just a value', () => {
    const text = '[a]\nk = nova.rpc.impl_kombu\nk = constructor\nk = nova.openstack.common.rpc.impl_qpid\n';
    expect(edit(text, (d) => d.map('a', 'k', RPC))).toBe('[a]\nk = rabbit\nk = constructor\nk = qpid\n');
  });

  it('refuses a map that would change its own output on the next run', () => {
    expect(() => edit(NOVA_CONF, (d) => d.map('DEFAULT', 'rpc_backend', { a: 'b', b: 'c' }))).toThrow(
      /second run/,
    );
  });
});

describe('IniDocument.commentSection', () => {
  it('comments every key but the kept ones, comments and other sections untouched', () => {
    const out = edit(API_PASTE, (d) => d.commentSection('filter:authtoken', ['paste.filter_factory']));
    expect(out).toBe(
      API_PASTE.replace(
        /^(auth_host|auth_port|auth_protocol|admin_tenant_name|admin_user|admin_password|auth_version) =/gm,
        '#$1 =',
      ),
    );
    expect(edit(out, (d) => d.commentSection('filter:authtoken', ['paste.filter_factory']))).toBe(out);
  });

  it('comments continuation lines with their key', () => {
    expect(edit('[a]\nk = 1,\n  2\n', (d) => d.commentSection('a', []))).toBe('[a]\n#k = 1,\n#  2\n');
  });

  it('is a no-op for an absent section', () => {
    expect(edit(NOVA_CONF, (d) => d.commentSection('filter:authtoken', []))).toBe(NOVA_CONF);
  });
});
