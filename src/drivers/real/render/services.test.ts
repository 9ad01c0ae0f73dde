import { describe, expect, it } from 'vitest';
import { parseStatus, serviceCommand } from './services.js';

describe('serviceCommand', () => {
  it('is `service UNIT VERB`, the unit quoted when it needs it', () => {
    expect(serviceCommand('nova-api', 'stop')).toBe('service nova-api stop');
    expect(serviceCommand('openstack-nova-api', 'status')).toBe('service openstack-nova-api status');
    expect(serviceCommand('a b;reboot', 'start')).toBe("service 'a b;reboot' start");
  });
});

describe('parseStatus', () => {
  describe('upstart (Ubuntu 12.04 / 14.04)', () => {
    it('start/running is running', () => {
      expect(parseStatus(0, 'nova-api start/running, process 123\n', '')).toBe('running');
    });

    it('stop/waiting is stopped even though upstart exits 0', () => {
      expect(parseStatus(0, 'nova-api stop/waiting\n', '')).toBe('stopped');
    });

    it('an unknown job is not a unit', () => {
      expect(parseStatus(1, '', 'status: Unknown job: nova-foo\n')).toBe('unknown-unit');
    });

    it("sysv-compat's unrecognized service", () => {
      expect(parseStatus(1, '', 'nova-foo: unrecognized service\n')).toBe('unknown-unit');
    });
  });

  describe('SysV init scripts (RHEL / CentOS 6)', () => {
    it('`(pid N) is running...` with exit 0 is running', () => {
      expect(parseStatus(0, 'openstack-nova-api (pid  123) is running...\n', '')).toBe('running');
      expect(parseStatus(0, 'openstack-nova-api (pid 123) is running...\n', '')).toBe('running');
    });

    it('`is stopped` with exit 3 is stopped', () => {
      expect(parseStatus(3, 'openstack-nova-api is stopped\n', '')).toBe('stopped');
    });

    it('`is stopped` is stopped whatever the exit code', () => {
      expect(parseStatus(0, 'openstack-nova-api is stopped\n', '')).toBe('stopped');
    });

    it('dead but pid file exists (exit 1) is stopped', () => {
      expect(parseStatus(1, 'openstack-nova-api dead but pid file exists\n', '')).toBe('stopped');
    });

    it('an unrecognized service (on stderr, exit 1) is not a unit', () => {
      expect(parseStatus(1, '', 'openstack-nova-foo: unrecognized service\n')).toBe('unknown-unit');
    });
  });

  it('a non-zero exit without words is stopped', () => {
    expect(parseStatus(3, '', '')).toBe('stopped');
  });

  it('the words may come on either stream', () => {
    expect(parseStatus(0, '', 'nova-api stop/waiting\n')).toBe('stopped');
    expect(parseStatus(0, 'nova-api: unrecognized service', '')).toBe('unknown-unit');
  });
});
