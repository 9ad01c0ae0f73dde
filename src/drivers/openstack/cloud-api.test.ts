import { describe, expect, it } from 'vitest';
import { withoutTenant } from './cloud-api.js';

describe('withoutTenant', () => {
  it("drops the tenant of a Nova URL, as neutron's nova_url wants it", () => {
    expect(withoutTenant('http://ctl1:8774/v2/3f2a9c1e5b7d4e6f8a0b1c2d3e4f5a6b')).toBe('http://ctl1:8774/v2');
    expect(withoutTenant('http://ctl1:8774/v2/3f2a9c1e-5b7d-4e6f-8a0b-1c2d3e4f5a6b/')).toBe(
      'http://ctl1:8774/v2',
    );
    expect(withoutTenant('https://api.example/compute/v2.1/0123456789abcdef')).toBe(
      'https://api.example/compute/v2.1',
    );
    expect(withoutTenant('http://ctl1:8774/v2')).toBe('http://ctl1:8774/v2');
  });
});
