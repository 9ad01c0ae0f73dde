import { describe, expect, it } from 'vitest';
import { parseVersionRecords, versionsBefore } from './rollback.js';

describe('versions recorded before upgrades', () => {
  it('the earliest record of each package wins; only installed packages count', () => {
    const text = [
      '# at 2000',
      'nova-api 1:2014.1.5-0ubuntu1~cloud0 install ok installed',
      'keystone 1:2014.1.5-0ubuntu1~cloud0 install ok installed',
      '# at 1000',
      'nova-api 1:2013.2.3-0ubuntu1~cloud0 install ok installed',
      'nova-cert 1:2013.2.3-0ubuntu1~cloud0 install ok half-configured',
      'openstack-nova-common 2013.2.3-1.el6',
    ].join('\n');
    const records = parseVersionRecords(text);
    expect(records.map((r) => r.at)).toEqual([2000, 1000]);
    expect(Object.fromEntries(versionsBefore(records))).toEqual({
      'nova-api': '1:2013.2.3-0ubuntu1~cloud0',
      'openstack-nova-common': '2013.2.3-1.el6',
      keystone: '1:2014.1.5-0ubuntu1~cloud0',
    });
  });
});
