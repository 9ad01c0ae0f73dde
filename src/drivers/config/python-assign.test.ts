import { describe, expect, it } from 'vitest';
import { ConfigEditError } from './errors.js';
import { applyPythonAssign } from './python-assign.js';

// Havana Horizon local_settings.py as Ubuntu ships it, shortened.
const LOCAL_SETTINGS = `import os

from django.utils.translation import ugettext_lazy as _

from openstack_dashboard import exceptions

DEBUG = False
TEMPLATE_DEBUG = DEBUG

# Set SSL proxy settings:
# SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTOCOL', 'https')

ALLOWED_HOSTS = ['*']

OPENSTACK_HOST = "127.0.0.1"
OPENSTACK_KEYSTONE_URL = "http://%s:5000/v2.0" % OPENSTACK_HOST
OPENSTACK_KEYSTONE_DEFAULT_ROLE = "Member"

OPENSTACK_KEYSTONE_BACKEND = {
    'name': 'native',
    'can_edit_user': True,
    'can_edit_project': True,
}

LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'handlers': {
        'null': {
            'level': 'DEBUG',
            'class': 'django.utils.log.NullHandler',
        },
    },
}
`;

const ROLE = 'OPENSTACK_KEYSTONE_DEFAULT_ROLE';
const MAP = { Member: '_member_' };

describe('applyPythonAssign', () => {
  it('maps the Havana default role and leaves every other byte', () => {
    const out = applyPythonAssign(LOCAL_SETTINGS, ROLE, MAP);
    expect(out).toBe(LOCAL_SETTINGS.replace(`${ROLE} = "Member"`, `${ROLE} = "_member_"`));
    expect(applyPythonAssign(out, ROLE, MAP)).toBe(out);
  });

  it('keeps quotes, prefixes, comments and CRLF', () => {
    expect(applyPythonAssign(`${ROLE}='Member'  # keystone role\r\n`, ROLE, MAP)).toBe(
      `${ROLE}='_member_'  # keystone role\r\n`,
    );
    expect(applyPythonAssign(`${ROLE} = u"Member"`, ROLE, MAP)).toBe(`${ROLE} = u"_member_"`);
  });

  it('leaves unknown values, other names and expressions alone', () => {
    for (const text of [
      `${ROLE} = "admin"\n`,
      `${ROLE}_OLD = "Member"\n`,
      `${ROLE} = os.environ.get("ROLE", "Member")\n`,
      `${ROLE} == "Member"\n`,
      `${ROLE} = "Mem" "ber"\n`,
    ]) {
      expect(applyPythonAssign(text, ROLE, MAP)).toBe(text);
    }
  });

  it('does not mistake lines inside strings, brackets or continuations for assignments', () => {
    const text = [
      '"""Local settings.',
      `${ROLE} = "Member"`,
      '"""',
      'X = {',
      `${ROLE} = "Member"`,
      '}',
      'Y = 1 + \\',
      `${ROLE} = "Member"`,
      `Z = "a # (" ; W = ')'`,
      `${ROLE} = "Member"`,
      '',
    ].join('\n');
    const out = applyPythonAssign(text, ROLE, MAP);
    expect(out.split('\n').filter((l) => l.includes('_member_'))).toHaveLength(1);
    expect(out.split('\n')[9]).toBe(`${ROLE} = "_member_"`);
  });

  it('refuses a known value inside a block rather than guess', () => {
    expect(() => applyPythonAssign(`if DEBUG:\n    ${ROLE} = "Member"\n`, ROLE, MAP)).toThrow(
      /inside a block/,
    );
    expect(applyPythonAssign(`if DEBUG:\n    ${ROLE} = "admin"\n`, ROLE, MAP)).toContain('admin');
  });

  it('refuses bad names and values it cannot write without escapes', () => {
    expect(() => applyPythonAssign(LOCAL_SETTINGS, 'NOT A NAME', MAP)).toThrow(ConfigEditError);
    expect(() => applyPythonAssign(`${ROLE} = "Member"`, ROLE, { Member: 'a"b' })).toThrow(/escapes/);
    expect(() => applyPythonAssign(LOCAL_SETTINGS, ROLE, { Member: 'a\nB = 1' })).toThrow(/line break/);
  });
});
