import { describe, expect, it } from 'vitest';
import { parseSchemaVersion, sameHead } from './schema-version.js';

describe('schema versions', () => {
  it('reads sqlalchemy-migrate integers and compares them with zero-padded heads', () => {
    expect(parseSchemaVersion('44\n')).toBe('44');
    expect(sameHead(parseSchemaVersion('44\n'), '044')).toBe(true);
    expect(sameHead('216', '233')).toBe(false);
    expect(parseSchemaVersion('2014-05-01 12:00:00.1 INFO x\n233\n')).toBe('233');
  });

  it('reads alembic current output in its forms', () => {
    expect(parseSchemaVersion('icehouse (head)\n')).toBe('icehouse');
    expect(
      parseSchemaVersion(
        'INFO  [alembic.migration] Context impl MySQLImpl.\nCurrent revision for mysql://neutron:x@ctl1/neutron: havana -> icehouse (head), icehouse\n',
      ),
    ).toBe('icehouse');
    expect(parseSchemaVersion('Current revision for mysql://neutron:x@ctl1/neutron: havana\n')).toBe(
      'havana',
    );
    expect(sameHead('icehouse', 'icehouse')).toBe(true);
    expect(sameHead(undefined, 'icehouse')).toBe(false);
  });
});
