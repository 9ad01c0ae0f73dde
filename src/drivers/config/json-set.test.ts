import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigEditError } from './errors.js';
import { applyJsonSet } from './json-set.js';

// Havana glance policy.json (4 spaces) and the head of nova's.
const GLANCE_POLICY = `{
    "default": "",
    "manage_image_cache": "role:admin"
}
`;

const NOVA_POLICY = `{
    "context_is_admin":  "role:admin",
    "admin_or_owner":  "is_admin:True or project_id:%(project_id)s",
    "default": "rule:admin_or_owner",

    "cells_scheduler_filter:TargetCellFilter": "is_admin:True",

    "compute:create": "",
    "compute:create:attach_network": ""
}
`;

const KEY = 'context_is_admin';

describe('applyJsonSet', () => {
  it('adds a missing key after the last one, indented like it', () => {
    expect(applyJsonSet(GLANCE_POLICY, KEY, 'role:admin')).toBe(
      '{\n    "default": "",\n    "manage_image_cache": "role:admin",\n    "context_is_admin": "role:admin"\n}\n',
    );
    expect(applyJsonSet('{\r\n  "a": "b"\r\n}', KEY, 'role:admin')).toBe(
      '{\r\n  "a": "b",\r\n  "context_is_admin": "role:admin"\r\n}',
    );
  });

  it('leaves a key that already holds the value alone, spacing included', () => {
    expect(applyJsonSet(NOVA_POLICY, KEY, 'role:admin')).toBe(NOVA_POLICY);
  });

  it('replaces only the value of an existing key', () => {
    const text = NOVA_POLICY.replace('"role:admin"', '[["role:admin"], ["is_admin:1"]]');
    expect(applyJsonSet(text, KEY, 'role:admin')).toBe(NOVA_POLICY);
  });

  it('changes the last of duplicate keys, the one parsers keep', () => {
    expect(applyJsonSet('{"a": "1", "a": "2"}', 'a', '3')).toBe('{"a": "1", "a": "3"}');
  });

  it('handles empty and one-line objects and keys with escapes', () => {
    expect(applyJsonSet('{}', KEY, 'role:admin')).toBe('{\n    "context_is_admin": "role:admin"\n}');
    expect(applyJsonSet('{"a\\"}": {"b": [1, "]"]}}', KEY, 'x')).toBe(
      '{"a\\"}": {"b": [1, "]"]}, "context_is_admin": "x"}',
    );
  });

  it('refuses what is not a JSON object', () => {
    expect(() => applyJsonSet('{"a": }', KEY, 'x')).toThrow(ConfigEditError);
    expect(() => applyJsonSet('["a"]', KEY, 'x')).toThrow(/not a JSON object/);
  });

  it('sets the key and keeps every other member, whatever the object and layout', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.constantFrom(0, 2, 4, '\t'),
        fc.string(),
        fc.string().filter((v) => !/[\r\n]/.test(v)),
        (obj, indent, key, value) => {
          fc.pre(!/[\r\n]/.test(key));
          const text = JSON.stringify(obj, null, indent);
          const out = applyJsonSet(text, key, value);
          expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify({ ...obj, [key]: value })));
          expect(applyJsonSet(out, key, value)).toBe(out);
        },
      ),
    );
  });
});
