import { describe, expect, it } from 'vitest';
import { apiEndpoints, type Catalog, findEndpoint, requireEndpoint } from './catalog.js';

const ep = (iface: 'public' | 'internal' | 'admin', region: string, url: string) => ({
  interface: iface,
  region,
  url,
});

const catalog: Catalog = [
  {
    type: 'compute',
    name: 'nova',
    endpoints: [
      ep('public', 'RegionOne', 'http://pub1:8774/v2/t'),
      ep('internal', 'RegionOne', 'http://int1:8774/v2/t'),
      ep('public', 'RegionTwo', 'http://pub2:8774/v2/t'),
    ],
  },
  { type: 'volumev2', name: 'cinderv2', endpoints: [ep('public', 'RegionOne', 'http://c:8776/v2/t')] },
  { type: 'metering', name: 'ceilometer', endpoints: [ep('public', 'RegionOne', 'http://m:8777')] },
];

describe('catalog lookup', () => {
  it('matches type, interface and region; without a region, the first', () => {
    expect(findEndpoint(catalog, ['compute'], { interface: 'internal', region: 'RegionOne' })).toBe(
      'http://int1:8774/v2/t',
    );
    expect(findEndpoint(catalog, ['compute'], { interface: 'public', region: 'RegionTwo' })).toBe(
      'http://pub2:8774/v2/t',
    );
    expect(findEndpoint(catalog, ['compute'], { interface: 'public' })).toBe('http://pub1:8774/v2/t');
    expect(findEndpoint(catalog, ['compute'], { interface: 'admin' })).toBeUndefined();
  });

  it('tries the types in order (volume before volumev2)', () => {
    expect(findEndpoint(catalog, ['volume', 'volumev2'], { interface: 'public' })).toBe('http://c:8776/v2/t');
  });

  it('says what it has when it has not what was asked', () => {
    expect(() =>
      requireEndpoint(catalog, ['compute'], { interface: 'internal', region: 'RegionTwo' }),
    ).toThrow(
      'no compute endpoint for interface internal in region RegionTwo in the service catalog (it has: compute public@RegionOne, compute internal@RegionOne, compute public@RegionTwo)',
    );
  });

  it('names the endpoints by stackhop API', () => {
    expect(apiEndpoints(catalog, { interface: 'public', region: 'RegionOne' })).toEqual({
      'compute-api': 'http://pub1:8774/v2/t',
      'volume-api': 'http://c:8776/v2/t',
      'telemetry-api': 'http://m:8777',
    });
  });
});
